# Quick start / proxy benchmark: STCR with SimSiam's guard (docs/collapse.md):
# stop-gradient on the clean descriptor and a predictor MLP on the noise one,
# L_tw on unit-length descriptors (2 - 2 cos). Same data, schedule and
# optimiser as the faithful demo.
_base_ = ['./r3d-tiny_motion_stcr_pretrain.py']

model = dict(
    type='SimSiamSTCRRecognizer',
    predictor=dict(
        type='DescriptorPredictor', in_channels=128, hidden_channels=32),
    tw_loss=dict(type='CosineConsistencyLoss', loss_weight=1.0))
