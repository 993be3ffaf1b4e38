# Finetune the Inception-v1 I3D on UCF101 split 2 from STCR pretraining
# (Table 3, "I3D + STCR" row). Only the backbone comes from the checkpoint;
# the classifier is new. Every backbone weight must be in the checkpoint, or
# loading fails. Point at another checkpoint with
#   --cfg-options custom_hooks.0.checkpoint=PATH
_base_ = ['./i3d-inception-v1_scratch_8xb8-16x4x1-45e_ucf101-split2-rgb.py']

stcr_checkpoint = 'work_dirs/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth'
# The hook loads the backbone before the model initialises its weights (the
# backbone is then skipped); `load_from` and `--resume` still take precedence.
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
