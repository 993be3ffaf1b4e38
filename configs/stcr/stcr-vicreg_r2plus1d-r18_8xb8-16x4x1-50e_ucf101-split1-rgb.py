# STCR on R(2+1)D-18, UCF101 split 1, with VICReg's guard against collapse:
# an addition to the paper, described in configs/stcr/README.md.
_base_ = ['./stcr_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(
    type='VICRegSTCRRecognizer',
    desc_loss=dict(
        type='VarianceCovarianceLoss', var_weight=1.0, cov_weight=0.04))
