"""``tiny_recognizer3d.py`` with mmstcr's guards, as the repository's
configs have them (``configs/_base_/default_runtime.py``,
``configs/_base_/datasets/*.py``): ``CheckedVideoDataset`` with
``CheckedDecordInit`` and the ``finite_loss``, ``dataset_guard`` and
``resumable`` default hooks. Used by the fault tests (docs/faults.md)."""
_base_ = ['./tiny_recognizer3d.py']

train_pipeline = [
    dict(type='CheckedDecordInit'),
    dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='CheckedDecordInit'),
    dict(
        type='SampleFrames',
        clip_len=4,
        frame_interval=1,
        num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 32)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    dataset=dict(
        type='CheckedVideoDataset', bad_video='fail',
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(type='CheckedVideoDataset', pipeline=test_pipeline))
test_dataloader = val_dataloader
# dropout, so that the model's own random draws matter for resume
model = dict(cls_head=dict(dropout_ratio=0.5))
default_hooks = dict(
    finite_loss=dict(type='FiniteLossHook'),
    dataset_guard=dict(type='DatasetGuardHook'),
    resumable=dict(type='ResumableTrainingHook'))
