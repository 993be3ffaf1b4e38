# Linear probe of a frozen STCR-pretrained C3D, UCF101 split 1: configs/eval/README.md.
_base_ = ['../finetune/c3d_stcr-pretrained_8xb8-16x4x1-45e_ucf101-split1-rgb.py']

custom_hooks = [*_base_.custom_hooks, dict(type='FreezeBackboneHook')]
model = dict(cls_head=dict(dropout_ratio=0.0))
find_unused_parameters = True  # DDP: the frozen backbone gets no gradients
