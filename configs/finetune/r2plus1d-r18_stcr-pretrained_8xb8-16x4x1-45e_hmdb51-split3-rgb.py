# Finetune R(2+1)D-18 on HMDB51 split 3 from STCR pretraining (Table 3,
# "+ STCR" rows). Only the backbone comes from the checkpoint; the classifier
# is new. Every backbone weight must be in the checkpoint, or loading fails.
# Point at another checkpoint with
#   --cfg-options custom_hooks.0.checkpoint=PATH
_base_ = ['./r2plus1d-r18_scratch_8xb8-16x4x1-45e_hmdb51-split3-rgb.py']

stcr_checkpoint = 'work_dirs/stcr_r2plus1d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth'
# The hook loads the backbone before the model initialises its weights (the
# backbone is then skipped); `load_from` and `--resume` still take precedence.
custom_hooks = [dict(type='STCRPretrainedHook', checkpoint=stcr_checkpoint)]
