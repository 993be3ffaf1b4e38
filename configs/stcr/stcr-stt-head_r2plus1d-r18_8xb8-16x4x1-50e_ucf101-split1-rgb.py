# STCR on R(2+1)D-18, UCF101 split 1, with the authors' STT-code head against collapse:
# an addition to the paper, described in configs/stcr/README.md.
_base_ = ['./stcr_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(pretext_head=dict(
    type='STTCodeHead', in_channels=_base_.feat_channels,
    feat_size=(_base_.feat_temporal_size, ) + (_base_.feat_spatial_size, ) * 2,
    hidden_channels=128, inputs='noise', loss_weight=0.1))
