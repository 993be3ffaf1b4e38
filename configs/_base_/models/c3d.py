# Recognizer3D for finetuning and testing (models/recognizer3d.py) with the
# C3D (C3DConv) backbone (backbones/c3d.py).
_base_ = ['./backbones/c3d.py', './recognizer3d.py']

model = dict(
    backbone=_base_.backbone, cls_head=dict(in_channels=_base_.feat_channels))
