# Recognizer3D for finetuning and testing, without its backbone: global
# average pooling, dropout 0.5 and a new linear classifier (I3DHead).
# models/{backbone}.py add the backbone and fit the classifier to its map.
model = dict(
    type='Recognizer3D',
    cls_head=dict(
        type='I3DHead',
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
