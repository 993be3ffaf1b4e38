# Table 2, row "STT only": STCR pretraining of I3D with the Spatio-Temporal
# Transformation on the noise view and no Intra-Video Mixup.
_base_ = ['../stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

train_pipeline = [
    step for step in _base_.train_pipeline if step['type'] != 'IntraVideoMixup'
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
