# Finetune R(2+1)D-18 on Something-Something v2 from STCR pretraining on
# Kinetics-400 (configs/stcr/r2plus1d_k400_pretrain.py). Only the backbone comes
# from the checkpoint, strictly; the 174-way classifier is new. From the
# UCF101 pretraining instead:
#   --cfg-options custom_hooks.0.checkpoint=work_dirs/r2plus1d_ucf101_pretrain/epoch_50.pth
_base_ = ['./r2plus1d_sthv2_scratch.py']

stcr_checkpoint = 'work_dirs/r2plus1d_k400_pretrain/epoch_100.pth'
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
