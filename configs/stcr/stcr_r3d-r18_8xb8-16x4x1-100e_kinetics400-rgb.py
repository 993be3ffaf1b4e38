# STCR self-supervised pretraining of R3D-18 on Kinetics-400 (train list,
# labels unused). Not in the paper, which pretrains on UCF101 only: the
# method of configs/stcr/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py on a 25x larger set, for
# 100 epochs with cosine decay (why: configs/_base_/schedules/
# stcr_pretrain_sgd_cosine_100e.py). 16x4 clips, 112x112 crops, SGD lr 0.01,
# wd 5e-4, 8 GPUs x 8 clips, SyncBN in distributed runs.
#   tools/dist_train.sh configs/stcr/stcr_r3d-r18_8xb8-16x4x1-100e_kinetics400-rgb.py 8
# The last checkpoint, work_dirs/stcr_r3d-r18_8xb8-16x4x1-100e_kinetics400-rgb/epoch_100.pth, is what
# configs/finetune/r3d-r18_stcr-pretrained_8xb8-16x2x1-45e_sthv2-rgb.py loads.
_base_ = [
    '../_base_/models/stcr_r3d_r18.py',
    '../_base_/datasets/k400_stcr_pretrain.py',
    '../_base_/schedules/stcr_pretrain_sgd_cosine_100e.py',
    '../_base_/default_runtime.py',
]
