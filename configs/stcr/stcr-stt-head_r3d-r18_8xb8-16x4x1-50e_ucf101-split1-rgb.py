# STCR pretraining of R3D-18 on UCF101 split 1 (train list, labels unused), the
# settings of stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py, with the authors' recipe against collapse
# (docs/collapse.md; docs/method.md, decision 10): the paper's L_tw + 0.1 L_cw,
# plus a 16-way classifier of the STT code the pipeline recorded, read from the
# noise path's map (1x1x1 conv, BN without affine, ReLU, FC over the flattened
# T' x H' x W' layout). Its cross-entropy is weighted 0.1: the authors' public
# code trains `cls_loss + 10 * consistency`, the same 1 : 10 ratio. An addition
# to the paper's loss (its section 3.1 names a "pretext task head").
#   tools/dist_train.sh configs/stcr/stcr-stt-head_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py 8
# Finetune its last checkpoint with configs/finetune/r3d_*_stcr.py and
#   --cfg-options custom_hooks.0.checkpoint=\
#   work_dirs/stcr-stt-head_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth
_base_ = ['./stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(
    pretext_head=dict(
        type='STTCodeHead',
        in_channels=_base_.feat_channels,
        feat_size=(_base_.feat_temporal_size, _base_.feat_spatial_size,
                   _base_.feat_spatial_size),
        hidden_channels=128,
        inputs='noise',
        loss_weight=0.1))
