from .c3d_conv import C3DConv
from .inception_i3d import InceptionI3D
from .tiny_video_cnn import TinyVideoCNN

__all__ = ['C3DConv', 'InceptionI3D', 'TinyVideoCNN']
