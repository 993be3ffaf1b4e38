# Table 4, row "Clip Order [8]": C3D pretrained on UCF101 split 1 by Clip Order
# Prediction alone (VCOP, Xu et al., CVPR 2019), the baseline of
# clip-order-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py: the same tuples and head, no STCR
# loss (PretextRecognizer: only the clean clips go through the network), and
# no STT or mixup on the unused second view. L = L_vcop.
#   tools/dist_train.sh \
#       configs/stcr/pretext/clip-order_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py 8
_base_ = ['./clip-order-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py']

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
