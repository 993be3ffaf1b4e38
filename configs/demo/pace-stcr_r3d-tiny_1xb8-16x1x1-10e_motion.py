# Proxy benchmark: STCR as the regulariser of a pretext task, as the paper
# uses it in Table 4 (docs/method.md, decision 13), with pace prediction
# (Wang, Jiao & Liu, ECCV 2020) as the task: each clip is sampled at 1x or
# 2x speed (frame interval 1 or 2), a head classifies which from the pooled
# clean and noise maps, and the paper's loss ties the two views.
# L = L_pace + L_tw + 0.1 L_cw. Pace is a task the synthetic data can carry,
# where the STT code is not (docs/collapse.md); an addition of this project
# (docs/method.md, decision 14). Same data, schedule and optimiser as the
# faithful demo.
_base_ = ['./stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py']

model = dict(
    pretext_head=dict(
        type='PlaybackRateHead',
        in_channels=128,
        num_rates=2,
        hidden_channels=64,
        inputs='both',
        loss_weight=1.0))
# The faithful demo's pipeline, with the rate-drawing sampler in place of
# SampleFrames and the pace label packed with the other meta keys.
_pace_steps = dict(
    SampleFrames=dict(
        type='SampleFramesAtRandomRate',
        clip_len=16,
        rates=(1, 2),
        base_interval=1),
    PackSTCRInputs=dict(
        type='PackSTCRInputs',
        meta_keys=('img_shape', 'stt_code', 'mixup_lambda', 'mixup_frame',
                   'crop_bbox', 'noise_crop_bbox', 'playback_rate',
                   'pace_label')))
train_pipeline = [
    _pace_steps.get(step['type'], step) for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
