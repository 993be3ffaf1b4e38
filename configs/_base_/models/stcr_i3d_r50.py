# STCR pretraining model (models/stcr.py) with the MMAction2's inflated ResNet-50 I3D
# backbone (backbones/i3d_r50.py).
_base_ = ['./backbones/i3d_r50.py', './stcr.py']

model = dict(
    backbone=_base_.backbone,
    cw_head=dict(in_channels=_base_.feat_channels,
                 temporal_size=_base_.feat_temporal_size))
