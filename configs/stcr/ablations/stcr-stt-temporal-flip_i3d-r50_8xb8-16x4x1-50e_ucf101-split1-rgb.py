# Table 2, the STT's atoms (an extension of the paper's STT-only row): STCR
# pretraining of I3D whose Spatio-Temporal Transformation is restricted to
# the temporal flip only: the clip played forwards or backwards, no
# spatial flip, no rotation.
# Intra-Video Mixup stays on.
_base_ = ['../stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

train_pipeline = [
    dict(
        type='SpatioTemporalTransform',
        flips=('none', 'temporal'),
        rotations=(0, ))
    if step['type'] == 'SpatioTemporalTransform' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
