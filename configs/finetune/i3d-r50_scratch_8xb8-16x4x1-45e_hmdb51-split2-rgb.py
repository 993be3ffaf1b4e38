# Finetune I3D (ResNet-50) on HMDB51 split 2 from random initialisation (Table 3;
# configs/finetune/README.md).
_base_ = ['./i3d-r50_scratch_8xb8-16x4x1-45e_hmdb51-split1-rgb.py']

split = 2
train_dataloader = dict(dataset=dict(ann_file=_base_.split_files[split].train))
val_dataloader = dict(dataset=dict(ann_file=_base_.split_files[split].test))
test_dataloader = val_dataloader
