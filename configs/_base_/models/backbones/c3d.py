# C3D (Tran et al.) as a feature-map backbone: MMAction2's C3D layers conv1a
# to conv5b (mmstcr's C3DConv), without pool5 and the fc6/fc7 layers, so the
# consistency is taken on the last conv map as for the other backbones. With
# batch norm after every conv, as in the clip order paper's C3D, so that it
# trains from scratch. 16x112x112 input -> 512 x 2 x 7 x 7.
backbone = dict(
    type='C3DConv',
    base_channels=64,
    norm_cfg=dict(type='BN3d', requires_grad=True))
feat_channels = 512
feat_temporal_size = 2
feat_spatial_size = 7  # H' = W' at 112 px
