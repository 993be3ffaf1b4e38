# STCR on R(2+1)D-18, UCF101 split 1, with BYOL's guard against collapse:
# an addition to the paper, described in configs/stcr/README.md.
_base_ = ['./stcr_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(
    type='BYOLSTCRRecognizer',
    target_momentum=0.01,  # BYOL's tau = 0.99
    predictor=dict(type='DescriptorPredictor'),  # C' -> C'/4 -> C'
    tw_loss=dict(type='CosineConsistencyLoss', loss_weight=1.0))
