"""Every config in ``configs/`` loads, builds, and feeds its model.

For each leaf config: it parses, sets MMAction2's scope and imports mmstcr,
its model builds, and each of its datasets builds on a real (tiny) video and
returns a sample through the config's own pipeline. Each distinct STCR
pretraining model runs its loss on a sample of its own pipeline at the
config's full input size, which checks that the channel-wise head's
``temporal_size`` and ``in_channels`` fit the backbone.
"""
import copy
import glob
import os.path as osp

import pytest
import torch
from mmengine import Config

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmaction.registry import DATASETS, MODELS
from mmaction.utils import register_all_modules

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p and '/benchmark/' not in p)
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')

register_all_modules(init_default_scope=True)


def _rel(path):
    return osp.relpath(path, REPO)


@pytest.fixture(scope='module')
def long_video(make_video_dataset):
    """One class-labelled video long enough for 16x4 and 10-clip sampling."""
    return make_video_dataset(
        num_videos=2, num_classes=2, num_frames=72, size=(128, 160))


def test_configs_exist():
    names = {_rel(p) for p in CONFIGS}
    for backbone in ('i3d', 'r2plus1d', 'c3d', 'r3d'):
        assert f'configs/stcr/{backbone}_ucf101_pretrain.py' in names
        for dataset in ('ucf101', 'hmdb51'):
            for split in (1, 2, 3):
                for init in ('scratch', 'stcr'):
                    assert (f'configs/finetune/{backbone}_{dataset}_'
                            f'split{split}_{init}.py') in names


@pytest.mark.parametrize('path', CONFIGS, ids=_rel)
def test_config_loads(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    assert 'mmstcr' in cfg.custom_imports['imports']
    assert not cfg.custom_imports.get('allow_failed_imports', False)
    assert cfg.get('model') is not None, f'{_rel(path)} has no model'
    for name in DATALOADERS:
        loader = cfg.get(name)
        if loader is not None:
            assert loader.dataset.get('pipeline'), f'{name} has no pipeline'


_built_models = {}
#: data set configs (after pointing them at the test video) already built
#: and sampled: the splits' configs differ only in the lists, which the
#: test replaces, so most of them repeat one another's pipelines
_checked_datasets = set()


def _build_model(model_cfg):
    key = repr(model_cfg)
    if key not in _built_models:
        _built_models[key] = MODELS.build(copy.deepcopy(model_cfg))
    return _built_models[key]


@pytest.mark.parametrize('path', CONFIGS, ids=_rel)
def test_config_builds_model_and_data(path, long_video, tmp_path):
    cfg = Config.fromfile(path)
    model = _build_model(cfg.model)
    assert isinstance(model, torch.nn.Module)
    assert hasattr(model, 'backbone')

    ann_file = long_video.ann_file
    for name in DATALOADERS:
        loader = cfg.get(name)
        if loader is None:
            continue
        dataset_cfg = copy.deepcopy(loader.dataset)
        dataset_cfg.update(
            ann_file=ann_file, data_prefix=dict(video=long_video.video_dir))
        if 'gallery_ann_file' in dataset_cfg:
            dataset_cfg.update(gallery_ann_file=ann_file,
                               query_ann_file=ann_file)
            dataset_cfg.pop('ann_file')
        key = repr(dataset_cfg)
        if key in _checked_datasets:
            continue
        dataset = DATASETS.build(dataset_cfg)
        assert len(dataset) >= 1
        sample = dataset[0]
        assert 'inputs' in sample and 'data_samples' in sample
        _checked_datasets.add(key)


_checked_stcr = set()


@pytest.mark.parametrize(
    'path', [p for p in CONFIGS if '/stcr/' in p], ids=_rel)
def test_stcr_config_runs_loss_at_full_size(path, long_video):
    """Loss on one real sample at the config's own clip size (16x112x112;
    64 px crops for clip tuples, whose heads do not read H' x W')."""
    cfg = Config.fromfile(path)
    key = repr(cfg.model)
    if key in _checked_stcr:
        pytest.skip('same model already checked by another config')
    _checked_stcr.add(key)
    model = _build_model(cfg.model)
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.update(
        ann_file=long_video.ann_file,
        data_prefix=dict(video=long_video.video_dir))
    size = 112
    for step in dataset_cfg.pipeline:
        if step['type'] == 'PackClipTuple':
            # Clip tuples (configs/stcr/pretext/) run 6 clips through a
            # full-width C3D: their crops shrink to 64 px. What must fit is
            # unchanged: the channel-wise heads read T' x C' and the order
            # heads globally pooled C'; none reads H' x W'.
            assert not cfg.model.get('pretext_head', {}).get('feat_size')
            size = 64
            for inner in step['clip_pipeline']:
                if inner['type'] == 'TwoViewRandomCrop':
                    inner['size'] = size
    sample = DATASETS.build(dataset_cfg)[0]
    # 2 views, or 2 views of each clip of a tuple (configs/stcr/pretext/)
    views = sample['inputs'].shape[0]
    assert views % 2 == 0 and sample['inputs'].shape[1:] == (3, 16, size,
                                                             size)
    data = model.data_preprocessor(
        dict(inputs=[sample['inputs']], data_samples=[sample['data_samples']]),
        training=True)
    model.train()
    with torch.no_grad():
        losses = model(**data, mode='loss')
    expected = ('loss_tw', 'loss_cw') if model.consistency else ()
    assert set(expected) <= set(losses)
    loss_keys = [k for k in losses if 'loss' in k]
    assert loss_keys
    for key in loss_keys:
        assert torch.isfinite(losses[key]), (key, losses[key])
