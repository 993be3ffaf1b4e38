# Finetune R3D-18 on HMDB51 split 3 from STCR pretraining (Table 3, "+ STCR";
# configs/finetune/README.md).
_base_ = ['./r3d-r18_scratch_8xb8-16x4x1-45e_hmdb51-split3-rgb.py']

stcr_checkpoint = 'work_dirs/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth'
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
