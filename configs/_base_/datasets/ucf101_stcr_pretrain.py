# STCR pretraining data: UCF101 split 1, train list, no labels used.
# One temporal window of 16 frames with stride 4 is decoded once; two
# independent square 112x112 crops of it make the clean and the noise view
# (docs/method.md, decision 1). The noise view gets the Spatio-Temporal
# Transformation (all 16 flip x rotation codes), then Intra-Video Mixup with
# lambda ~ Beta(1, 1) (paper, eqs. 2-4).
# MMAction2's VideoDataset with a checked list and a bad-video policy
# (docs/faults.md): bad_video='fail' stops at the first unreadable video,
# naming it and its line; 'skip' trains on without it and reports it.
dataset_type = 'CheckedVideoDataset'
# The official archive's folder as it unpacks (tools/data/ucf101/README.md)
data_root = 'data/ucf101/UCF-101'
split = 1
ann_file_train = f'data/ucf101/ucf101_train_split_{split}_videos.txt'

file_client_args = dict(io_backend='disk')
train_pipeline = [
    dict(type='CheckedDecordInit', **file_client_args),
    dict(type='SampleFrames', clip_len=16, frame_interval=4, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),  # docs/method.md, decision 20
    dict(type='TwoViewRandomCrop', size=112),
    dict(
        type='SpatioTemporalTransform',
        flips=('none', 'horizontal', 'temporal', 'temporal_horizontal'),
        rotations=(0, 90, 180, 270)),
    dict(type='IntraVideoMixup', alpha=1.0, lambda_law='beta'),
    dict(type='PackSTCRInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,  # GPU runs; PyTorch only warns without a GPU
    # Each GPU drops its last incomplete batch (docs/method.md, decision 17):
    # UCF101 split 1 (9,537 videos) would otherwise end every epoch with a
    # batch of 1 clip per GPU, whose batch-norm statistics come from that
    # one clip and its noise view. The shuffle changes every epoch, so no
    # video is left out for good.
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline,
        bad_video='fail'))
