# Not in the paper: an addition of this project (docs/method.md, decision
# 18). R3D-18 pretrained on UCF101 split 1 by the contrastive baseline alone
# (in the spirit of CVRL, Qian et al., CVPR 2021), the baseline of
# infonce-stcr_r3d-r18_8xb8-16x4x2-50e_ucf101-split1-rgb.py: the same 2-clip tuples, flips, crops
# and head, no STCR loss (PretextRecognizer: only the clean clips go through
# the network), no STT or mixup on the unused second view. L = L_nce.
#   tools/dist_train.sh \
#       configs/stcr/pretext/infonce_r3d-r18_8xb8-16x4x2-50e_ucf101-split1-rgb.py 8
_base_ = ['./infonce-stcr_r3d-r18_8xb8-16x4x2-50e_ucf101-split1-rgb.py']

model = dict(
    _delete_=True,
    type='PretextRecognizer',
    backbone=_base_.model.backbone,
    pretext_head=_base_.model.pretext_head,
    data_preprocessor=_base_.model.data_preprocessor)
# The clip's flip, its crops, and the identity STT on the unused noise view
# (stt_code (0, 0), so the flip's code does not stand as the noise view's).
no_stt = dict(type='SpatioTemporalTransform', flips=('none', ),
              rotations=(0, ))
train_pipeline = _base_.train_pipeline[:-1] + [
    dict(
        type='PackClipTuple',
        clip_pipeline=[
            _base_.clip_flip,
            dict(type='TwoViewRandomCrop', size=112), no_stt,
            dict(type='PackSTCRInputs')
        ])
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
