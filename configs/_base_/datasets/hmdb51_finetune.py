# HMDB51 finetuning and testing data, official split `split` (1, 2 or 3): the
# protocol of ucf101_finetune.py (16x4 clips, random 112 crop + flip for
# training, 10 clips with centre crop for testing) on HMDB51's files.
_base_ = ['./ucf101_finetune.py']

data_root = 'data/hmdb51/videos'
num_classes = 51
split = 1
ann_file_train = f'data/hmdb51/hmdb51_train_split_{split}_videos.txt'
ann_file_val = f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'
ann_file_test = f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'

train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file_val, data_prefix=dict(video=data_root)))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file_test, data_prefix=dict(video=data_root)))
