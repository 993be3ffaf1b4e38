"""Every config in ``configs/`` loads, builds, and feeds its model.

For each leaf config: it parses, sets MMAction2's scope and imports mmstcr,
its model builds, and each of its datasets builds on a real (tiny) video and
returns a sample through the config's own pipeline, of the shape its
clip_len, num_clips and crop give, with the annotation's label. Each
distinct model runs one small clip: its backbone map has the shape the
architecture gives (:data:`BACKBONE_MAPS`) and its head's output is the
average pool and fc (or pooled descriptor) of that map. Each distinct STCR
pretraining model runs its loss on a sample of its own pipeline at the
config's full input size, which checks that the channel-wise head's
``temporal_size`` and ``in_channels`` fit the backbone, and its two losses
equal eqs. 5-6 recomputed from the backbone maps.
"""
import copy
import glob
import math
import os.path as osp
import random

import numpy as np
import pytest
import torch
from mmengine import Config

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.models.recognizers import BaseVideoPretrainer, PretextRecognizer
from mmaction.registry import DATASETS, MODELS
from mmaction.structures import ActionDataSample
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
    for backbone in ('i3d-r50', 'i3d-inception-v1', 'r2plus1d-r18', 'c3d',
                     'r3d-r18'):
        assert (f'configs/stcr/stcr_{backbone}_8xb8-16x4x1-50e_'
                'ucf101-split1-rgb.py') in names
        for dataset in ('ucf101', 'hmdb51'):
            for split in (1, 2, 3):
                for init in ('scratch', 'stcr-pretrained'):
                    assert (f'configs/finetune/{backbone}_{init}_8xb8-'
                            f'16x4x1-45e_{dataset}-split{split}-rgb.py'
                            ) in names


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
#: samples of data set configs (after pointing them at the test videos),
#: built once: the splits' configs differ only in the lists, which the test
#: replaces, so most of them repeat one another's pipelines
_samples = {}
#: distinct model configs whose small forward pass was already checked
_checked_forward = set()

#: ``(type, depth, base_channels)`` of a backbone -> ``(C', temporal
#: stride, spatial stride)`` of its output map, from the architectures of
#: configs/_base_/models (a ``t x h x w`` clip gives ``C' x ceil(t / st) x
#: ceil(h / ss) x ceil(w / ss)``):
BACKBONE_MAPS = {
    # conv5b: 8 x 64 channels; pool1 (1, 2, 2), pool2-4 (2, 2, 2), no pool5
    ('C3DConv', None, 64): (512, 8, 16),
    # Mixed_5c: 1024 channels; Conv3d_1a /2 in time and space, MaxPool 2a
    # and 3a (1, 2, 2), 4a and 5a (2, 2, 2)
    ('InceptionI3D', None, None): (1024, 8, 32),
    # res5: 8 x 64 x 4 (bottleneck) channels; conv1 and pool1 /2 in time
    # and space, pool2 /2 in time, res3-5 /2 in space
    ('ResNet3d', 50, 64): (2048, 8, 32),
    # res5: 8 x 64 channels; conv1 and pool1 /2 in space only, res3-5 /2 in
    # time and space
    ('ResNet3d', 18, 64): (512, 8, 32),
    ('ResNet2Plus1d', 18, 64): (512, 8, 32),
    # the demos' R3D-18 with 16 base channels
    ('ResNet3d', 18, 16): (128, 8, 32),
}
#: the small clip of the forward check: T' = 2 and H' = W' = 2 (or 4), so
#: that pooling to a 1 x 2 x 2 descriptor does pool
SMALL_CLIP = (16, 64, 64)


def _seed(seed=0):
    """Seed the random transforms of the pipelines and the test inputs."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _build_model(model_cfg):
    key = repr(model_cfg)
    if key not in _built_models:
        _seed()
        _built_models[key] = MODELS.build(copy.deepcopy(model_cfg))
    return _built_models[key]


def _expected_map(backbone_cfg, t, h, w):
    """``(C', T', H', W')`` of the backbone's map for a ``t x h x w`` clip
    (:data:`BACKBONE_MAPS`)."""
    kind = backbone_cfg['type']
    key = (kind, backbone_cfg.get('depth'),
           None if kind == 'InceptionI3D' else backbone_cfg.get(
               'base_channels', 64))
    assert key in BACKBONE_MAPS, f'no expected map for backbone {key}'
    channels, t_stride, s_stride = BACKBONE_MAPS[key]
    return (channels, math.ceil(t / t_stride), math.ceil(h / s_stride),
            math.ceil(w / s_stride))


def _block_pool(feats, size, pool):
    """Adaptive pooling of ``N x C x T x H x W`` to ``size`` by hand, for
    sizes that divide the map."""
    n, c = feats.shape[:2]
    shape = [n, c]
    for length, out in zip(feats.shape[2:], size):
        assert length % out == 0, (feats.shape, size)
        shape += [out, length // out]
    blocks = feats.reshape(shape)
    return (blocks.amax(dim=(3, 5, 7)) if pool == 'max' else blocks.mean(
        dim=(3, 5, 7))).flatten(1)


def _check_forward(model_cfg):
    """One forward pass of a small seeded clip: the backbone map has the
    shape of :data:`BACKBONE_MAPS`, and a recognizer's head gives the
    scores (``N x num_classes``) or descriptors its definition gives for
    that map."""
    model = _build_model(model_cfg)
    model.eval()
    _seed(1)
    clip = torch.randn(1, 3, *SMALL_CLIP)
    with torch.no_grad():
        feats = model.backbone(clip)
    assert feats.shape == (1, *_expected_map(model_cfg.backbone,
                                             *SMALL_CLIP))
    if isinstance(model, BaseVideoPretrainer):
        with torch.no_grad():  # mode='tensor': the map of plain clips
            torch.testing.assert_close(model(clip, mode='tensor'), feats)
        return
    head_cfg = model_cfg.cls_head
    with torch.no_grad():
        out = model.cls_head(feats)
    if head_cfg.type == 'I3DHead':
        # average pool, (dropout: off in eval mode), fc_cls
        fc = model.cls_head.fc_cls
        assert out.shape == (1, head_cfg.num_classes)
        torch.testing.assert_close(
            out, feats.mean(dim=(2, 3, 4)) @ fc.weight.t() + fc.bias,
            rtol=1e-4, atol=1e-5)
    else:
        assert head_cfg.type == 'RetrievalFeatureHead', head_cfg.type
        size = head_cfg.get('output_size', (1, 2, 2))
        torch.testing.assert_close(
            out, _block_pool(feats, size, head_cfg.get('pool_type', 'max')))


def _pipeline_packs(dataset_cfg):
    """The packing step of a data set config's pipeline (its last)."""
    return dataset_cfg['pipeline'][-1]['type']


def _expected_inputs(pipeline):
    """``inputs`` shape of one packed sample, from the pipeline's own
    clip_len, num_clips and crop size, and its packing step."""
    steps = list(pipeline)
    for step in pipeline:
        steps += step.get('clip_pipeline', [])
    sampler = next(s for s in steps if 'clip_len' in s)
    clip_len, num_clips = sampler['clip_len'], sampler.get('num_clips', 1)
    size = None
    for step in steps:
        if step['type'] in ('RandomCrop', 'TwoViewRandomCrop'):
            size = step['size']
        elif step['type'] == 'CenterCrop':
            size = step['crop_size']
    assert size is not None, 'no crop in the pipeline'
    pack = _pipeline_packs(dict(pipeline=pipeline))
    views = dict(PackActionInputs=num_clips, PackSTCRInputs=2,
                 PackClipTuple=2 * num_clips)[pack]
    return (views, 3, clip_len, size, size)


@pytest.mark.parametrize('path', CONFIGS, ids=_rel)
def test_config_builds_model_and_data(path, long_video, tmp_path):
    """The model's forward pass on a small clip (:func:`_check_forward`),
    and one sample of each data set: its inputs' shape from the config, its
    label the annotation's, within the head's classes."""
    cfg = Config.fromfile(path)
    key = repr(cfg.model)
    if key not in _checked_forward:
        _check_forward(cfg.model)
        _checked_forward.add(key)
    num_classes = cfg.model.get('cls_head', {}).get('num_classes')

    ann_file = long_video.ann_file
    with open(ann_file) as f:
        label = int(f.readlines()[1].split()[1])  # of the sampled video
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
        if key not in _samples:
            _seed()
            dataset = DATASETS.build(dataset_cfg)
            _samples[key] = (len(dataset), dataset[1])
        length, sample = _samples[key]
        assert length == long_video.num_videos * (
            2 if 'gallery_ann_file' in dataset_cfg else 1), name
        inputs = sample['inputs']
        assert inputs.shape == _expected_inputs(dataset_cfg.pipeline), name
        # frames, not normalised (the clean views: noise may leave the range)
        clean = (inputs if _pipeline_packs(dataset_cfg) == 'PackActionInputs'
                 else inputs[0::2])
        assert 0 <= clean.min() and clean.max() <= 255, name
        if _pipeline_packs(dataset_cfg) == 'PackActionInputs':
            assert sample['data_samples'].gt_labels.item.tolist() == [label]
            if num_classes is not None:
                assert label < num_classes


_checked_stcr = set()


def _descs_by_hand(maps, codes):
    """``psi`` of clean maps, and of noise maps after ``T^-1``: the max over
    H' x W' does not see the inverse flip and rotation, the inverse time
    flip (codes (2, z2) and (3, z2)) it does."""
    f_c, f_n = maps
    d_c = f_c.amax(dim=(3, 4))
    d_n = torch.stack([
        d.flip(1) if z1 in (2, 3) else d
        for d, (z1, _) in zip(f_n.amax(dim=(3, 4)), codes)
    ])
    return d_c, d_n


def _stcr_losses_by_hand(cfg, model, maps, target_maps, codes):
    """``loss_tw`` and ``loss_cw`` of eqs. 5-6 from the captured backbone
    maps: MSE (or ``2 - 2 cos`` for ``CosineConsistencyLoss``) times its
    weight, and ``gamma * KL(softmax H1(d_c) || softmax H2(d_n))``."""
    d_c, d_n = _descs_by_hand(maps, codes)
    target = d_c if target_maps is None else target_maps.amax(dim=(3, 4))
    predictor = getattr(model, 'predictor', None)
    pred = d_n if predictor is None else predictor(d_n)
    tw_cfg = cfg.get('tw_loss', dict(type='TemporalConsistencyLoss'))
    if tw_cfg['type'] == 'CosineConsistencyLoss':
        tw = (2 - 2 * torch.cosine_similarity(target, pred, dim=1)).mean()
    else:
        assert tw_cfg['type'] == 'TemporalConsistencyLoss', tw_cfg
        tw = (target - pred).pow(2).mean()
    cw_cfg = cfg.get('cw_loss', dict(type='ChannelConsistencyLoss'))
    assert cw_cfg.get('direction', 'clean_noise') == 'clean_noise', cw_cfg
    log_pc = torch.log_softmax(model.cw_head_clean(target), dim=1)
    log_pn = torch.log_softmax(model.cw_head_noise(d_n), dim=1)
    kl = (log_pc.exp() * (log_pc - log_pn)).sum(dim=1).mean()
    return (tw_cfg.get('loss_weight', 1.0) * tw,
            cw_cfg.get('loss_weight', 0.1) * kl)


def _capture_maps(module, store):
    return module.register_forward_hook(
        lambda mod, args, out: store.append(out.detach()))


def _run_capturing_maps(model, run):
    """``run()``'s result, the backbone maps it computed (clean and noise
    maps, or the clean map alone for a ``PretextRecognizer``), and the
    momentum target's map (None without one)."""
    maps, target_maps = [], []
    hooks = [_capture_maps(model.backbone, maps)]
    target_backbone = getattr(model, 'target_backbone', None)
    if target_backbone is not None:
        hooks.append(_capture_maps(target_backbone.module, target_maps))
    try:
        with torch.no_grad():
            out = run()
    finally:
        for hook in hooks:
            hook.remove()
    if not isinstance(model, PretextRecognizer) and len(maps) == 1:
        # clean and noise clips in one pass, interleaved
        maps = [maps[0][0::2], maps[0][1::2]]
    return out, maps, target_maps[0] if target_maps else None


def _small_losses(model, clips, code):
    """STCR losses of ``1 x 2 x C x T x H x W`` views under one STT code,
    and the maps (:func:`_run_capturing_maps`)."""
    samples = [ActionDataSample(metainfo=dict(stt_code=code))]
    return _run_capturing_maps(
        model, lambda: model.consistency_losses(clips, samples)[2])


@pytest.mark.parametrize(
    'path', [p for p in CONFIGS if '/stcr/' in p], ids=_rel)
def test_stcr_config_runs_loss_at_full_size(path, long_video):
    """Loss on one real sample at the config's own clip size (16x112x112;
    64 px crops for clip tuples, whose heads do not read H' x W'): the
    backbone map's shape (:data:`BACKBONE_MAPS`), ``loss_tw`` and
    ``loss_cw`` recomputed from the maps (gamma from the config). On a
    small clip whose noise view equals its clean view, both heads sharing
    W1: under the identity STT ``loss_tw`` (without a predictor) and
    ``loss_cw`` (without a momentum target) are 0; under a temporal flip
    they are the losses of ``d_c`` against ``d_c`` flipped in time."""
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
    _seed()
    sample = DATASETS.build(dataset_cfg)[0]
    # 2 views, or 2 views of each clip of a tuple (configs/stcr/pretext/)
    views = sample['inputs'].shape[0]
    assert views % 2 == 0 and sample['inputs'].shape[1:] == (3, 16, size,
                                                             size)
    data = model.data_preprocessor(
        dict(inputs=[sample['inputs']], data_samples=[sample['data_samples']]),
        training=True)
    model.train()
    losses, maps, target = _run_capturing_maps(
        model, lambda: model(**data, mode='loss'))
    clips = views // 2
    expected_map = _expected_map(cfg.model.backbone, 16, size, size)
    loss_keys = [k for k in losses if 'loss' in k]
    assert loss_keys
    for key in loss_keys:
        assert torch.isfinite(losses[key]), (key, losses[key])
    if isinstance(model, PretextRecognizer):  # the clean clips only
        assert [m.shape for m in maps] == [(clips, *expected_map)]
        assert not {'loss_tw', 'loss_cw'} & set(losses)
        return
    assert [m.shape for m in maps] == [(clips, *expected_map)] * 2
    meta = data['data_samples'][0].metainfo  # codes drawn on the device too
    codes = [m['stt_code'] for m in meta['clip_metainfo']
             ] if views > 2 else [meta['stt_code']]
    with torch.no_grad():
        loss_tw, loss_cw = _stcr_losses_by_hand(cfg.model, model, maps,
                                                target, codes)
    torch.testing.assert_close(losses['loss_tw'], loss_tw, rtol=1e-4,
                               atol=1e-8)
    torch.testing.assert_close(losses['loss_cw'], loss_cw, rtol=1e-4,
                               atol=1e-8)

    # noise view = clean view, both heads H1 (W2 := W1): with the identity
    # STT nothing differs; declared a temporal flip, T^-1 reverses the noise
    # map in time, so d_n is d_c flipped
    _seed(2)
    clip = torch.randn(1, 1, 3, 16, 32, 32).expand(-1, 2, -1, -1, -1, -1)
    noise_head = model.cw_head_noise
    model.cw_head_noise = model.cw_head_clean
    try:
        same, maps, same_target = _small_losses(model, clip, (0, 0))
        flipped, flipped_maps, target = _small_losses(model, clip, (2, 0))
        with torch.no_grad():
            by_hand = [
                _stcr_losses_by_hand(cfg.model, model, *args)
                for args in ((maps, same_target, [(0, 0)]),
                             (flipped_maps, target, [(2, 0)]))
            ]
    finally:
        model.cw_head_noise = noise_head
    torch.testing.assert_close(maps[1], maps[0])
    for losses, (loss_tw, loss_cw) in zip((same, flipped), by_hand):
        torch.testing.assert_close(losses['loss_tw'], loss_tw, rtol=1e-4,
                                   atol=1e-8)
        torch.testing.assert_close(losses['loss_cw'], loss_cw, rtol=1e-4,
                                   atol=1e-8)
    # (a momentum target sees the clean clip alone: other batch statistics)
    target_backbone = getattr(model, 'target_backbone', None)
    if target_backbone is None:
        assert abs(same['loss_cw']) <= 1e-6, same['loss_cw']
    if target_backbone is None and getattr(model, 'predictor',
                                           None) is None:
        scale = maps[0].amax(dim=(3, 4)).pow(2).mean()
        assert same['loss_tw'] <= 1e-6 * scale, (same['loss_tw'], scale)
        assert flipped['loss_tw'] > 1e-3 * scale, (flipped['loss_tw'], scale)
