# Quick start, step 2b: finetune the narrow R3D-18 on the synthetic motion
# dataset, split 1, from the STCR checkpoint of step 1 (new classifier).
_base_ = ['./r3d-tiny_scratch_1xb8-16x2x1-16e_motion.py']

stcr_checkpoint = 'work_dirs/quickstart/pretrain/epoch_10.pth'
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
