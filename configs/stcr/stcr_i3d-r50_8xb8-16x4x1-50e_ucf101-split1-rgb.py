# STCR self-supervised pretraining of I3D on UCF101 split 1 (train list,
# labels unused). The I3D is MMAction2's inflated ResNet-50, not the paper's
# Inception-v1 I3D (docs/method.md, decision 9). Paper section 4.1.2 and Table 3,
# row "I3D + STCR".
# 16x4 clips, 112x112 crops, SGD lr 0.01, wd 5e-4, 50 epochs, lr x0.1 every
# 10 epochs, 8 GPUs x 8 clips, SyncBN in distributed runs.
#   tools/dist_train.sh configs/stcr/stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py 8
# The last checkpoint, work_dirs/stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth, is what
# configs/finetune/i3d-r50_stcr-pretrained_*.py load.
_base_ = [
    '../_base_/models/stcr_i3d_r50.py',
    '../_base_/datasets/ucf101_stcr_pretrain.py',
    '../_base_/schedules/stcr_pretrain_sgd_50e.py',
    '../_base_/default_runtime.py',
]
