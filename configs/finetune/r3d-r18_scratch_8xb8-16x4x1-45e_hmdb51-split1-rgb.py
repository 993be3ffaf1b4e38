# Finetune R3D-18 on HMDB51 split 1 from random initialisation: the
# "(random)" baseline rows of the paper's Table 3. Test: 10 clips per video.
#   tools/dist_train.sh configs/finetune/r3d-r18_scratch_8xb8-16x4x1-45e_hmdb51-split1-rgb.py 8
#   tools/dist_test.sh configs/finetune/r3d-r18_scratch_8xb8-16x4x1-45e_hmdb51-split1-rgb.py CKPT 8
_base_ = [
    '../_base_/models/r3d_r18.py',
    '../_base_/datasets/hmdb51_finetune.py',
    '../_base_/schedules/finetune_sgd_45e.py',
    '../_base_/default_runtime.py',
]

model = dict(cls_head=dict(num_classes=_base_.num_classes))
