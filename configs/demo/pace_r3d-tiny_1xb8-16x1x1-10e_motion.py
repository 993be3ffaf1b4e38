# Proxy benchmark: pace prediction alone (Wang, Jiao & Liu, ECCV 2020), the
# pretext-task baseline of pace-stcr_r3d-tiny_1xb8-16x1x1-10e_motion.py: each clip is
# sampled at 1x or 2x speed (frame interval 1 or 2) and a head classifies
# which, from the globally pooled clean map. No STCR loss
# (PretextRecognizer: the noise view is not run, and gets no STT or mixup).
# L = L_pace. An addition of this project (docs/method.md, decision 14).
# Same data, schedule and optimiser as the faithful demo.
_base_ = ['./pace-stcr_r3d-tiny_1xb8-16x1x1-10e_motion.py']

model = dict(
    _delete_=True,
    type='PretextRecognizer',
    backbone=_base_.model.backbone,
    pretext_head=_base_.model.pretext_head,
    data_preprocessor=_base_.model.data_preprocessor)
# no STT or mixup on the unused second view
train_pipeline = [
    step for step in _base_.train_pipeline
    if step['type'] not in ('SpatioTemporalTransform', 'IntraVideoMixup')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
