import pytest
import torch
from mmaction.models import C3D, I3DHead, Recognizer3D
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

import mmstcr  # noqa: F401
from mmstcr.models.backbones import C3DConv


@pytest.mark.parametrize('size, expected', [
    ((8, 32, 32), (16, 1, 2, 2)),
    ((16, 48, 40), (16, 2, 3, 2)),  # any size: no pool5 / fc
])
def test_output_shape(size, expected):
    model = MODELS.build(dict(type='C3DConv', base_channels=2))
    model.init_weights()
    out = model(torch.randn(2, 3, *size))
    assert out.shape == (2, ) + expected
    assert model.out_channels == expected[0]


def test_default_is_c3d_conv5b():
    torch.manual_seed(0)
    model = C3DConv()
    assert model.out_channels == 512
    # MMAction2's C3D, built without memory: same conv layers, same names
    with torch.device('meta'):
        c3d = C3D()
    c3d_convs = {
        k: v.shape
        for k, v in c3d.state_dict().items() if not k.startswith('fc')
    }
    ours = {k: v.shape for k, v in model.state_dict().items()}
    assert ours == c3d_convs
    with torch.no_grad():
        out = model(torch.randn(1, 3, 8, 32, 32))
    assert out.shape == (1, 512, 1, 2, 2)


def test_conv5b_equals_c3d_trunk():
    """Same weights as a C3D: our output is C3D's conv5b activation."""
    torch.manual_seed(0)
    c3d = C3D(out_dim=512 * 1 * 2 * 2)  # fc6 sized for 16 x 32 x 32 clips
    c3d.init_weights()
    model = C3DConv()
    missing, unexpected = model.load_state_dict(c3d.state_dict(), strict=False)
    assert missing == [] and set(unexpected) == {
        'fc6.weight', 'fc6.bias', 'fc7.weight', 'fc7.bias'
    }
    captured = {}
    c3d.conv5b.register_forward_hook(
        lambda mod, inp, out: captured.update(conv5b=out))
    x = torch.randn(1, 3, 16, 32, 32)
    with torch.no_grad():
        c3d.eval()(x)
        out = model(x)
    torch.testing.assert_close(out, captured['conv5b'], rtol=0, atol=0)


def test_init_weights():
    torch.manual_seed(0)
    model = C3DConv(base_channels=2, norm_cfg=dict(type='BN3d'))
    for m in model.modules():  # scramble what init must reset
        if isinstance(m, torch.nn.BatchNorm3d):
            m.weight.data.fill_(3.0)
            m.bias.data.fill_(2.0)
    model.init_weights()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm3d)]
    assert len(bns) == 8
    for bn in bns:
        assert torch.all(bn.weight == 1) and torch.all(bn.bias == 0)
    # Kaiming (fan_out, ReLU): std = sqrt(2 / (out_channels * 27)). Checked
    # on conv2a and conv3a, whose output width is twice their input width,
    # so fan_in would give a std sqrt(2) times larger; with 3,456 and
    # 13,824 weights the sample std is within 3 % of the true one.
    wide = C3DConv(base_channels=8)
    wide.init_weights()
    for conv in (wide.conv2a.conv, wide.conv3a.conv):
        assert conv.out_channels == 2 * conv.in_channels
        fan_out_std = (2 / (conv.out_channels * 27))**0.5
        assert conv.weight.std().item() == pytest.approx(fan_out_std,
                                                         rel=0.05)
        assert abs(conv.weight.mean().item()) < 0.05 * fan_out_std * 4
        if conv.bias is not None:
            assert torch.all(conv.bias == 0)


def test_pretrained_init_cfg(tmp_path):
    torch.manual_seed(0)
    source = C3DConv(base_channels=2)
    source.init_weights()
    path = str(tmp_path / 'c3d.pth')
    torch.save(dict(state_dict=source.state_dict()), path)
    model = C3DConv(
        base_channels=2, init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(model.state_dict()[key], value)


def test_bad_base_channels():
    with pytest.raises(ValueError, match='base_channels.*0'):
        C3DConv(base_channels=0)


def test_recognizer3d_finetunes_c3dconv():
    init_default_scope('mmaction')  # as a Runner with an MMAction2 config
    torch.manual_seed(0)
    model = Recognizer3D(
        backbone=dict(type='C3DConv', base_channels=4),
        cls_head=dict(type='I3DHead', num_classes=3, in_channels=32),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=[128.0] * 3,
            std=[64.0] * 3,
            format_shape='NCTHW'))
    assert isinstance(model.cls_head, I3DHead)
    model.init_weights()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    samples = [ActionDataSample(), ActionDataSample()]
    for sample, label in zip(samples, (0, 2)):
        # MMAction2 1.1 names it set_gt_labels, 1.2 set_gt_label
        (getattr(sample, 'set_gt_label', None)
         or getattr(sample, 'set_gt_labels'))(label)
    data = dict(
        inputs=[torch.randint(0, 256, (1, 3, 8, 32, 32)) for _ in range(2)],
        data_samples=samples)
    before = model.backbone.conv1a.conv.weight.clone()
    log_vars = model.train_step(data, optim)
    assert torch.isfinite(log_vars['loss_cls'])
    assert not torch.equal(before, model.backbone.conv1a.conv.weight)
    model.eval()
    preds = model.test_step(data)
    scores = [  # MMAction2 1.2: pred_score; 1.1: pred_scores.item
        (p.pred_score if 'pred_score' in p else p.pred_scores.item).flatten()
        for p in preds
    ]
    assert [s.shape for s in scores] == [(3, ), (3, )]
    assert all(torch.isfinite(s).all() for s in scores)
