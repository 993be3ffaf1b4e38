# Finetune I3D-R50 on UCF101 split 1 from STCR pretraining (Table 3,
# "+ STCR" rows). Only the backbone comes from the checkpoint; the classifier
# is new. Every backbone weight must be in the checkpoint, or loading fails.
# Point at another checkpoint with
#   --cfg-options model.init_cfg.checkpoint=PATH
_base_ = ['./i3d_ucf101_split1_scratch.py']

stcr_checkpoint = 'work_dirs/i3d_ucf101_pretrain/epoch_50.pth'
model = dict(
    init_cfg=dict(
        type='STCRPretrained', checkpoint=stcr_checkpoint, prefix='backbone.'))
