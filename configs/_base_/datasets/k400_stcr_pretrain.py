# STCR pretraining data on Kinetics-400: the train list, labels unused. The
# pipeline of ucf101_stcr_pretrain.py (one 16x4 window decoded once, two
# square 112x112 crops, STT then Intra-Video Mixup on the noise view); only
# the paths differ. The files are those of MMAction2's own preparation
# scripts (tools/data/kinetics400/README.md).
_base_ = ['./ucf101_stcr_pretrain.py']

data_root = 'data/kinetics400/videos_train'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'

train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
