# STCR with the alternative channel-wise head H (docs/method.md, decision 5): one
# linear map over the flattened C' x T' descriptor instead of a map over time
# shared by the channels.
_base_ = ['../stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(cw_head=dict(mode='flatten'))
