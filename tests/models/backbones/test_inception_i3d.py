"""The Inception-v1 I3D backbone: published sizes, 'SAME' padding, feature
shapes, init, freezing, STCR on it, and the handover of an STCR checkpoint
from its pretraining config to its finetuning configs."""
import copy
import glob
import itertools
import os.path as osp

import pytest
import torch
from mmengine import Config
from mmengine.optim import OptimWrapper

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import register_all_modules
from mmstcr.models.backbones import InceptionI3D
from mmstcr.models.backbones.inception_i3d import (SameMaxPool3d,
                                                   same_padding)
from mmstcr.models.utils import STCRPretrainedInit
from mmstcr.structures import apply_stt, invert_stt_batch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
# GoogLeNet's block outputs (b0 + b1 + b2 + b3).
PUBLISHED_OUT = dict(
    mixed_3b=256, mixed_3c=480, mixed_4b=512, mixed_4c=512, mixed_4d=512,
    mixed_4e=528, mixed_4f=832, mixed_5b=832, mixed_5c=1024)
# Measured on the full network (weights, no buffers); a change of any layer
# changes it.
FULL_PARAMETERS = 12_287_264

register_all_modules(init_default_scope=True)


def tiny(**kwargs):
    torch.manual_seed(0)
    model = InceptionI3D(width_mult=1 / 16, **kwargs)
    model.init_weights()
    return model


@pytest.fixture(scope='module')
def full():
    torch.manual_seed(0)
    model = InceptionI3D()
    model.init_weights()
    return model.eval()


def test_published_sizes(full):
    for name, channels in PUBLISHED_OUT.items():
        assert getattr(full, name).out_channels == channels, name
    assert full.conv1a.conv.out_channels == 64
    assert full.conv1a.conv.kernel_size == (7, 7, 7)
    assert full.conv1a.conv.stride == (2, 2, 2)
    assert full.conv2b.conv.out_channels == 64
    assert full.conv2c.conv.out_channels == 192
    assert full.conv2c.conv.kernel_size == (3, 3, 3)
    assert (full.pool2a.kernel_size, full.pool2a.stride) == ((1, 3, 3),
                                                             (1, 2, 2))
    assert (full.pool4a.kernel_size, full.pool4a.stride) == ((3, ) * 3,
                                                             (2, ) * 3)
    assert (full.pool5a.kernel_size, full.pool5a.stride) == ((2, ) * 3,
                                                             (2, ) * 3)
    assert full.mixed_5c.branch2[1].conv.kernel_size == (3, 3, 3)
    # every conv is followed by BN + ReLU
    convs = [m for m in full.modules() if hasattr(m, 'with_norm')]
    assert len(convs) == 3 + 9 * 6
    assert all(m.with_norm and m.with_activation for m in convs)
    assert full.num_parameters() == FULL_PARAMETERS


def test_full_size_mixed_5c_map(full):
    """The paper's I3D at STCR's clip size: 1024 x 2 x 4 x 4."""
    with torch.no_grad():
        feats = full(torch.randn(1, 3, 16, 112, 112))
    assert feats.shape == (1, 1024, 2, 4, 4)
    assert torch.isfinite(feats).all() and (feats >= 0).all()


@pytest.mark.parametrize('shape, expected', [
    ((8, 64, 64), (1, 2, 2)),
    ((16, 112, 112), (2, 4, 4)),
    ((9, 65, 33), (2, 3, 2)),  # ceil(T/8), ceil(H/32), ceil(W/32)
    ((4, 32, 32), (1, 1, 1)),
])
def test_output_is_ceil_of_size_over_strides(shape, expected):
    model = tiny().eval()
    with torch.no_grad():
        feats = model(torch.randn(2, 3, *shape))
    assert feats.shape == (2, model.out_channels, *expected)
    assert model.out_channels == 64  # 1024 / 16


def test_same_padding_by_hand():
    # 112 px, kernel 7, stride 2 -> 56 outputs need 5 padded pixels: 2 + 3
    assert same_padding([112], (7, ), (2, )) == [2, 3]
    assert same_padding([7], (2, ), (2, )) == [0, 1]  # 7 -> 4 outputs
    assert same_padding([8], (2, ), (2, )) == [0, 0]
    # F.pad order: W first, then H, then T
    assert same_padding([8, 7, 112], (2, 2, 7),
                        (2, 2, 2)) == [2, 3, 0, 1, 0, 0]


def test_max_pool_padding_never_wins():
    pool = SameMaxPool3d(3, 2)
    x = -1 - torch.rand(1, 1, 5, 5, 5)
    y = pool(x)
    assert y.shape == (1, 1, 3, 3, 3)
    assert (y < -1).all()  # a zero pad would give 0 at the borders
    assert y[0, 0, 0, 0, 0] == x[0, 0, :2, :2, :2].max()


def test_init_weights():
    model = InceptionI3D(width_mult=1 / 16)
    for m in model.modules():  # spoil the BN layers first
        if isinstance(m, torch.nn.BatchNorm3d):
            torch.nn.init.constant_(m.weight, 3.0)
            torch.nn.init.constant_(m.bias, 2.0)
    model.init_weights()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm3d)]
    assert bns
    for m in bns:
        assert torch.equal(m.weight, torch.ones_like(m.weight))
        assert torch.equal(m.bias, torch.zeros_like(m.bias))
    conv = model.conv1a.conv
    fan_out = conv.out_channels * 7**3  # kaiming_init: fan_out, ReLU gain
    expected_std = (2 / fan_out)**0.5
    assert 0.8 < conv.weight.std().item() / expected_std < 1.2


def test_frozen_stages_and_norm_eval():
    model = tiny(frozen_stages=1)
    model.train()
    for name in ('conv1a', 'conv2b', 'conv2c', 'mixed_3b', 'mixed_3c'):
        module = getattr(model, name)
        assert not any(p.requires_grad for p in module.parameters()), name
        assert not any(m.training for m in module.modules()), name
    assert all(p.requires_grad for p in model.mixed_4b.parameters())
    assert model.mixed_4b.training
    model = tiny(norm_eval=True)
    model.train()
    assert model.mixed_5c.training
    assert not any(m.training for m in model.modules()
                   if isinstance(m, torch.nn.BatchNorm3d))
    with pytest.raises(ValueError, match='frozen_stages'):
        InceptionI3D(frozen_stages=4)
    with pytest.raises(ValueError, match='width_mult'):
        InceptionI3D(width_mult=0)


def test_in_channels():
    model = tiny(in_channels=1).eval()
    with torch.no_grad():
        assert model(torch.randn(1, 1, 8, 32, 32)).shape[:2] == (1, 64)


def test_stt_inverse_exact_on_its_features():
    model = tiny().eval()
    with torch.no_grad():
        feats = model(torch.randn(2, 3, 16, 96, 96))  # 2 x 64 x 2 x 3 x 3
    for code in itertools.product(range(4), range(4)):
        moved = torch.stack(
            [apply_stt(f, code, t_axis=1, h_axis=2, w_axis=3) for f in feats])
        assert torch.equal(invert_stt_batch(moved, [code, code]), feats)


def test_stcr_train_step_on_tiny_inception():
    backbone = dict(type='InceptionI3D', width_mult=1 / 16)
    model = MODELS.build(
        dict(
            type='STCRRecognizer',
            backbone=backbone,
            cw_head=dict(
                type='ChannelDescriptorHead', in_channels=64,
                temporal_size=1),
            data_preprocessor=dict(
                type='ActionDataPreprocessor', format_shape='NCTHW')))
    model.init_weights()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    samples = []
    for code in [(0, 0), (3, 1)]:
        samples.append(ActionDataSample())
        samples[-1].set_metainfo(dict(stt_code=code))
    torch.manual_seed(1)
    data = dict(
        inputs=[
            torch.randint(0, 256, (2, 3, 8, 32, 32), dtype=torch.uint8)
            for _ in samples
        ],
        data_samples=samples)
    before = model.backbone.conv1a.conv.weight.detach().clone()
    log_vars = model.train_step(data, optim)
    assert torch.isfinite(log_vars['loss']) and log_vars['loss_tw'] > 0
    assert not torch.equal(before, model.backbone.conv1a.conv.weight)


def _config(name):
    return Config.fromfile(osp.join(REPO, name))


def test_stcr_checkpoint_loads_into_every_inception_finetuning_config(
        tmp_path):
    """The pretraining config's checkpoint loads strictly (no missing key)
    into all six finetuning configs, which then run the full-size clip."""
    pre = _config('configs/stcr/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb.py')
    assert pre.model.backbone.type == 'InceptionI3D'
    assert pre.model.cw_head.in_channels == 1024
    assert pre.model.cw_head.temporal_size == 2
    torch.manual_seed(0)
    stcr = MODELS.build(copy.deepcopy(pre.model))
    stcr.init_weights()
    ckpt = str(tmp_path / 'stcr.pth')
    torch.save(dict(meta=dict(), state_dict=stcr.state_dict()), ckpt)
    expected = {
        k[len('backbone.'):]: v
        for k, v in stcr.state_dict().items() if k.startswith('backbone.')
    }

    paths = sorted(
        glob.glob(osp.join(REPO, 'configs/finetune/i3d-inception-v1_*.py')))
    assert len(paths) == 12, paths
    built = {}
    for path in paths:
        cfg = Config.fromfile(path)
        assert cfg.model.backbone.type == 'InceptionI3D', path
        assert cfg.model.cls_head.in_channels == 1024, path
        with open(path) as f:
            assert 'Table 3' in f.read().split('_base_')[0], path
        hooks = [h for h in cfg.get('custom_hooks', [])
                 if h['type'] == 'STCRPretrainedHook']
        if '_scratch_' in osp.basename(path):
            assert not hooks, path
            continue
        assert len(hooks) == 1 and hooks[0]['checkpoint'] == (
            'work_dirs/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth'), path
        key = repr(cfg.model)
        if key not in built:
            torch.manual_seed(123)  # another init, so a missed key shows
            built[key] = MODELS.build(copy.deepcopy(cfg.model))
            built[key].init_weights()
        model = built[key]
        STCRPretrainedInit(checkpoint=ckpt)(model)  # strict
        state = model.backbone.state_dict()
        assert set(state) == set(expected), path
        for name, value in expected.items():
            assert torch.equal(state[name], value), (path, name)
    assert len(built) == 2  # UCF101 (101 classes) and HMDB51 (51)

    model = built[sorted(built)[0]].eval()
    with torch.no_grad():
        feats = model.backbone(torch.randn(1, 3, 16, 112, 112))
        scores = model.cls_head(feats)
    assert feats.shape == (1, 1024, 2, 4, 4)
    assert scores.shape[0] == 1 and scores.shape[1] in (51, 101)
