# R3D-18 (Hara et al.): ResNet-18 with full 3x3x3 convolutions, downsampling
# in time and space from stage 2 on. Trained from scratch.
# 16x112x112 input -> feature map 512 x 2 x 4 x 4 (C' x T' x H' x W').
backbone = dict(
    type='ResNet3d',
    depth=18,
    pretrained=None,
    pretrained2d=False,
    conv1_kernel=(3, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    with_pool2=False,
    inflate=(1, 1, 1, 1),
    spatial_strides=(1, 2, 2, 2),
    temporal_strides=(1, 2, 2, 2),
    conv_cfg=dict(type='Conv3d'),
    norm_cfg=dict(type='BN3d', requires_grad=True),
    norm_eval=False,
    zero_init_residual=False)
feat_channels = 512
feat_temporal_size = 2
feat_spatial_size = 4  # H' = W' at 112 px
