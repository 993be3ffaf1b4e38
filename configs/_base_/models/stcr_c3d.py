# STCR pretraining model (models/stcr.py) with the C3D (C3DConv)
# backbone (backbones/c3d.py).
_base_ = ['./backbones/c3d.py', './stcr.py']

model = dict(
    backbone=_base_.backbone,
    cw_head=dict(in_channels=_base_.feat_channels,
                 temporal_size=_base_.feat_temporal_size))
