# I3D backbone as MMAction2 builds it: an inflated ResNet-50 (ResNet3d), not
# the Inception-v1 I3D of the paper (docs/method.md, decision 9). Trained from
# scratch: no ImageNet inflation, nothing is downloaded.
# 16x112x112 input -> feature map 2048 x 2 x 4 x 4 (C' x T' x H' x W').
backbone = dict(
    type='ResNet3d',
    depth=50,
    pretrained=None,
    pretrained2d=False,
    conv1_kernel=(5, 7, 7),
    conv1_stride_t=2,
    pool1_stride_t=2,
    conv_cfg=dict(type='Conv3d'),
    norm_cfg=dict(type='BN3d', requires_grad=True),
    norm_eval=False,
    inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
    zero_init_residual=False)
feat_channels = 2048
feat_temporal_size = 2
feat_spatial_size = 4  # H' = W' at 112 px
