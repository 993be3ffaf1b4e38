# Recognizer3D for finetuning and testing (models/recognizer3d.py) with the
# the Inception-v1 I3D (InceptionI3D), Mixed_5c map backbone (backbones/i3d_inception.py).
_base_ = ['./backbones/i3d_inception.py', './recognizer3d.py']

model = dict(
    backbone=_base_.backbone, cls_head=dict(in_channels=_base_.feat_channels))
