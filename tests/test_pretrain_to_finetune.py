"""From STCR pretraining to finetuning, through the real configs.

- A few epochs of real STCR pretraining through MMEngine's Runner, on
  generated videos, lower the loss and write a checkpoint; a finetuning run
  from it starts from exactly those backbone weights.
- Every pretraining config's checkpoint loads, strictly, into every matching
  finetuning and linear-probe config (zero missing backbone keys).
"""
import copy
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmstcr.models.utils import STCRPretrainedInit
from mmstcr_tools.visualization import load_curves

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
BACKBONES = ('i3d-r50', 'r2plus1d-r18', 'c3d', 'r3d-r18')
PRETRAIN = 'stcr_{}_8xb8-16x4x1-50e_ucf101-split1-rgb'

register_all_modules(init_default_scope=True)


def _config(name, **options):
    cfg = Config.fromfile(osp.join(REPO, name))
    cfg.merge_from_dict(options)
    return cfg


@pytest.fixture(scope='module')
def motion_videos(make_video_dataset):
    """Square 64x64 videos, long enough for the demo's 16x2 clips."""
    return make_video_dataset(
        num_videos=8, num_classes=2, num_frames=32, size=64)


def _point_at(cfg, videos, loaders):
    for loader in loaders:
        cfg[loader].dataset.ann_file = videos.ann_file
        cfg[loader].dataset.data_prefix = dict(video=videos.video_dir)
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
        cfg[loader].batch_size = 4


def test_pretraining_lowers_the_loss_and_feeds_finetuning(
        motion_videos, tmp_path):
    epochs = 5
    cfg = _config('configs/demo/stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py')
    _point_at(cfg, motion_videos, ['train_dataloader'])
    cfg.work_dir = str(tmp_path / 'pretrain')
    cfg.train_cfg.max_epochs = epochs
    cfg.param_scheduler = [
        dict(type='ConstantLR', factor=1.0, by_epoch=True, begin=0, end=epochs)
    ]
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = epochs
    cfg.randomness = dict(seed=0)
    Runner.from_cfg(cfg).train()

    # 2 iterations per epoch: compare the first epoch with the last.
    steps, loss = load_curves(cfg.work_dir, keys=['loss'])['loss']
    assert len(loss) == 2 * epochs
    assert np.isfinite(loss).all()
    assert loss[-2:].mean() < 0.8 * loss[:2].mean(), loss
    _, ratio = load_curves(cfg.work_dir, keys=['feat_std_ratio'])[
        'feat_std_ratio']
    assert np.isfinite(ratio).all() and (ratio > 0).all()

    ckpt = osp.join(cfg.work_dir, f'epoch_{epochs}.pth')
    pretrained = torch.load(ckpt, map_location='cpu')['state_dict']
    backbone_keys = {k for k in pretrained if k.startswith('backbone.')}
    assert backbone_keys and any(
        k.startswith('cw_head_') for k in pretrained)

    # Finetune from it: the Runner's model starts from exactly those weights.
    seen = {}

    class CaptureHook(Hook):
        """The model's weights when training starts."""
        priority = 'LOWEST'

        def before_train(self, runner):
            seen.update({
                k: v.clone()
                for k, v in runner.model.state_dict().items()
            })

    ft = _config(
        'configs/demo/r3d-tiny_stcr-pretrained_1xb8-16x2x1-16e_motion.py',
        **{'custom_hooks.0.checkpoint': ckpt})
    _point_at(ft, motion_videos,
              ['train_dataloader', 'val_dataloader', 'test_dataloader'])
    ft.work_dir = str(tmp_path / 'finetune')
    ft.train_cfg.max_epochs = 1
    ft.val_cfg = ft.val_dataloader = ft.val_evaluator = None
    runner = Runner.from_cfg(ft)
    runner.register_hook(CaptureHook())
    runner.train()
    for key in backbone_keys:
        assert torch.equal(seen[key], pretrained[key]), key
    head = [k for k in seen if k.startswith('cls_head.')]
    assert head and not any(k in pretrained for k in head)


def _matching_configs(backbone):
    # UCF101/HMDB51 configs load the UCF101 pretraining checkpoint (the
    # SSv2 ones load the Kinetics-400 one)
    patterns = [f'configs/finetune/{backbone}_stcr-pretrained_*_{dataset}-'
                'split[123]-rgb.py' for dataset in ('ucf101', 'hmdb51')]
    patterns.append(
        f'configs/eval/{backbone}_stcr-pretrained-linear-probe_*.py')
    names = sorted(p for pattern in patterns
                   for p in glob.glob(osp.join(REPO, pattern)))
    assert len(names) == 6 + 2, names
    return names


@pytest.mark.parametrize('backbone', BACKBONES)
def test_pretraining_checkpoint_loads_into_every_finetuning_config(
        backbone, tmp_path):
    pre = _config(f'configs/stcr/{PRETRAIN.format(backbone)}.py')
    stcr = MODELS.build(copy.deepcopy(pre.model))
    stcr.init_weights()
    ckpt = str(tmp_path / 'stcr.pth')
    torch.save(dict(meta=dict(), state_dict=stcr.state_dict()), ckpt)
    expected = {
        k[len('backbone.'):]: v
        for k, v in stcr.state_dict().items() if k.startswith('backbone.')
    }

    built = {}
    for path in _matching_configs(backbone):
        cfg = Config.fromfile(path)
        hooks = [h for h in cfg.custom_hooks
                 if h['type'] == 'STCRPretrainedHook']
        assert len(hooks) == 1, path
        # The config's default path is the pretraining config's last
        # checkpoint.
        assert hooks[0]['checkpoint'] == (
            f'work_dirs/{PRETRAIN.format(backbone)}/epoch_50.pth'), path
        key = repr(cfg.model)
        if key not in built:
            built[key] = MODELS.build(copy.deepcopy(cfg.model))
        model = built[key]
        # Strict: a missing backbone key or a shape mismatch raises.
        STCRPretrainedInit(checkpoint=ckpt)(model)
        state = model.backbone.state_dict()
        assert set(state) == set(expected), path
        for name, value in expected.items():
            assert torch.equal(state[name], value), (path, name)


@pytest.mark.parametrize('name, consistency', [
    ('configs/demo/pace-stcr_r3d-tiny_1xb8-16x1x1-10e_motion.py', True),
    ('configs/demo/pace_r3d-tiny_1xb8-16x1x1-10e_motion.py', False),
])
def test_pace_configs_train_and_log_the_pace_task(name, consistency,
                                                  motion_videos, tmp_path):
    """Pace prediction with and without STCR, through the Runner: the pace
    loss and accuracy are logged (and the STCR losses only with STCR)."""
    cfg = _config(name)
    _point_at(cfg, motion_videos, ['train_dataloader'])
    cfg.work_dir = str(tmp_path)
    cfg.train_cfg.max_epochs = 2
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 2
    cfg.randomness = dict(seed=0)
    Runner.from_cfg(cfg).train()
    curves = load_curves(cfg.work_dir)
    _, pace = curves['loss_pace']
    assert len(pace) == 4 and np.isfinite(pace).all()
    _, acc = curves['pace_acc']
    assert ((0 <= acc) & (acc <= 1)).all()
    assert ('loss_tw' in curves) == consistency
    assert ('loss_cw' in curves) == consistency
