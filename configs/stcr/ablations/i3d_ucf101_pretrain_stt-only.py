# Table 2, row "STT only": STCR pretraining of I3D with the Spatio-Temporal
# Transformation on the noise view and no Intra-Video Mixup.
_base_ = ['../i3d_ucf101_pretrain.py']

train_pipeline = [
    step for step in _base_.train_pipeline if step['type'] != 'IntraVideoMixup'
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
