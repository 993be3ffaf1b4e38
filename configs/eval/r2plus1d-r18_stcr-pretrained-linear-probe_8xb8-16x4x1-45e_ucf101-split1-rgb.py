# Linear probe of a frozen STCR-pretrained R(2+1)D-18 backbone on UCF101 split 1:
# only the new linear classifier trains (no dropout); the backbone's weights
# and batch-norm statistics stay as pretrained. Same schedule and 10-clip
# test as finetuning.
#   tools/dist_train.sh configs/eval/r2plus1d-r18_stcr-pretrained-linear-probe_8xb8-16x4x1-45e_ucf101-split1-rgb.py 8
_base_ = ['../finetune/r2plus1d-r18_stcr-pretrained_8xb8-16x4x1-45e_ucf101-split1-rgb.py']

custom_hooks = [
    dict(type='STCRPretrainedHook', checkpoint=_base_.stcr_checkpoint),
    dict(type='FreezeBackboneHook'),
]
model = dict(cls_head=dict(dropout_ratio=0.0))
# The frozen backbone gets no gradients: DDP must be told.
find_unused_parameters = True
