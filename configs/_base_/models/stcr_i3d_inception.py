# STCR pretraining model (models/stcr.py) with the the Inception-v1 I3D (InceptionI3D), Mixed_5c map
# backbone (backbones/i3d_inception.py).
_base_ = ['./backbones/i3d_inception.py', './stcr.py']

model = dict(
    backbone=_base_.backbone,
    cw_head=dict(in_channels=_base_.feat_channels,
                 temporal_size=_base_.feat_temporal_size))
