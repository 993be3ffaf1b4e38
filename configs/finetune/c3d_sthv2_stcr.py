# Finetune C3D on Something-Something v2 from STCR pretraining on
# Kinetics-400 (configs/stcr/c3d_k400_pretrain.py). Only the backbone comes
# from the checkpoint, strictly; the 174-way classifier is new. From the
# UCF101 pretraining instead:
#   --cfg-options custom_hooks.0.checkpoint=work_dirs/c3d_ucf101_pretrain/epoch_50.pth
_base_ = ['./c3d_sthv2_scratch.py']

stcr_checkpoint = 'work_dirs/c3d_k400_pretrain/epoch_100.pth'
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
