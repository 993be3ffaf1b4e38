"""Figure 4's claim on a small scale: a short STCR pretraining with the
Spatio-Temporal Transformation makes the backbone more transformation
consistent. The consistency error ``E`` of the Figure 4 tool
(``tools/analysis/stt_consistency.py``: ``build_backbones`` and
``run_stt_consistency``) after the pretraining is at most half that of the
random initialisation.

A real pretraining of the paper's loss (``L_tw + 0.1 L_cw``) with the STT
on the noise view ("STT only", Table 2), through the config's pipeline and
data preprocessor on generated videos, only small: a narrow R3D-18, 8 x 32 x
32 clips, 40 SGD steps (about 6 s on one thread). Part of the drop is the feature shrinkage the
faithful loss brings (docs/collapse.md): ``E`` does not tell the two apart.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmaction.utils import register_all_modules
from mmengine import Config
from mmengine.dataset import pseudo_collate

import mmstcr  # noqa: F401
from mmstcr_tools.visualization.stt_consistency import run_stt_consistency
from mmstcr_tools.visualization.video_features import (
    build_backbones, list_videos)

STEPS, BATCH = 40, 4

TINY_STT_PRETRAIN = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmstcr'], allow_failed_imports=False)
model = dict(
    type='STCRRecognizer',
    backbone=dict(
        type='ResNet3d', depth=18, pretrained=None, pretrained2d=False,
        base_channels=4, with_pool2=False, conv1_kernel=(3, 7, 7),
        conv1_stride_t=1, pool1_stride_t=1, inflate=(1, 1, 1, 1),
        spatial_strides=(1, 1, 2, 1), temporal_strides=(1, 1, 2, 1),
        zero_init_residual=False),
    cw_head=dict(type='ChannelDescriptorHead', in_channels=32,
                 temporal_size=4),
    data_preprocessor=dict(
        type='STCRDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], format_shape='NCTHW'))
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 40)),
    dict(type='TwoViewRandomCrop', size=32),
    dict(type='SpatioTemporalTransform'),
    dict(type='PackSTCRInputs'),
]
'''


def pretrain(config, videos, ckpt, seed=0):
    """``STEPS`` SGD steps of the config's loss on its own pipeline."""
    cfg = Config.fromfile(config)
    np.random.seed(seed)  # the pipeline's crops and STT codes
    torch.manual_seed(seed + 1)
    model = MODELS.build(cfg.model)
    model.init_weights()
    dataset = DATASETS.build(
        dict(type='VideoDataset', ann_file=videos.ann_file,
             data_prefix=dict(video=videos.video_dir),
             pipeline=cfg.train_pipeline))
    optim = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9,
                            weight_decay=5e-4)
    model.train()
    generator = torch.Generator().manual_seed(seed)
    for _ in range(STEPS):
        index = torch.randperm(len(dataset), generator=generator)[:BATCH]
        batch = pseudo_collate([dataset[int(i)] for i in index])
        data = model.data_preprocessor(batch, training=True)
        losses = model(**data, mode='loss')
        loss = losses['loss_tw'] + losses['loss_cw']
        optim.zero_grad()
        loss.backward()
        optim.step()
    torch.save(dict(meta=dict(), state_dict=model.state_dict()), ckpt)


@pytest.mark.timeout(120)
def test_short_stt_pretraining_halves_the_figure4_error(
        make_video_dataset, tmp_path):
    register_all_modules(init_default_scope=True)
    videos = make_video_dataset(num_videos=6, num_classes=3, num_frames=8,
                                size=40)
    config = tmp_path / 'tiny_stt_pretrain.py'
    config.write_text(TINY_STT_PRETRAIN)
    ckpt = str(tmp_path / 'pretrained.pth')
    pretrain(str(config), videos, ckpt)

    pair = build_backbones(str(config), ckpt, seed=0)
    items = list_videos(videos.ann_file, videos.video_dir, max_videos=4)
    _, table, results = run_stt_consistency(
        pair, items, str(tmp_path / 'stt_consistency.png'), clip_len=8,
        frame_interval=1, size=32)
    random_e = results['random init']['mean']['error']
    trained_e = results['checkpoint']['mean']['error']
    print(table)
    assert random_e > 0, table
    assert trained_e <= 0.5 * random_e, table
    assert osp.isfile(tmp_path / 'stt_consistency.png')
