# Quick start, step 2a: finetune the narrow R3D-18 on the synthetic motion
# dataset, split 1, from random initialisation (the baseline). Same budget as
# r3d-tiny_stcr-pretrained_1xb8-16x2x1-16e_motion.py.
#
# Adam (lr 1e-3, no weight decay) instead of the paper's SGD: at this scale
# (a 2M-parameter network, a few hundred iterations of batch 8 from scratch)
# SGD with momentum learned the motion much more slowly than Adam (measured,
# 240 grey training videos, 24 epochs: 59 % top-1 with SGD lr 0.01, 91 % with
# Adam; 120 videos: SGD at lr 0.003, 0.01 or 0.05 stayed at chance). Both
# finetuning runs use it, with the same budget.
_base_ = [
    '../_base_/models/r3d_r18_tiny.py',
    '../_base_/datasets/motion_finetune.py',
    '../_base_/schedules/finetune_sgd_45e.py',
    '../_base_/default_runtime.py',
]

model = dict(cls_head=dict(num_classes=_base_.num_classes))
train_cfg = dict(max_epochs=16, val_interval=4)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=16,
         milestones=[11], gamma=0.1)
]
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='Adam', lr=1e-3, weight_decay=0.))
default_hooks = dict(
    logger=dict(interval=3), checkpoint=dict(interval=4, max_keep_ckpts=1))
