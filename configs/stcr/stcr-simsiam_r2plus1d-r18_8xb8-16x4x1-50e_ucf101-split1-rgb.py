# STCR pretraining of R(2+1)D-18 on UCF101 split 1 (train list, labels unused),
# the settings of stcr_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py, with SimSiam's guard against
# collapse (Chen & He, CVPR 2021; docs/collapse.md): stop-gradient on the clean
# descriptor, a predictor MLP (bottleneck C'/4) on the noise descriptor at
# every time step, and L_tw on unit-length descriptors (2 - 2 cos). An addition
# to the paper.
#   tools/dist_train.sh configs/stcr/stcr-simsiam_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py 8
# Finetune its last checkpoint with configs/finetune/r2plus1d_*_stcr.py and
#   --cfg-options custom_hooks.0.checkpoint=\
#   work_dirs/stcr-simsiam_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth
_base_ = ['./stcr_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(
    type='SimSiamSTCRRecognizer',
    predictor=dict(
        type='DescriptorPredictor',
        in_channels=_base_.feat_channels,
        hidden_channels=_base_.feat_channels // 4),
    tw_loss=dict(type='CosineConsistencyLoss', loss_weight=1.0))
