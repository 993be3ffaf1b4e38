# Linear probe of a frozen STCR-pretrained C3D backbone on HMDB51 split 1:
# only the new linear classifier trains (no dropout); the backbone's weights
# and batch-norm statistics stay as pretrained. Same schedule and 10-clip
# test as finetuning.
#   tools/dist_train.sh configs/eval/c3d_hmdb51_split1_linear-probe.py 8
_base_ = ['../finetune/c3d_hmdb51_split1_stcr.py']

custom_hooks = [
    dict(type='STCRPretrainedHook', checkpoint=_base_.stcr_checkpoint),
    dict(type='FreezeBackboneHook'),
]
model = dict(cls_head=dict(dropout_ratio=0.0))
# The frozen backbone gets no gradients: DDP must be told.
find_unused_parameters = True
