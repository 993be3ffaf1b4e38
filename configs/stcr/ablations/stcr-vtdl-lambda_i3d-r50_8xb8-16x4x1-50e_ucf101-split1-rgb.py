# Intra-Video Mixup with the lambda law of the authors' public code (VTDL):
# lambda = U(0, 1) * 0.3 instead of the paper's Beta(1, 1) (docs/method.md,
# decision 8).
_base_ = ['../stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

train_pipeline = [
    dict(step, lambda_law='vtdl', vtdl_scale=0.3)
    if step['type'] == 'IntraVideoMixup' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
