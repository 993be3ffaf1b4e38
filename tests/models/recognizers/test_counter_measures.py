"""The counter-measures against collapse, each a subclass of
STCRRecognizer, against independent computations: SimSiam (stop-gradient +
predictor), BYOL (EMA target), VICReg terms; and the pretext heads and the
per-stage collapse signal of the base class."""
import math

import pytest
import torch
import torch.nn as nn
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper

import mmstcr  # noqa: F401
from mmstcr.models.heads import (ChannelDescriptorHead, DescriptorPredictor,
                                 STTCodeHead)
from mmstcr.models.losses import CosineConsistencyLoss, VarianceCovarianceLoss
from mmstcr.models.recognizers import (BYOLSTCRRecognizer,
                                       SimSiamSTCRRecognizer, STCRRecognizer,
                                       VICRegSTCRRecognizer)
from mmstcr.structures import invert_stt_batch


def backbone(seed=0):
    """1x1x1 conv + ReLU, then a 3x3x3 conv + ReLU: no batch norm, so every
    clip's features depend on that clip only."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv3d(3, 4, 1), nn.ReLU(), nn.Conv3d(4, 4, 3, padding=1),
        nn.ReLU())


def samples(codes):
    out = []
    for code in codes:
        out.append(ActionDataSample())
        out[-1].set_metainfo(dict(stt_code=code))
    return out


def model(cls=STCRRecognizer, **kwargs):
    torch.manual_seed(1)
    return cls(
        backbone=backbone(),
        cw_head=kwargs.pop(
            'cw_head', ChannelDescriptorHead(in_channels=4, temporal_size=4)),
        probe_stages=kwargs.pop('probe_stages', ()),
        **kwargs)


CODES = [(0, 0), (3, 1), (2, 2), (1, 3)]


def inputs(seed=2):
    torch.manual_seed(seed)
    return torch.randn(4, 2, 3, 4, 6, 6)


def psi(x):
    return x.flatten(3).max(-1).values


def test_simsiam_loss_and_stop_gradient():
    pred = DescriptorPredictor(in_channels=4, hidden_channels=3)
    m = model(SimSiamSTCRRecognizer, predictor=pred,
              tw_loss=CosineConsistencyLoss())
    x = inputs().requires_grad_(True)
    losses = m(x, samples(CODES), mode='loss')
    # independent: each view alone through the backbone
    d_c = psi(m.backbone(x[:, 0])).detach()
    d_n = psi(invert_stt_batch(m.backbone(x[:, 1]), CODES))
    u_c = d_c / d_c.norm(dim=1, keepdim=True)
    p = pred(d_n)
    u_p = p / p.norm(dim=1, keepdim=True)
    expected = (2 - 2 * (u_c * u_p).sum(1)).mean()
    torch.testing.assert_close(losses['loss_tw'], expected)
    losses['loss_tw'].backward()
    assert x.grad[:, 0].abs().max() == 0, 'the clean path gets no gradient'
    assert x.grad[:, 1].abs().max() > 0


def test_stop_gradient_without_predictor():
    """The stop-gradient ablation: L_tw(sg(d_c), d_n), eq. 5's MSE."""
    m = model(SimSiamSTCRRecognizer)
    assert m.predictor is None
    x = inputs().requires_grad_(True)
    losses = m(x, samples(CODES), mode='loss')
    d_c = psi(m.backbone(x[:, 0])).detach()
    d_n = psi(invert_stt_batch(m.backbone(x[:, 1]), CODES))
    torch.testing.assert_close(losses['loss_tw'],
                               ((d_c - d_n)**2).mean())
    losses['loss_tw'].backward()
    assert x.grad[:, 0].abs().max() == 0
    assert x.grad[:, 1].abs().max() > 0
    # the faithful class sends gradients through both paths (decision 6)
    x.grad = None
    model()(x, samples(CODES), mode='loss')['loss_tw'].backward()
    assert x.grad[:, 0].abs().max() > 0


def test_predictor_config_fits_the_backbone_width():
    """A predictor config without widths takes C' from the channel-wise
    head and SimSiam's C'/4 bottleneck; given widths are kept."""
    cw_head = dict(type='ChannelDescriptorHead', in_channels=8,
                   temporal_size=4)
    fitted = model(SimSiamSTCRRecognizer, cw_head=cw_head,
                   predictor=dict(type='DescriptorPredictor')).predictor
    assert [tuple(layer.weight.shape[:2]) for layer in
            (fitted.mlp[0], fitted.mlp[3])] == [(2, 8), (8, 2)]
    kept = model(SimSiamSTCRRecognizer, cw_head=cw_head,
                 predictor=dict(type='DescriptorPredictor',
                                hidden_channels=5)).predictor
    assert tuple(kept.mlp[0].weight.shape[:2]) == (5, 8)
    with pytest.raises(ValueError, match='in_channels'):
        model(SimSiamSTCRRecognizer, cw_head=cw_head,
              predictor=dict(type='DescriptorPredictor', in_channels=0))


def test_byol_target_is_an_ema_of_the_backbone_and_gets_no_gradient():
    m = model(BYOLSTCRRecognizer, target_momentum=0.25,
              predictor=DescriptorPredictor(in_channels=4, hidden_channels=3))
    assert not any(p.requires_grad for p in m.target_backbone.parameters())
    optim = OptimWrapper(torch.optim.SGD(
        [p for p in m.parameters() if p.requires_grad], lr=0.5))
    batch = dict(
        inputs=[(torch.rand(2, 3, 4, 6, 6) * 255).to(torch.uint8)
                for _ in CODES],
        data_samples=samples(CODES))

    def online():
        return {k: v.detach().clone()
                for k, v in m.backbone.named_parameters()}

    def target():
        return {k: v.detach().clone()
                for k, v in m.target_backbone.module.named_parameters()}

    before = online()
    m.train_step(batch, optim)  # first update copies the online weights
    after1 = online()
    assert all(torch.equal(target()[k], before[k]) for k in before)
    assert not all(torch.equal(after1[k], before[k]) for k in before)
    m.train_step(batch, optim)  # then target <- target + 0.25 (online - t)
    for k, t in target().items():
        torch.testing.assert_close(t, before[k] + 0.25 * (after1[k] -
                                                          before[k]))
    # the clean side of L_tw came from the target: no gradient to x_c
    x = inputs().requires_grad_(True)
    m(x, samples(CODES), mode='loss')['loss_tw'].backward()
    assert x.grad[:, 0].abs().max() == 0
    assert any(k.startswith('target_backbone.') for k in m.state_dict())


def test_target_momentum_is_checked():
    with pytest.raises(ValueError, match='target_momentum'):
        model(BYOLSTCRRecognizer, target_momentum=1.5)


def test_byol_target_copy_carries_no_probe_hook():
    """The collapse probe hooks the online backbone only (a hook copied
    onto the target would run the probe on every target pass)."""
    m = model(BYOLSTCRRecognizer, target_momentum=0.5, probe_stages=['1'])
    assert m.backbone[1]._forward_hooks
    assert not any(module._forward_hooks
                   for module in m.target_backbone.module.modules())
    losses = m(inputs(), samples(CODES), mode='loss')
    assert 'feat_std_ratio/1' in losses


def test_vicreg_terms_on_both_views():
    vc = VarianceCovarianceLoss(var_weight=2.0, cov_weight=0.5)
    m = model(VICRegSTCRRecognizer, desc_loss=vc)
    x = inputs()
    losses = m(x, samples(CODES), mode='loss')
    d_c = psi(m.backbone(x[:, 0]))
    d_n = psi(invert_stt_batch(m.backbone(x[:, 1]), CODES))
    torch.testing.assert_close(losses['loss_vc'], vc(d_c, d_n))
    # the faithful terms are unchanged by the extra loss
    plain = model()(x, samples(CODES), mode='loss')
    torch.testing.assert_close(losses['loss_tw'], plain['loss_tw'])


def test_pretext_heads_see_the_uninverted_noise_map():
    head = STTCodeHead(in_channels=4, feat_size=(4, 6, 6), hidden_channels=2)
    m = model(pretext_head=[head])
    x = inputs()
    losses = m(x, samples(CODES), mode='loss')
    f_n = m.backbone(x[:, 1])
    torch.testing.assert_close(
        losses['loss_stt'],
        head.loss(m.backbone(x[:, 0]), f_n, samples(CODES))['loss_stt'])
    assert m.pretext_head is head

    class Clash(nn.Module):

        def loss(self, *args):
            return dict(loss_tw=torch.tensor(0.))

    with pytest.raises(KeyError, match='clash'):
        model(pretext_head=Clash())(x, samples(CODES), mode='loss')


@pytest.mark.parametrize('batch_views', [True, False])
def test_stage_signals_by_hand(batch_views):
    m = model(probe_stages=['1', '3'], batch_views=batch_views)
    x = inputs()
    losses = m(x, samples(CODES), mode='loss')
    stage1 = m.backbone[:2](x[:, 0])  # after the first ReLU, clean clips
    d = psi(stage1).flatten(1)
    d = d / d.norm(dim=1, keepdim=True)
    expected = d.std(dim=0).mean() * math.sqrt(d.size(1))
    torch.testing.assert_close(losses['feat_std_ratio/1'], expected)
    torch.testing.assert_close(losses['feat_std_ratio/3'],
                               losses['feat_std_ratio'])
    with pytest.raises(ValueError, match='probe_stages'):
        model(probe_stages=['layer9'])
