# Quick start, step 1: STCR pretraining of a narrow R3D-18 on the synthetic
# motion dataset (split 1 train list, labels unused), on CPU in minutes.
# Same method and optimiser as configs/stcr/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py; shorter
# schedule and smaller clips. Run by tools/quickstart.py.
_base_ = [
    '../_base_/models/stcr_r3d_r18_tiny.py',
    '../_base_/datasets/motion_stcr_pretrain.py',
    '../_base_/schedules/stcr_pretrain_sgd_50e.py',
    '../_base_/default_runtime.py',
]

train_cfg = dict(max_epochs=10)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=10,
         milestones=[7], gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
default_hooks = dict(
    logger=dict(interval=3), checkpoint=dict(interval=4, max_keep_ckpts=1))
