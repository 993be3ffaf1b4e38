# STCR siamese pretraining model with the r3d_r18 backbone (paper, eqs. 1-7).
# L = L_tw + gamma * L_cw, gamma = 0.1 as the weight of the channel-wise loss.
_base_ = ['./backbones/r3d_r18.py']

model = dict(
    type='STCRRecognizer',
    cw_head=dict(
        type='ChannelDescriptorHead',
        in_channels=_base_.feat_channels,
        temporal_size=_base_.feat_temporal_size,
        mode='temporal'),
    tw_loss=dict(type='TemporalConsistencyLoss', loss_weight=1.0),
    cw_loss=dict(type='ChannelConsistencyLoss', loss_weight=0.1),
    data_preprocessor=dict(
        type='STCRDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
