# Finetune R(2+1)D-18 on UCF101 split 2 from random initialisation (Table 3,
# "(random)" rows, averaged over splits 1-3 with
# tools/analysis/gather_split_results.py).
_base_ = ['./r2plus1d-r18_scratch_8xb8-16x4x1-45e_ucf101-split1-rgb.py']

split = 2
train_dataloader = dict(
    dataset=dict(ann_file=f'data/ucf101/ucf101_train_split_{split}_videos.txt'))
val_dataloader = dict(
    dataset=dict(ann_file=f'data/ucf101/ucf101_val_split_{split}_videos.txt'))
test_dataloader = dict(
    dataset=dict(ann_file=f'data/ucf101/ucf101_val_split_{split}_videos.txt'))
