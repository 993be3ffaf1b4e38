# Finetune I3D (Inception-v1) on UCF101 split 3 from STCR pretraining (Table 3, "+ STCR";
# configs/finetune/README.md).
_base_ = ['./i3d-inception-v1_scratch_8xb8-16x4x1-45e_ucf101-split3-rgb.py']

stcr_checkpoint = 'work_dirs/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth'
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
