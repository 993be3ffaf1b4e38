# Table 2, row "IM only": STCR pretraining of I3D with Intra-Video Mixup on the
# noise view and no Spatio-Temporal Transformation (every sample then carries
# the identity STT code, so the model's inverse is a no-op).
_base_ = ['../stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

train_pipeline = [
    step for step in _base_.train_pipeline
    if step['type'] != 'SpatioTemporalTransform'
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
