# STCR pretraining data for the quick start: the synthetic motion dataset
# (tools/data/make_motion_dataset.py) in UCF101's layout, split 1 train list.
# Small clips for CPU: 16 frames with stride 2 from 64x64 videos, two square
# 56x56 crops. Grey frames, as in finetuning and testing (see `to_grey` in
# motion_finetune.py): the backbone sees the same input in both stages.
_base_ = ['./ucf101_stcr_pretrain.py']

# Every frame -> its grey level in all 3 channels (MMAction2's ColorJitter
# with the saturation factor fixed at 0, the other factors at identity).
to_grey = dict(
    type='ColorJitter',
    brightness=0.,
    contrast=0.,
    saturation=(0., 0.),
    hue=0.)

data_root = 'data/motion/UCF-101'
ann_file_train = 'data/motion/ucf101_train_split_1_videos.txt'
train_pipeline = [
    dict(type='CheckedDecordInit'),
    dict(type='SampleFrames', clip_len=16, frame_interval=2, num_clips=1),
    dict(type='DecordDecode'),
    to_grey,
    dict(type='TwoViewRandomCrop', size=56),
    dict(type='SpatioTemporalTransform'),
    dict(type='IntraVideoMixup', alpha=1.0),
    dict(type='PackSTCRInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
