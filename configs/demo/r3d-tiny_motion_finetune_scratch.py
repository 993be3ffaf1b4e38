# Quick start, step 2a: finetune the narrow R3D-18 on the synthetic motion
# dataset, split 1, from random initialisation (the baseline). Same budget as
# r3d-tiny_motion_finetune_stcr.py.
_base_ = [
    '../_base_/models/r3d_r18_tiny.py',
    '../_base_/datasets/motion_finetune.py',
    '../_base_/schedules/finetune_sgd_45e.py',
    '../_base_/default_runtime.py',
]

model = dict(cls_head=dict(num_classes=_base_.num_classes))
train_cfg = dict(max_epochs=12, val_interval=4)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=12,
         milestones=[8], gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.05))
default_hooks = dict(
    logger=dict(interval=3), checkpoint=dict(interval=4, max_keep_ckpts=1))
