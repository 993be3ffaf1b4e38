# Table 1, row "Gaussian Noise": STCR pretraining of I3D whose noise path gets
# no Spatio-Temporal Transformation (Table 1 compares the noise variants
# alone, as Table 2's "IM only" row does; docs/method.md, decision 11) and,
# in place of Intra-Video Mixup, one white Gaussian noise image added to every
# frame ("maps identical spatial white Gaussian Noise to each frame", section
# 4.2). The paper gives no standard deviation: 25.5 pixel units, a tenth of
# the 0-255 range, is ours. Each sample records the noise's seed
# (gaussian_noise_seed) and std. docs/method.md, decision 11. Finetune as
# Table 2 (configs/finetune/i3d-r50_stcr-pretrained_8xb8-16x4x1-45e_hmdb51-split1-rgb.py).
_base_ = ['./stcr-im-only_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

train_pipeline = [
    dict(type='VideoGaussianNoise', std=25.5)
    if step['type'] == 'IntraVideoMixup' else
    dict(step, meta_keys=('img_shape', 'stt_code', 'gaussian_noise_seed',
                          'gaussian_noise_std', 'crop_bbox',
                          'noise_crop_bbox'))
    if step['type'] == 'PackSTCRInputs' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
