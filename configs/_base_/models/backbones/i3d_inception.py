# I3D backbone of the paper: the Inception-v1 I3D of Carreira and Zisserman
# (2017), conv1a to Mixed_5c (InceptionI3D, built in this repository), not
# MMAction2's inflated ResNet-50 (see i3d_r50.py; docs/method.md, decision 9).
# Trained from scratch: no ImageNet inflation, nothing is downloaded.
# 16x112x112 input -> Mixed_5c map 1024 x 2 x 4 x 4 (C' x T' x H' x W').
backbone = dict(
    type='InceptionI3D',
    in_channels=3,
    width_mult=1.0,
    frozen_stages=-1,
    norm_cfg=dict(type='BN3d', requires_grad=True),
    norm_eval=False)
feat_channels = 1024
feat_temporal_size = 2
feat_spatial_size = 4  # H' = W' at 112 px
