# STCR pretraining of I3D on UCF101 split 1 with the noise view's
# Spatio-Temporal Transformation and Intra-Video Mixup moved from the data
# pipeline to the data preprocessor (DeviceSTTMixup, a batch transform run on
# the model's device after the normalisation): the same method and draws as
# stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py (same 16 codes, Beta(1, 1) lambda), batched on the
# GPU, and the DataLoader workers only decode, resize and crop
# (docs/performance.md).
_base_ = ['./stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

train_pipeline = [
    step for step in _base_.train_pipeline
    if step['type'] not in ('SpatioTemporalTransform', 'IntraVideoMixup')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    data_preprocessor=dict(batch_transforms=[
        dict(
            type='DeviceSTTMixup',
            flips=('none', 'horizontal', 'temporal', 'temporal_horizontal'),
            rotations=(0, 90, 180, 270),
            alpha=1.0,
            lambda_law='beta')
    ]))
