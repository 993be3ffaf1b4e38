from .c3d_conv import C3DConv

__all__ = ['C3DConv']
