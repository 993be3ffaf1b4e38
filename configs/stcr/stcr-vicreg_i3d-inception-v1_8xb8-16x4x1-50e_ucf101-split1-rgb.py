# STCR pretraining of I3D (Inception-v1, the paper's) on UCF101 split 1 (train
# list, labels unused), the settings of stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb.py, with
# VICReg's guard against collapse (Bardes et al., ICLR 2022; docs/collapse.md):
# the paper's L_tw + 0.1 L_cw, with L_tw as VICReg's invariance term, plus the
# variance hinge and the covariance penalty on the psi descriptors of both
# views (VICReg's 25 : 25 : 1 weights, scaled so invariance keeps weight 1). An
# addition to the paper.
#   tools/dist_train.sh configs/stcr/stcr-vicreg_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb.py 8
# Finetune its last checkpoint with configs/finetune/i3d-inception_*_stcr.py and
#   --cfg-options custom_hooks.0.checkpoint=\
#   work_dirs/stcr-vicreg_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth
_base_ = ['./stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(
    type='VICRegSTCRRecognizer',
    desc_loss=dict(
        type='VarianceCovarianceLoss', var_weight=1.0, cov_weight=0.04))
