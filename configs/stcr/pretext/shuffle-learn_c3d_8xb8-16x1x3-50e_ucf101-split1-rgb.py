# Table 4, row "Shuffle & Learn [25]": C3D pretrained on UCF101 split 1 by
# temporal order verification alone (Shuffle & Learn, Misra et al., ECCV 2016,
# on clip triplets: docs/method.md, decision 12), the baseline of
# shuffle-learn-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py: the same tuples and head, no STCR
# loss (PretextRecognizer), no STT or mixup on the unused second view.
# L = L_sal.
#   tools/dist_train.sh \
#       configs/stcr/pretext/shuffle-learn_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py 8
_base_ = ['./shuffle-learn-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py']

model = dict(
    _delete_=True,
    type='PretextRecognizer',
    backbone=_base_.model.backbone,
    pretext_head=_base_.model.pretext_head,
    data_preprocessor=_base_.model.data_preprocessor)
train_pipeline = _base_.train_pipeline[:-1] + [
    dict(
        type='PackClipTuple',
        clip_pipeline=[
            step for step in _base_.train_pipeline[-1]['clip_pipeline']
            if step['type'] in ('TwoViewRandomCrop', 'PackSTCRInputs')
        ])
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
