# Finetune I3D-R50 on Something-Something v2 from STCR pretraining on
# Kinetics-400 (configs/stcr/stcr_i3d-r50_8xb8-16x4x1-100e_kinetics400-rgb.py). Only the backbone comes
# from the checkpoint, strictly; the 174-way classifier is new. From the
# UCF101 pretraining instead:
#   --cfg-options custom_hooks.0.checkpoint=work_dirs/stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth
_base_ = ['./i3d-r50_scratch_8xb8-16x2x1-45e_sthv2-rgb.py']

stcr_checkpoint = 'work_dirs/stcr_i3d-r50_8xb8-16x4x1-100e_kinetics400-rgb/epoch_100.pth'
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
