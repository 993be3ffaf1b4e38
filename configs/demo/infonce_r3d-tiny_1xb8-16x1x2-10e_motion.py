# Proxy benchmark: the contrastive baseline alone, in the spirit of CVRL
# (Qian et al., CVPR 2021), the baseline of
# infonce-stcr_r3d-tiny_1xb8-16x1x2-10e_motion.py: the same 2-clip tuples, flips,
# crops and head, no STCR loss (PretextRecognizer: only the clean clips go
# through the network), no STT or mixup on the unused second view.
# L = L_nce. Not in the paper: an addition of this project (docs/method.md,
# decision 18).
_base_ = ['./infonce-stcr_r3d-tiny_1xb8-16x1x2-10e_motion.py']

model = dict(
    _delete_=True,
    type='PretextRecognizer',
    backbone=_base_.model.backbone,
    pretext_head=_base_.model.pretext_head,
    data_preprocessor=_base_.model.data_preprocessor)
# The clip's flip, its crops, and the identity STT on the unused noise view:
# it records stt_code (0, 0), so the flip's code does not stand as the noise
# view's.
no_stt = dict(type='SpatioTemporalTransform', flips=('none', ),
              rotations=(0, ))
train_pipeline = _base_.train_pipeline[:-1] + [
    dict(
        type='PackClipTuple',
        clip_pipeline=[
            _base_.clip_flip,
            dict(type='TwoViewRandomCrop', size=56), no_stt,
            dict(type='PackSTCRInputs')
        ])
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
