# Recognizer3D for finetuning and testing (models/recognizer3d.py) with the
# R(2+1)D-18 backbone (backbones/r2plus1d_r18.py).
_base_ = ['./backbones/r2plus1d_r18.py', './recognizer3d.py']

model = dict(
    backbone=_base_.backbone, cls_head=dict(in_channels=_base_.feat_channels))
