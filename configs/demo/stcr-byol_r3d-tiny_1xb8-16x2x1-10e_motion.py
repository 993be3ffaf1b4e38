# Quick start / proxy benchmark: STCR with BYOL's guard (docs/collapse.md):
# the clean descriptor comes from a momentum (EMA) copy of the backbone
# (MMEngine's ExponentialMovingAverage, momentum 0.01 = BYOL's tau 0.99), a
# predictor MLP maps the noise one, L_tw on unit-length descriptors. Same
# data, schedule and optimiser as the faithful demo.
_base_ = ['./stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py']

model = dict(
    type='BYOLSTCRRecognizer',
    target_momentum=0.01,
    predictor=dict(
        type='DescriptorPredictor', in_channels=128, hidden_channels=32),
    tw_loss=dict(type='CosineConsistencyLoss', loss_weight=1.0))
