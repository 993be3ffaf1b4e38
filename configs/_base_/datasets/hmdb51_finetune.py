# HMDB51 finetuning and testing data, official split `split` (1, 2 or 3): the
# protocol of ucf101_finetune.py (16x4 clips, random 112 crop + flip for
# training, 10 clips with centre crop for testing) on HMDB51's files.
_base_ = ['./ucf101_finetune.py']

data_root = 'data/hmdb51/videos'
num_classes = 51
split = 1
# The annotation files of each official split; the split 2 and 3 configs
# take theirs from here.
split_files = {
    s: dict(train=f'data/hmdb51/hmdb51_train_split_{s}_videos.txt',
            test=f'data/hmdb51/hmdb51_val_split_{s}_videos.txt')
    for s in (1, 2, 3)
}
ann_file_train = split_files[split]['train']
ann_file_val = split_files[split]['test']
ann_file_test = split_files[split]['test']

train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file_val, data_prefix=dict(video=data_root)))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file_test, data_prefix=dict(video=data_root)))
