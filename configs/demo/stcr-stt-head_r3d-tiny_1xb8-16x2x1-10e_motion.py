# Quick start / proxy benchmark: STCR pretraining with the authors' transform
# head (docs/collapse.md): the paper's L_tw + 0.1 L_cw, plus a 16-way
# classifier of the STT code from the noise path's 128 x 2 x 2 x 2 map,
# weighted 0.1 (the 1 : 10 ratio of cls_loss to consistency in the authors'
# public code). Same data, schedule and optimiser as the faithful demo.
_base_ = ['./stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py']

model = dict(
    pretext_head=dict(
        type='STTCodeHead',
        in_channels=128,
        feat_size=(2, 2, 2),
        hidden_channels=64,
        inputs='noise',
        loss_weight=0.1))
