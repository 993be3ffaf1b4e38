# Finetune I3D (ResNet-50) on HMDB51 split 1 from STCR pretraining (Table 3, "+ STCR";
# configs/finetune/README.md).
_base_ = ['./i3d-r50_scratch_8xb8-16x4x1-45e_hmdb51-split1-rgb.py']

stcr_checkpoint = 'work_dirs/stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth'
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
