# R(2+1)D-18 (Tran et al.): every 3x3x3 convolution factorised into a 1x3x3
# spatial and a 3x1x1 temporal convolution (MMAction2's ResNet2Plus1d).
# Trained from scratch.
# 16x112x112 input -> feature map 512 x 2 x 4 x 4 (C' x T' x H' x W').
backbone = dict(
    type='ResNet2Plus1d',
    depth=18,
    pretrained=None,
    pretrained2d=False,
    norm_eval=False,
    conv_cfg=dict(type='Conv2plus1d'),
    norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
    conv1_kernel=(3, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    inflate=(1, 1, 1, 1),
    spatial_strides=(1, 2, 2, 2),
    temporal_strides=(1, 2, 2, 2),
    zero_init_residual=False)
feat_channels = 512
feat_temporal_size = 2
feat_spatial_size = 4  # H' = W' at 112 px
