"""tools/model_converters/stcr_to_backbone.py: what it writes, and which
ways of loading the result into a stock Recognizer3D work (the claims of its
docstring)."""
import copy
import importlib.util
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

import mmstcr  # noqa: F401  (registers mmstcr's modules, safe loading)
from mmstcr.models.utils import STCRPretrainedInit

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO_ROOT, 'tools', 'model_converters', 'stcr_to_backbone.py')
spec = importlib.util.spec_from_file_location('stcr_to_backbone', TOOL)
stcr_to_backbone = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stcr_to_backbone)

BACKBONE = dict(
    type='ResNet3d',
    depth=18,
    base_channels=8,
    pretrained=None,
    pretrained2d=False,
    conv1_kernel=(1, 3, 3),
    inflate=(0, 0, 0, 0))


def build(cfg):
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(copy.deepcopy(cfg))


def recognizer(**backbone_args):
    return build(
        dict(
            type='Recognizer3D',
            backbone=dict(BACKBONE, **backbone_args),
            cls_head=dict(type='I3DHead', num_classes=3, in_channels=64)))


@pytest.fixture
def stcr_checkpoint(tmp_path):
    """An MMEngine-format checkpoint of a backbone and two STCR heads, all
    tensors random; returns (path, state dict)."""
    torch.manual_seed(0)
    model = nn.Module()
    model.backbone = build(BACKBONE)
    model.cw_head_clean = nn.Linear(2, 1)
    model.cw_head_noise = nn.Linear(2, 1)
    state = model.state_dict()
    for value in state.values():
        if value.is_floating_point():
            value.copy_(torch.rand_like(value) + 0.5)
    hub = MessageHub.get_instance('converter_test')
    hub.update_scalar('train/loss', 1.0)
    path = str(tmp_path / 'stcr.pth')
    torch.save(
        dict(
            meta=dict(
                epoch=50, iter=900, seed=np.int64(4), cfg='model = ...'),
            state_dict=state,
            message_hub=hub.state_dict(),
            optimizer=torch.optim.SGD(model.parameters(),
                                      lr=0.1).state_dict()), path)
    return path, {k: v.clone() for k, v in state.items()}


def backbone_equals(model, state):
    return all(
        torch.equal(v, state['backbone.' + k])
        for k, v in model.backbone.state_dict().items())


def test_writes_backbone_only_with_provenance(stcr_checkpoint, tmp_path):
    src, state = stcr_checkpoint
    dst = str(tmp_path / 'out' / 'backbone.pth')
    stcr_to_backbone.convert(src, dst)
    # Plain data only: loads with weights_only and no allow-list.
    assert torch.serialization.get_unsafe_globals_in_checkpoint(dst) == []
    out = torch.load(dst, weights_only=True)
    assert set(out) == {'state_dict', 'meta'}
    backbone_keys = [k for k in state if k.startswith('backbone.')]
    assert list(out['state_dict']) == backbone_keys
    for key in backbone_keys:
        assert torch.equal(out['state_dict'][key], state[key]), key
    meta = out['meta']
    assert meta['source'] == osp.abspath(src)
    assert len(meta['source_sha256']) == 64
    assert meta['source_epoch'] == 50 and meta['source_iter'] == 900
    assert meta['source_seed'] == 4 and type(meta['source_seed']) is int
    assert meta['dropped_keys'] == [
        'cw_head_clean.weight', 'cw_head_clean.bias', 'cw_head_noise.weight',
        'cw_head_noise.bias'
    ]
    assert meta['num_tensors'] == len(backbone_keys)


def test_load_from_style_loading_fills_every_backbone_weight(
        stcr_checkpoint, tmp_path):
    src, state = stcr_checkpoint
    dst = str(tmp_path / 'backbone.pth')
    stcr_to_backbone.convert(src, dst)
    model = recognizer()
    result = model.load_state_dict(
        torch.load(dst, weights_only=True)['state_dict'], strict=False)
    assert result.unexpected_keys == []
    assert result.missing_keys == ['cls_head.fc_cls.weight',
                                   'cls_head.fc_cls.bias']
    # What the Runner does for load_from=OUT:
    model = recognizer()
    load_checkpoint(model, dst, map_location='cpu', strict=False)
    assert backbone_equals(model, state)
    # The strict initialiser takes it too.
    model = recognizer()
    STCRPretrainedInit(checkpoint=dst)(model)
    assert backbone_equals(model, state)


def test_what_does_not_work_with_stock_mmaction(stcr_checkpoint, tmp_path):
    src, state = stcr_checkpoint
    dst = str(tmp_path / 'backbone.pth')
    stripped = str(tmp_path / 'stripped.pth')
    stcr_to_backbone.convert(src, dst)
    stcr_to_backbone.convert(src, stripped, strip_prefix=True)
    assert all(not k.startswith('backbone.')
               for k in torch.load(stripped)['state_dict'])
    # ResNet3d ignores a backbone-level init_cfg: random weights, silently.
    model = recognizer(
        init_cfg=dict(type='Pretrained', checkpoint=dst, prefix='backbone.'))
    with DefaultScope.overwrite_default_scope('mmaction'):
        model.init_weights()
    assert not backbone_equals(model, state)
    # pretrained= loads nothing from backbone.* keys, everything without.
    model = recognizer(pretrained=dst)
    model.init_weights()
    assert not torch.equal(model.backbone.conv1.conv.weight,
                           state['backbone.conv1.conv.weight'])
    model = recognizer(pretrained=stripped)
    model.init_weights()
    assert backbone_equals(model, state)
    # Recognizers take no init_cfg.
    with pytest.raises(TypeError, match='init_cfg'):
        build(
            dict(
                type='Recognizer3D',
                backbone=BACKBONE,
                init_cfg=dict(type='STCRPretrained', checkpoint=dst)))


def test_errors(tmp_path):
    torch.save({'state_dict': {'encoder.w': torch.ones(1)}},
               tmp_path / 'x.pth')
    with pytest.raises(KeyError, match="x.pth starts with 'backbone.'"):
        stcr_to_backbone.convert(
            str(tmp_path / 'x.pth'), str(tmp_path / 'y.pth'))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        stcr_to_backbone.convert(
            str(tmp_path / 'missing.pth'), str(tmp_path / 'y.pth'))
    assert not (tmp_path / 'y.pth').exists()


def test_command_line(stcr_checkpoint, tmp_path):
    src, state = stcr_checkpoint
    dst = str(tmp_path / 'cli.pth')
    result = subprocess.run([sys.executable, TOOL, src, dst],
                            capture_output=True,
                            text=True,
                            cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    num = sum(k.startswith('backbone.') for k in state)
    assert f'wrote {num} backbone tensors to {dst}; dropped 4 keys' in \
        result.stdout
    assert list(torch.load(dst)['state_dict']) == [
        k for k in state if k.startswith('backbone.')
    ]
