# Table 4, row "Clip Order [8] + STCR": C3D pretrained on UCF101 split 1 (train
# list, labels unused) by Clip Order Prediction (VCOP, Xu et al., CVPR 2019)
# with STCR as a regulariser (paper section 4.3). Each sample is a tuple of 3
# clips of 16 consecutive frames, 8 frames apart (VCOP's sampling), shuffled
# into one of 3! = 6 orders; every clip gets its own two views (crops, STT,
# Intra-Video Mixup) and the STCR losses, and ClipOrderHead predicts the order
# from the tuple's clean clips. L = L_vcop + L_tw + 0.1 L_cw (docs/method.md,
# decision 13). Schedule and runtime of stcr_c3d_8xb8-16x4x1-50e_ucf101-split1-rgb.py.
#   tools/dist_train.sh \
#       configs/stcr/pretext/clip-order-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py 8
# Finetune with configs/finetune/c3d_stcr-pretrained_*.py and --cfg-options
#   custom_hooks.0.checkpoint=\
#   work_dirs/clip-order-stcr_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb/epoch_50.pth
_base_ = ['../stcr_c3d_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

clips_per_tuple = 3
# Per clip: the two-view steps of the STCR pipeline, ending with the packing.
clip_steps = ('TwoViewRandomCrop', 'SpatioTemporalTransform',
              'IntraVideoMixup', 'PackSTCRInputs')
train_pipeline = [
    dict(
        type='SampleClipTuple',
        clip_len=16,
        frame_interval=1,
        num_clips=clips_per_tuple,
        clip_gap=8,
        order_law='uniform') if step['type'] == 'SampleFrames' else step
    for step in _base_.train_pipeline if step['type'] not in clip_steps
] + [
    dict(
        type='PackClipTuple',
        clip_pipeline=[
            step for step in _base_.train_pipeline
            if step['type'] in clip_steps
        ])
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

model = dict(
    type='ClipTupleSTCRRecognizer',
    pretext_head=dict(
        type='ClipOrderHead',
        in_channels=_base_.feat_channels,
        num_clips=clips_per_tuple,
        hidden_channels=512,
        dropout=0.5,
        loss_weight=1.0))
