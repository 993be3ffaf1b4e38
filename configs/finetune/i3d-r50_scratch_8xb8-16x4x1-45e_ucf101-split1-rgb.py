# Finetune I3D-R50 on UCF101 split 1 from random initialisation: the
# "(random)" baseline rows of the paper's Table 3. Test: 10 clips per video.
#   tools/dist_train.sh configs/finetune/i3d-r50_scratch_8xb8-16x4x1-45e_ucf101-split1-rgb.py 8
#   tools/dist_test.sh configs/finetune/i3d-r50_scratch_8xb8-16x4x1-45e_ucf101-split1-rgb.py CKPT 8
_base_ = [
    '../_base_/models/i3d_r50.py',
    '../_base_/datasets/ucf101_finetune.py',
    '../_base_/schedules/finetune_sgd_45e.py',
    '../_base_/default_runtime.py',
]

model = dict(cls_head=dict(num_classes=_base_.num_classes))
