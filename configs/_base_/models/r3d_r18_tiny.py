# Recognizer3D with a narrow R3D-18 for CPU runs (the quick start): 16 base
# channels instead of 64. 16x56x56 input -> 128 x 2 x 2 x 2 features.
_base_ = ['./r3d_r18.py']

model = dict(backbone=dict(base_channels=16), cls_head=dict(in_channels=128))
