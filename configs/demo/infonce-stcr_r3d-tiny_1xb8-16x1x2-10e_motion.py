# Proxy benchmark: STCR as the regulariser of a contrastive baseline in the
# spirit of CVRL (Qian et al., CVPR 2021): InfoNCE between two clips of each
# video taken at different times, the other videos of the batch as
# negatives. Each sample is a tuple of 2 clips of 16 consecutive frames,
# 4 frames apart; each clip gets its own horizontal flip (all its frames
# alike) and its own two views (crops, STT, Intra-Video Mixup) with the STCR
# losses, and ClipContrastHead contrasts the two clean clips.
# L = L_nce + L_tw + 0.1 L_cw. Not in the paper: an addition of this project
# (docs/method.md, decision 18). Same schedule and optimiser as the faithful
# demo; 16 consecutive frames per clip instead of 16 every other frame, so
# that two clips fit in the dataset's 40-frame videos.
_base_ = ['./stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py']

model = dict(
    type='ClipTupleSTCRRecognizer',
    pretext_head=dict(
        type='ClipContrastHead',
        in_channels=128,
        hidden_channels=512,
        out_channels=128,
        loss=dict(type='InfoNCELoss', temperature=0.1, loss_weight=1.0)))
# Per clip: its own flip, as a view of its frames (SpatioTemporalTransform on
# 'imgs' limited to the identity and the left-right flip; the noise view's
# STT after the crop overwrites the stt_code it records, so the code handed
# to the model is the noise view's, relative to the flipped clip), then the
# two-view steps of the faithful pipeline.
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
        frame_interval=1,
        num_clips=2,
        clip_gap=4,
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
