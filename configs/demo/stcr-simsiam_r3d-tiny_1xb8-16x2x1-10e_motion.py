# Quick start / proxy benchmark: STCR with SimSiam's guard (docs/collapse.md):
# stop-gradient on the clean descriptor and a predictor MLP on the noise one,
# L_tw on unit-length descriptors (2 - 2 cos). Same data, schedule and
# optimiser as the faithful demo.
_base_ = ['./stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py']

model = dict(
    type='SimSiamSTCRRecognizer',
    predictor=dict(
        type='DescriptorPredictor', in_channels=128, hidden_channels=32),
    tw_loss=dict(type='CosineConsistencyLoss', loss_weight=1.0))
