# HMDB51 video retrieval and kNN on frozen features: the protocol of
# ucf101_retrieval.py (test videos query train videos, 10 clips per video)
# on HMDB51's split-1 files.
_base_ = ['./ucf101_retrieval.py']

data_root = 'data/hmdb51/videos'
num_classes = 51
split = 1
ann_file_train = f'data/hmdb51/hmdb51_train_split_{split}_videos.txt'
ann_file_val = f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'
ann_file_test = f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'

test_dataloader = dict(
    dataset=dict(
        query_ann_file=ann_file_test,
        gallery_ann_file=ann_file_train,
        data_prefix=dict(video=data_root)))
