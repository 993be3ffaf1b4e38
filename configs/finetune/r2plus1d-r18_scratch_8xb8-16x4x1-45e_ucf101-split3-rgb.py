# Finetune R(2+1)D-18 on UCF101 split 3 from random initialisation (Table 3;
# configs/finetune/README.md).
_base_ = ['./r2plus1d-r18_scratch_8xb8-16x4x1-45e_ucf101-split1-rgb.py']

split = 3
train_dataloader = dict(dataset=dict(ann_file=_base_.split_files[split].train))
val_dataloader = dict(dataset=dict(ann_file=_base_.split_files[split].test))
test_dataloader = val_dataloader
