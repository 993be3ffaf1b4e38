"""STCRPretrained: strict backbone loading from an STCR checkpoint through
MMEngine's init_weights, the registry, and a real Runner."""
import copy
import logging

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine import Config
from mmengine.hooks import Hook
from mmengine.logging import MessageHub, MMLogger
from mmengine.model import BaseModule, initialize
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.models.utils import STCRPretrainedInit

TINY_BACKBONE = dict(
    type='ResNet3d',
    depth=18,
    base_channels=8,
    pretrained=None,
    pretrained2d=False,
    conv1_kernel=(1, 3, 3),
    inflate=(0, 0, 0, 0),
    norm_eval=False)
TINY_RECOGNIZER = dict(
    type='Recognizer3D',
    backbone=TINY_BACKBONE,
    cls_head=dict(
        type='I3DHead', num_classes=3, in_channels=64, init_std=0.01),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           format_shape='NCTHW'))


def build_recognizer():
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(copy.deepcopy(TINY_RECOGNIZER))


class FakeSTCR(nn.Module):
    """The layout of an STCRRecognizer: a backbone and two heads."""

    def __init__(self):
        super().__init__()
        self.backbone = MODELS.build(TINY_BACKBONE)
        self.cw_head_clean = nn.Linear(2, 1)
        self.cw_head_noise = nn.Linear(2, 1)


def save_stcr_checkpoint(path, seed=0, extra=None, drop=()):
    """Write an MMEngine-format checkpoint of a FakeSTCR whose every tensor
    is random (so no initialiser can reproduce it); return its state dict."""
    torch.manual_seed(seed)
    model = FakeSTCR()
    state = model.state_dict()
    for key, value in state.items():
        if value.is_floating_point():
            value.copy_(torch.rand_like(value) * 0.5 + 0.25)
        else:  # num_batches_tracked
            value.fill_(7)
    state.update(extra or {})
    for key in drop:
        del state[key]
    hub = MessageHub.get_instance(f'fake_stcr_{seed}')
    hub.update_scalar('train/loss', 0.5)
    torch.save(
        dict(
            meta=dict(epoch=50, iter=500, seed=np.int64(seed), cfg='...'),
            state_dict=state,
            message_hub=hub.state_dict(),
            optimizer=torch.optim.SGD(model.parameters(),
                                      lr=0.01).state_dict()), path)
    return {k: v.clone() for k, v in state.items()}


@pytest.fixture
def log_lines():
    """Messages logged to MMEngine's current logger during the test."""
    lines = []

    class Collect(logging.Handler):

        def emit(self, record):
            lines.append(record.getMessage())

    logger = MMLogger.get_current_instance()
    handler = Collect(level=logging.INFO)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def assert_backbone_equals(backbone, state, prefix='backbone.'):
    own = backbone.state_dict()
    expected = {k[len(prefix):]: v for k, v in state.items()
                if k.startswith(prefix)}
    assert set(own) == set(expected)
    for key, value in own.items():
        assert torch.equal(value, expected[key]), key


def test_recognizer3d_init_weights_keeps_checkpoint_backbone(tmp_path,
                                                             log_lines):
    planted_head = torch.full((3, 64), 0.5)
    state = save_stcr_checkpoint(
        tmp_path / 'stcr.pth',
        extra={'cls_head.fc_cls.weight': planted_head})
    model = build_recognizer()
    # What BaseModule.__init__ would store for init_cfg=... (Recognizer3D
    # itself takes no init_cfg argument).
    model.init_cfg = dict(
        type='STCRPretrained', checkpoint=str(tmp_path / 'stcr.pth'))
    with DefaultScope.overwrite_default_scope('mmaction'):
        model.init_weights()
    # ResNet3d.init_weights (kaiming) must not have run after the load.
    assert_backbone_equals(model.backbone, state)
    # The head is freshly initialised by I3DHead (normal, std 0.01), not
    # loaded from the checkpoint's cls_head.
    head = model.cls_head.fc_cls.weight
    assert not torch.equal(head, planted_head)
    assert 0.005 < head.std().item() < 0.02
    num_backbone = len(model.backbone.state_dict())
    message = next(m for m in log_lines if m.startswith('STCRPretrained'))
    assert f'loaded {num_backbone} ResNet3d tensors' in message
    for key in ('cw_head_clean.weight', 'cw_head_clean.bias',
                'cw_head_noise.weight', 'cw_head_noise.bias',
                'cls_head.fc_cls.weight'):
        assert key in message
    assert '5 checkpoint keys not used' in message


def test_initialize_resolves_in_mmaction_scope(tmp_path):
    state = save_stcr_checkpoint(tmp_path / 'stcr.pth', seed=1)
    model = build_recognizer()
    cfg = dict(type='STCRPretrained', checkpoint=str(tmp_path / 'stcr.pth'))
    with DefaultScope.overwrite_default_scope('mmaction'):
        initialize(model, cfg)  # MMEngine's own entry point
    assert_backbone_equals(model.backbone, state)
    assert model.backbone.is_init


class PlainBackbone(nn.Module):
    """A plain nn.Module backbone (like MMAction2's C3D) whose init_weights
    re-initialises randomly and ignores any init_cfg."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(3, 4, 1)
        self.bn = nn.BatchNorm3d(4)

    def init_weights(self):
        nn.init.normal_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)


class TopModel(BaseModule):

    def __init__(self, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.backbone = PlainBackbone()
        self.head = nn.Linear(4, 2)


def test_plain_module_backbone_and_plain_checkpoint(tmp_path):
    source = PlainBackbone()
    with torch.no_grad():
        for value in source.state_dict().values():
            if value.is_floating_point():
                value.copy_(torch.rand_like(value) + 3)
    # A plain backbone checkpoint: keys without 'backbone.'.
    torch.save({'state_dict': source.state_dict()}, tmp_path / 'plain.pth')
    model = TopModel(
        init_cfg=dict(
            type='STCRPretrained', checkpoint=str(tmp_path / 'plain.pth')))
    with DefaultScope.overwrite_default_scope('mmaction'):
        model.init_weights()
    for key, value in source.state_dict().items():
        assert torch.equal(model.backbone.state_dict()[key], value), key
    assert model.backbone.is_init is True


def test_missing_file_names_path(tmp_path):
    init = STCRPretrainedInit(checkpoint=str(tmp_path / 'nope.pth'))
    model = build_recognizer()
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        init(model)


def test_missing_backbone_weight_is_an_error(tmp_path):
    path = tmp_path / 'stcr.pth'
    save_stcr_checkpoint(
        path,
        drop=('backbone.layer2.0.conv1.conv.weight',
              'backbone.conv1.bn.running_var'))
    model = build_recognizer()
    with pytest.raises(RuntimeError) as info:
        STCRPretrainedInit(checkpoint=str(path))(model)
    message = str(info.value)
    assert str(path) in message
    assert '2 backbone weights missing' in message
    assert 'layer2.0.conv1.conv.weight' in message
    assert 'conv1.bn.running_var' in message
    assert not model.backbone.is_init


def test_shape_mismatch_is_an_error(tmp_path):
    path = tmp_path / 'stcr.pth'
    save_stcr_checkpoint(
        path, extra={'backbone.conv1.conv.weight': torch.zeros(8, 3, 1, 5, 5)})
    model = build_recognizer()
    with pytest.raises(RuntimeError, match=r'1 shape mismatches: '
                       r'\[conv1.conv.weight: checkpoint \(8, 3, 1, 5, 5\) vs '
                       r'model \(8, 3, 1, 3, 3\)\]') as info:
        STCRPretrainedInit(checkpoint=str(path))(model)
    assert str(path) in str(info.value)


def test_extra_backbone_key_is_an_error_unless_allowed(tmp_path, log_lines):
    path = tmp_path / 'stcr.pth'
    state = save_stcr_checkpoint(
        path, extra={'backbone.layer1.2.conv1.conv.weight': torch.ones(1)})
    model = build_recognizer()
    with pytest.raises(RuntimeError, match='layer1.2.conv1.conv.weight'):
        STCRPretrainedInit(checkpoint=str(path))(model)
    STCRPretrainedInit(
        checkpoint=str(path), allow_unused_backbone_keys=True)(
            model)
    del state['backbone.layer1.2.conv1.conv.weight']
    assert_backbone_equals(model.backbone, state)
    message = next(m for m in log_lines if m.startswith('STCRPretrained'))
    assert 'backbone.layer1.2.conv1.conv.weight' in message


def test_bad_arguments():
    with pytest.raises(ValueError, match='prefix'):
        STCRPretrainedInit(checkpoint='a.pth', prefix='backbone')
    with pytest.raises(ValueError, match='checkpoint'):
        STCRPretrainedInit(checkpoint='')
    model = build_recognizer()
    with pytest.raises(AttributeError, match="'encoder'"):
        STCRPretrainedInit(checkpoint='a.pth', prefix='encoder.')(model)


class ProbeHook(Hook):
    """Records the model's state just before the first train iteration."""

    def before_train(self, runner):
        self.state = {
            k: v.clone()
            for k, v in runner.model.state_dict().items()
        }


def test_finetune_runner_loads_backbone(tmp_path, make_video_dataset):
    data = make_video_dataset(num_videos=4, num_classes=2, size=32)
    planted_head = torch.full((3, 64), 0.5)
    ckpt = str(tmp_path / 'stcr.pth')
    state = save_stcr_checkpoint(
        ckpt, seed=3, extra={'cls_head.fc_cls.weight': planted_head})
    pipeline = [
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(-1, 32)),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')
    ]
    cfg = Config(
        dict(
            default_scope='mmaction',
            work_dir=str(tmp_path / 'work'),
            model=copy.deepcopy(TINY_RECOGNIZER),
            train_dataloader=dict(
                batch_size=2,
                num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=True),
                dataset=dict(
                    type='VideoDataset',
                    ann_file=data.ann_file,
                    data_prefix=dict(video=data.video_dir),
                    pipeline=pipeline)),
            train_cfg=dict(type='IterBasedTrainLoop', max_iters=1),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
            default_hooks=dict(logger=dict(type='LoggerHook', interval=1)),
            custom_hooks=[dict(type='STCRPretrainedHook', checkpoint=ckpt)],
            log_level='WARNING'))
    runner = Runner.from_cfg(cfg)
    probe = ProbeHook()
    runner.register_hook(probe)
    runner.train()
    after_init = {
        k[len('backbone.'):]: v
        for k, v in probe.state.items() if k.startswith('backbone.')
    }
    expected = {
        k[len('backbone.'):]: v
        for k, v in state.items() if k.startswith('backbone.')
    }
    assert set(after_init) == set(expected)
    for key, value in expected.items():
        assert torch.equal(after_init[key], value), key
    head = probe.state['cls_head.fc_cls.weight']
    assert not torch.equal(head, planted_head)
    assert 0.005 < head.std().item() < 0.02
    # ... and the iteration ran: SGD moved the backbone.
    assert not torch.equal(runner.model.backbone.conv1.conv.weight,
                           expected['conv1.conv.weight'])
