# Something-Something v2 finetuning and testing data (174 classes), as
# MMAction2 prepares it: .webm videos under data/sthv2/videos and
# VideoDataset lists (tools/data/sthv2/README.md). The protocol of
# ucf101_finetune.py with two changes:
# - no horizontal flip: SSv2 has classes that differ only in direction
#   ("Pushing something from left to right" / "... right to left"), so a
#   flip would change the label;
# - 16 frames with stride 2 instead of 4: SSv2 clips are short (a few
#   seconds at 12 fps), and a 16x4 window (64 frames) would loop most of
#   them.
# The test labels of SSv2 are not public: val and test both use the
# validation list (10 clips per video, as for UCF101).
_base_ = ['./ucf101_finetune.py']

data_root = 'data/sthv2/videos'
num_classes = 174
ann_file_train = 'data/sthv2/sthv2_train_list_videos.txt'
ann_file_val = 'data/sthv2/sthv2_val_list_videos.txt'
ann_file_test = 'data/sthv2/sthv2_val_list_videos.txt'


def _sthv2(pipeline):
    return [
        dict(step, frame_interval=2) if step['type'] == 'SampleFrames' else
        step for step in pipeline if step['type'] != 'Flip'
    ]


train_pipeline = _sthv2(_base_.train_pipeline)
val_pipeline = _sthv2(_base_.val_pipeline)
test_pipeline = _sthv2(_base_.test_pipeline)

train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        pipeline=val_pipeline))
test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline))
