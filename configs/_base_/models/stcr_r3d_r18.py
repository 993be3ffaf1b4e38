# STCR pretraining model (models/stcr.py) with the R3D-18
# backbone (backbones/r3d_r18.py).
_base_ = ['./backbones/r3d_r18.py', './stcr.py']

model = dict(
    backbone=_base_.backbone,
    cw_head=dict(in_channels=_base_.feat_channels,
                 temporal_size=_base_.feat_temporal_size))
