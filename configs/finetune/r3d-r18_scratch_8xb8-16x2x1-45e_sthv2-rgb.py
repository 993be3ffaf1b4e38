# Finetune R3D-18 on Something-Something v2 (174 classes) from random
# initialisation: the baseline for r3d-r18_stcr-pretrained_8xb8-16x2x1-45e_sthv2-rgb.py. Not in the paper. The
# paper's finetuning schedule (SGD lr 0.05, wd 5e-4, 45 epochs, x0.1 every 10);
# no horizontal flip, 16x2 clips, 10-clip test on the validation list
# (configs/_base_/datasets/sthv2_finetune.py).
#   tools/dist_train.sh configs/finetune/r3d-r18_scratch_8xb8-16x2x1-45e_sthv2-rgb.py 8
#   tools/dist_test.sh configs/finetune/r3d-r18_scratch_8xb8-16x2x1-45e_sthv2-rgb.py CKPT 8
_base_ = [
    '../_base_/models/r3d_r18.py',
    '../_base_/datasets/sthv2_finetune.py',
    '../_base_/schedules/finetune_sgd_45e.py',
    '../_base_/default_runtime.py',
]

model = dict(cls_head=dict(num_classes=_base_.num_classes))
