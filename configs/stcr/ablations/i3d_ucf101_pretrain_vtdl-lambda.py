# Intra-Video Mixup with the lambda law of the authors' public code (VTDL):
# lambda = U(0, 1) * 0.3 instead of the paper's Beta(1, 1) (docs/method.md,
# decision 8).
_base_ = ['../i3d_ucf101_pretrain.py']

train_pipeline = [
    dict(step, lambda_law='vtdl', vtdl_scale=0.3)
    if step['type'] == 'IntraVideoMixup' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
