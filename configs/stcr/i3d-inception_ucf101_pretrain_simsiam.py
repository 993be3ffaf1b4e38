# STCR pretraining of I3D (Inception-v1, the paper's) on UCF101 split 1 (train
# list, labels unused), the settings of i3d-inception_ucf101_pretrain.py, with
# SimSiam's guard against collapse (Chen & He, CVPR 2021; docs/collapse.md):
# stop-gradient on the clean descriptor, a predictor MLP (bottleneck C'/4) on
# the noise descriptor at every time step, and L_tw on unit-length descriptors
# (2 - 2 cos). An addition to the paper.
#   tools/dist_train.sh configs/stcr/i3d-inception_ucf101_pretrain_simsiam.py 8
# Finetune its last checkpoint with configs/finetune/i3d-inception_*_stcr.py and
#   --cfg-options custom_hooks.0.checkpoint=\
#   work_dirs/i3d-inception_ucf101_pretrain_simsiam/epoch_50.pth
_base_ = ['./i3d-inception_ucf101_pretrain.py']

model = dict(
    type='SimSiamSTCRRecognizer',
    predictor=dict(
        type='DescriptorPredictor',
        in_channels=_base_.feat_channels,
        hidden_channels=_base_.feat_channels // 4),
    tw_loss=dict(type='CosineConsistencyLoss', loss_weight=1.0))
