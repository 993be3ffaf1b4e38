"""STCR on the paper's four backbones, in tiny versions: exact inversion of
the STT on their feature maps, a train step, and the checkpoint handover to
a Recognizer3D."""
import itertools

import pytest
import torch
from mmaction.models import Recognizer3D
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

import mmstcr  # noqa: F401
from mmstcr.structures import apply_stt, invert_stt_batch

R3D_STRIDES = dict(
    conv1_kernel=(3, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    inflate=(1, 1, 1, 1),
    spatial_strides=(1, 2, 2, 2),
    temporal_strides=(1, 2, 2, 2),
    zero_init_residual=False)

TINY_BACKBONES = dict(
    c3d=dict(type='C3DConv', base_channels=4),
    r3d=dict(
        type='ResNet3d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        base_channels=8,
        with_pool2=False,
        **R3D_STRIDES),
    r2plus1d=dict(
        type='ResNet2Plus1d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        base_channels=8,
        conv_cfg=dict(type='Conv2plus1d'),
        **R3D_STRIDES),
    i3d=dict(
        type='ResNet3d',
        depth=50,
        pretrained=None,
        pretrained2d=False,
        base_channels=8,
        conv1_kernel=(5, 7, 7),
        conv1_stride_t=2,
        pool1_stride_t=2,
        inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
        zero_init_residual=False))

CODES = list(itertools.product(range(4), range(4)))


@pytest.fixture(autouse=True)
def mmaction_scope():
    # ResNet2Plus1d's Conv2plus1d is found in MMAction2's scope, which a
    # Runner sets from `default_scope = 'mmaction'`.
    init_default_scope('mmaction')


def build_backbone(arch):
    torch.manual_seed(0)
    backbone = MODELS.build(TINY_BACKBONES[arch])
    backbone.init_weights()
    return backbone


def build_stcr(arch, frames, size):
    backbone = build_backbone(arch)
    backbone.eval()
    with torch.no_grad():
        probe = backbone(torch.zeros(1, 3, frames, size, size))
    return MODELS.build(
        dict(
            type='STCRRecognizer',
            backbone=TINY_BACKBONES[arch],
            cw_head=dict(
                type='ChannelDescriptorHead',
                in_channels=probe.size(1),
                temporal_size=probe.size(2)),
            data_preprocessor=dict(
                type='ActionDataPreprocessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                format_shape='NCTHW'))), probe.shape[1:]


@pytest.mark.parametrize('arch', list(TINY_BACKBONES))
def test_inverse_exact_on_backbone_features(arch):
    backbone = build_backbone(arch)
    backbone.eval()  # ResNet3d.train() returns None: no chaining
    with torch.no_grad():  # 16 x 64 x 64 clips: T' = 2, H' = W' = 2 to 4
        feats = backbone(torch.randn(2, 3, 16, 64, 64))
    assert feats.size(2) == 2 and feats.size(3) == feats.size(4) >= 2
    for code in CODES:
        # each sample: C' x T' x H' x W'
        moved = torch.stack(
            [apply_stt(f, code, t_axis=1, h_axis=2, w_axis=3) for f in feats])
        back = invert_stt_batch(moved, [code, code])
        assert torch.equal(back, feats), code
        # the features tell all 16 codes apart, so the check has teeth
        for other in CODES:
            if other != code:
                assert not torch.equal(
                    invert_stt_batch(moved, [other, other]), feats)


@pytest.mark.parametrize('arch', list(TINY_BACKBONES))
def test_train_step(arch):
    model, feat_shape = build_stcr(arch, frames=8, size=32)
    model.init_weights()
    assert model.cw_head_clean is not model.cw_head_noise
    assert model.cw_loss.loss_weight == 0.1
    assert model.tw_loss.loss_weight == 1.0
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    samples = []
    for code in [(0, 0), (3, 1), (2, 3)]:
        samples.append(ActionDataSample())
        samples[-1].set_metainfo(dict(stt_code=code))
    torch.manual_seed(1)
    data = dict(
        inputs=[
            torch.randint(0, 256, (2, 3, 8, 32, 32), dtype=torch.uint8)
            for _ in samples
        ],
        data_samples=samples)
    first_conv = next(p for n, p in model.backbone.named_parameters()
                      if 'conv' in n and p.dim() == 5)
    before = first_conv.detach().clone()
    log_vars = model.train_step(data, optim)
    stages = {f'feat_std_ratio/{name}'
              for name in model.stage_probe.stage_names}
    assert len(stages) >= 4, 'every backbone stage is watched'
    assert set(log_vars) == {
        'loss', 'loss_tw', 'loss_cw', 'feat_std', 'feat_std_ratio'
    } | stages
    for value in log_vars.values():
        assert torch.isfinite(value)
    torch.testing.assert_close(log_vars['loss'],
                               log_vars['loss_tw'] + log_vars['loss_cw'])
    assert log_vars['loss_tw'] > 0 and log_vars['feat_std'] > 0
    assert not torch.equal(before, first_conv)


@pytest.mark.parametrize('arch', list(TINY_BACKBONES))
def test_checkpoint_loads_into_recognizer3d(arch):
    stcr, feat_shape = build_stcr(arch, frames=8, size=32)
    stcr.init_weights()
    state = stcr.state_dict()
    torch.manual_seed(123)  # a different init, so a missed key shows
    recognizer = Recognizer3D(
        backbone=TINY_BACKBONES[arch],
        cls_head=dict(
            type='I3DHead', num_classes=5, in_channels=feat_shape[0]))
    recognizer.init_weights()
    missing, unexpected = recognizer.load_state_dict(state, strict=False)
    assert not [k for k in missing if k.startswith('backbone.')]
    assert set(missing) == {'cls_head.fc_cls.weight', 'cls_head.fc_cls.bias'}
    assert unexpected and all(
        k.startswith(('cw_head_clean.', 'cw_head_noise.')) for k in unexpected)
    backbone_keys = [k for k in state if k.startswith('backbone.')]
    assert len(backbone_keys) == len(recognizer.backbone.state_dict())
    for key in backbone_keys:
        assert torch.equal(recognizer.state_dict()[key], state[key]), key
