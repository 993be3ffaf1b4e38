# Recognizer3D for finetuning and testing (models/recognizer3d.py) with the
# MMAction2's inflated ResNet-50 I3D backbone (backbones/i3d_r50.py).
_base_ = ['./backbones/i3d_r50.py', './recognizer3d.py']

model = dict(
    backbone=_base_.backbone, cls_head=dict(in_channels=_base_.feat_channels))
