# Not in the paper: an addition of this project (docs/method.md, decision
# 18). R3D-18 pretrained on UCF101 split 1 (train list, labels unused) by a
# contrastive baseline in the spirit of CVRL (Qian et al., CVPR 2021), with
# STCR as a regulariser the way Table 4 adds it to a pretext task. InfoNCE
# between two clips of each video taken at different times, the other videos
# of the batch as negatives. Each sample is a tuple of 2 clips of 16 frames
# every 4th, the second starting where the first ends; each clip gets its own
# horizontal flip (all its frames alike) and its own two views (crops, STT,
# Intra-Video Mixup) with the STCR losses, and ClipContrastHead contrasts the
# two clean clips. L = L_nce + L_tw + 0.1 L_cw. Schedule and runtime of
# stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py; negatives come from each GPU's own batch.
#   tools/dist_train.sh \
#       configs/stcr/pretext/infonce-stcr_r3d-r18_8xb8-16x4x2-50e_ucf101-split1-rgb.py 8
# Finetune with configs/finetune/r3d-r18_stcr-pretrained_*.py and --cfg-options
#   custom_hooks.0.checkpoint=\
#   work_dirs/infonce-stcr_r3d-r18_8xb8-16x4x2-50e_ucf101-split1-rgb/epoch_50.pth
_base_ = ['../stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(
    type='ClipTupleSTCRRecognizer',
    pretext_head=dict(
        type='ClipContrastHead',
        in_channels=_base_.feat_channels,
        hidden_channels=2048,
        out_channels=128,
        loss=dict(type='InfoNCELoss', temperature=0.1, loss_weight=1.0)))
# Per clip: its own flip, as a view of its frames (the noise view's STT
# after the crop overwrites the stt_code this one records), then the
# two-view steps of the STCR pipeline.
clip_flip = dict(
    type='SpatioTemporalTransform',
    flips=('none', 'horizontal'),
    rotations=(0, ),
    key='imgs')
clip_steps = ('TwoViewRandomCrop', 'SpatioTemporalTransform',
              'IntraVideoMixup', 'PackSTCRInputs')
train_pipeline = [
    dict(
        type='SampleClipTuple',
        clip_len=16,
        frame_interval=4,
        num_clips=2,
        clip_gap=0,
        order_law='uniform') if step['type'] == 'SampleFrames' else step
    for step in _base_.train_pipeline if step['type'] not in clip_steps
] + [
    dict(
        type='PackClipTuple',
        clip_pipeline=[clip_flip] + [
            step for step in _base_.train_pipeline
            if step['type'] in clip_steps
        ])
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
