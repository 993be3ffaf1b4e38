# Table 1, row "Video Mixup": STCR pretraining of I3D whose noise path gets no
# Spatio-Temporal Transformation (Table 1 compares the noise variants alone,
# as Table 2's "IM only" row does; docs/method.md, decision 11) and, in place
# of Intra-Video Mixup, VideoMixup in the data preprocessor, across the batch
# (section 4.2, (b)): every frame blended with the same frame of another
# video's clip. The partner is another video of the batch (a derangement), its
# clean view; lambda ~ Beta(1, 1). Each sample records mix_partner and
# mix_lambda (docs/method.md, decision 11). Finetune as Table 2
# (configs/finetune/i3d-r50_stcr-pretrained_8xb8-16x4x1-45e_hmdb51-split1-rgb.py).
_base_ = ['./stcr-im-only_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

train_pipeline = [
    step for step in _base_.train_pipeline if step['type'] != 'IntraVideoMixup'
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    data_preprocessor=dict(
        batch_transforms=[dict(type='VideoMixup', alpha=1.0)]))
