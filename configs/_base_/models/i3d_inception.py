# Recognizer3D with the Inception-v1 I3D backbone (i3d_inception), for
# finetuning and testing: global average pooling of the Mixed_5c map,
# dropout 0.5 and a new linear classifier (I3DHead).
_base_ = ['./backbones/i3d_inception.py']

model = dict(
    type='Recognizer3D',
    cls_head=dict(
        type='I3DHead',
        in_channels=_base_.feat_channels,
        num_classes=101,
        spatial_type='avg',
        dropout_ratio=0.5,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
