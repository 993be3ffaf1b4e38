# Finetune R(2+1)D-18 on HMDB51 split 2 from STCR pretraining (Table 3,
# "+ STCR" rows). Only the backbone comes from the checkpoint; the classifier
# is new. Every backbone weight must be in the checkpoint, or loading fails.
# Point at another checkpoint with
#   --cfg-options model.init_cfg.checkpoint=PATH
_base_ = ['./r2plus1d_hmdb51_split2_scratch.py']

stcr_checkpoint = 'work_dirs/r2plus1d_ucf101_pretrain/epoch_50.pth'
model = dict(
    init_cfg=dict(
        type='STCRPretrained', checkpoint=stcr_checkpoint, prefix='backbone.'))
