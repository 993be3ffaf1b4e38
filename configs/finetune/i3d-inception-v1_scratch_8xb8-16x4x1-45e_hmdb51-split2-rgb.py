# Finetune the Inception-v1 I3D on HMDB51 split 2 from random initialisation
# (Table 3, "I3D (random)" row, averaged over splits 1-3 with
# tools/analysis/gather_split_results.py).
_base_ = ['./i3d-inception-v1_scratch_8xb8-16x4x1-45e_hmdb51-split1-rgb.py']

split = 2
train_dataloader = dict(
    dataset=dict(ann_file=f'data/hmdb51/hmdb51_train_split_{split}_videos.txt'))
val_dataloader = dict(
    dataset=dict(ann_file=f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'))
test_dataloader = dict(
    dataset=dict(ann_file=f'data/hmdb51/hmdb51_val_split_{split}_videos.txt'))
