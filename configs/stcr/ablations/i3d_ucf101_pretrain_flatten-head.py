# STCR with the alternative channel-wise head H (docs/method.md, decision 5): one
# linear map over the flattened C' x T' descriptor instead of a map over time
# shared by the channels.
_base_ = ['../i3d_ucf101_pretrain.py']

model = dict(cw_head=dict(mode='flatten'))
