# STCR pretraining of I3D (MMAction2 inflated ResNet-50) on UCF101 split 1
# (train list, labels unused), the settings of stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py, with
# BYOL's guard against collapse (Grill et al., NeurIPS 2020; docs/collapse.md):
# the clean descriptor comes from a momentum copy of the backbone (MMEngine's
# ExponentialMovingAverage, momentum 0.01, i.e. BYOL's tau = 0.99, updated
# every step), a predictor MLP maps the noise descriptor, and L_tw is taken on
# unit-length descriptors. An addition to the paper.
#   tools/dist_train.sh configs/stcr/stcr-byol_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py 8
# Finetune its last checkpoint with configs/finetune/i3d_*_stcr.py and
#   --cfg-options custom_hooks.0.checkpoint=\
#   work_dirs/stcr-byol_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth
_base_ = ['./stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(
    type='BYOLSTCRRecognizer',
    target_momentum=0.01,
    predictor=dict(
        type='DescriptorPredictor',
        in_channels=_base_.feat_channels,
        hidden_channels=_base_.feat_channels // 4),
    tw_loss=dict(type='CosineConsistencyLoss', loss_weight=1.0))
