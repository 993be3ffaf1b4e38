# Table 4, row "Shuffle & Learn [25] + STCR": C3D pretrained on UCF101 split 1
# by temporal order verification (Shuffle & Learn, Misra et al., ECCV 2016)
# with STCR as a regulariser (paper section 4.3). Shuffle & Learn's frame
# triplets become triplets of 16-frame clips (docs/method.md, decision 12):
# half the tuples in order (forwards or backwards), half with the middle clip
# out of place; OrderVerificationHead classifies them from the clean clips.
# Every clip gets its two views and the STCR losses.
# L = L_sal + L_tw + 0.1 L_cw (docs/method.md, decision 13).
#   tools/dist_train.sh \
#       configs/stcr/pretext/shuffle-learn-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py 8
_base_ = ['./clip-order-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py']

train_pipeline = [
    dict(step, order_law='verify') if step['type'] == 'SampleClipTuple' else
    step for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    pretext_head=dict(
        _delete_=True,
        type='OrderVerificationHead',
        in_channels=_base_.feat_channels,
        num_clips=_base_.clips_per_tuple,
        hidden_channels=512,
        dropout=0.5,
        loss_weight=1.0))
