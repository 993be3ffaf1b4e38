# The STCR siamese pretraining model without its backbone (paper, eqs. 1-7):
# L = L_tw + gamma * L_cw, gamma = 0.1 the weight of the channel-wise loss.
# models/stcr_{backbone}.py add the backbone and fit the channel-wise head
# to its map.
model = dict(
    type='STCRRecognizer',
    cw_head=dict(type='ChannelDescriptorHead', mode='temporal'),
    tw_loss=dict(type='TemporalConsistencyLoss', loss_weight=1.0),
    cw_loss=dict(type='ChannelConsistencyLoss', loss_weight=0.1),
    data_preprocessor=dict(
        type='STCRDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
