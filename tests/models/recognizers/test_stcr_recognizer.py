"""STCRRecognizer against an independent computation of eqs. 5-7.

The backbones here are tiny and free of batch norm unless a test says
otherwise, so a clip's features do not depend on the other clips of the
batch and a reference can run each view on its own.
"""
import itertools
import math

import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

import mmstcr  # noqa: F401
from mmstcr.models.heads import ChannelDescriptorHead
from mmstcr.models.recognizers import SimSiamSTCRRecognizer, STCRRecognizer
from mmstcr.structures import apply_stt, invert_stt_batch

CODES = list(itertools.product(range(4), range(4)))


def pointwise_backbone(channels=4, seed=0):
    """1x1x1 conv + ReLU: commutes exactly with every flip and rotation."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv3d(3, channels, kernel_size=1), nn.ReLU())


def conv_backbone(channels=4, seed=0, norm=False):
    """3x3x3 conv (+ BN) + ReLU: not equivariant, so views differ."""
    torch.manual_seed(seed)
    layers = [nn.Conv3d(3, channels, kernel_size=3, padding=1)]
    if norm:
        layers.append(nn.BatchNorm3d(channels))
    return nn.Sequential(*layers, nn.ReLU())


def make_model(backbone, temporal_size, mode='temporal', stop_grad=False,
               **kwargs):
    torch.manual_seed(1)
    head = ChannelDescriptorHead(
        in_channels=backbone[0].out_channels,
        temporal_size=temporal_size,
        mode=mode)
    cls = SimSiamSTCRRecognizer if stop_grad else STCRRecognizer
    return cls(backbone=backbone, cw_head=head, **kwargs)


def samples_with(codes):
    samples = []
    for code in codes:
        samples.append(ActionDataSample())
        samples[-1].set_metainfo(dict(stt_code=code))
    return samples


# ------------------------------------------------ independent reference
def ref_psi(feats):
    """Spatial max by reshape: N x C x T x H x W -> N x C x T."""
    n, c, t = feats.shape[:3]
    return feats.reshape(n, c, t, -1).max(dim=-1).values


def ref_head(head, desc):
    """ReLU then the head's FC, by explicit index sums."""
    x = desc.clamp(min=0)  # N x C x T
    n, c, t = x.shape
    w, b = head.fc.weight, head.fc.bias
    if head.mode == 'temporal':  # w: 1 x T
        return (x * w[0].view(1, 1, t)).sum(-1) + b
    flat = torch.stack([x[:, i // t, i % t] for i in range(c * t)], dim=1)
    return flat @ w.t() + b


def ref_kl(logits_p, logits_q):
    """Batch mean of sum_k p log(p / q), softmax by exp / sum."""
    p = logits_p.exp() / logits_p.exp().sum(1, keepdim=True)
    q = logits_q.exp() / logits_q.exp().sum(1, keepdim=True)
    return (p * (p / q).log()).sum(1).mean()


def ref_losses(model, inputs, codes):
    """Eqs. 5-7, each view through the backbone on its own. psi is blind to
    spatial flips and rotations, so psi(T^-1(f)) = psi(f) un-flipped in
    time when z1 has a temporal flip."""
    f_c = model.backbone(inputs[:, 0])
    f_n = model.backbone(inputs[:, 1])
    d_c, d_n = ref_psi(f_c), ref_psi(f_n)
    t_len = d_n.size(2)
    d_n = torch.stack([
        d[:, list(reversed(range(t_len)))] if z1 in (2, 3) else d
        for d, (z1, _) in zip(d_n, codes)
    ])
    loss_tw = ((d_c - d_n)**2).sum() / d_c.numel()
    loss_cw = 0.1 * ref_kl(
        ref_head(model.cw_head_clean, d_c), ref_head(model.cw_head_noise, d_n))
    return loss_tw, loss_cw


# ------------------------------------------------------------- tests
@pytest.mark.parametrize('mode', ['temporal', 'flatten'])
@pytest.mark.parametrize('batch_views', [True, False])
def test_losses_match_reference(mode, batch_views):
    model = make_model(
        conv_backbone(), temporal_size=4, mode=mode, batch_views=batch_views)
    # the two heads differ, as two separate builds would
    nn.init.normal_(model.cw_head_noise.fc.weight)
    torch.manual_seed(2)
    inputs = torch.randn(4, 2, 3, 4, 6, 6)  # N x 2 x C x T x H x W
    codes = [(0, 0), (2, 1), (3, 3), (1, 2)]
    losses = model(inputs, samples_with(codes), mode='loss')
    loss_tw, loss_cw = ref_losses(model, inputs, codes)
    torch.testing.assert_close(losses['loss_tw'], loss_tw)
    torch.testing.assert_close(losses['loss_cw'], loss_cw)
    assert losses['loss_cw'] > 0


def test_temporal_flip_is_inverted_per_sample():
    model = make_model(pointwise_backbone(), temporal_size=4)
    torch.manual_seed(3)
    clean = torch.randn(16, 3, 4, 5, 5)
    # noise view = T(clean) with each sample's own code; the pointwise
    # backbone commutes with T, so T^-1 realigns the paths exactly
    noise = torch.stack([
        apply_stt(x, code, t_axis=1, h_axis=2, w_axis=3)
        for x, code in zip(clean, CODES)
    ])
    losses = model(
        torch.stack([clean, noise], 1), samples_with(CODES), mode='loss')
    assert losses['loss_tw'].item() == pytest.approx(0, abs=1e-12)
    assert losses['loss_cw'].item() == pytest.approx(0, abs=1e-7)
    # a wrong temporal flip in one sample's code breaks the alignment
    wrong = list(CODES)
    wrong[5] = (wrong[5][0] ^ 2, wrong[5][1])  # toggle the temporal flip
    losses = model(
        torch.stack([clean, noise], 1), samples_with(wrong), mode='loss')
    assert losses['loss_tw'].item() > 1e-3
    # a spatial change of the code is invisible to psi (spatial max)
    blind = list(CODES)
    blind[5] = (blind[5][0] ^ 1, (blind[5][1] + 1) % 4)
    losses = model(
        torch.stack([clean, noise], 1), samples_with(blind), mode='loss')
    assert losses['loss_tw'].item() == pytest.approx(0, abs=1e-12)


def test_temporal_flip_changes_loss_tw():
    model = make_model(pointwise_backbone(), temporal_size=4)
    torch.manual_seed(4)
    clip = torch.randn(2, 3, 4, 5, 5)
    inputs = torch.stack([clip, clip], 1)  # identical views
    same = model(inputs, samples_with([(0, 0), (0, 0)]), mode='loss')
    flip = model(inputs, samples_with([(2, 0), (2, 0)]), mode='loss')
    assert same['loss_tw'].item() == 0
    d = ref_psi(model.backbone(clip))
    expected = ((d - d.flip(2))**2).mean()
    assert flip['loss_tw'].item() == pytest.approx(expected.item(), rel=1e-6)
    assert flip['loss_tw'].item() > 0


def test_collapse_signal_hand_computed():
    # constant descriptors: no spread at all
    signal = STCRRecognizer.collapse_signal(torch.full((3, 2, 2), 5.0))
    assert signal['feat_std'].item() == 0
    assert signal['feat_std_ratio'].item() == 0
    # D = 4 orthogonal descriptors (any positive scales): unbiased std of
    # each dimension of e_1..e_4 is 1/2, ratio 1/2 * sqrt(4) = 1
    desc = torch.diag(torch.tensor([1.0, 2.0, 3.0, 4.0])).view(4, 2, 2)
    signal = STCRRecognizer.collapse_signal(desc)
    assert signal['feat_std'].item() == pytest.approx(0.5)
    assert signal['feat_std_ratio'].item() == pytest.approx(1.0)
    # (3, 4) and (4, 3) -> (.6, .8), (.8, .6): std per dim sqrt(.02)
    desc = torch.tensor([[3.0, 4.0], [4.0, 3.0]]).view(2, 2, 1)
    signal = STCRRecognizer.collapse_signal(desc)
    assert signal['feat_std'].item() == pytest.approx(math.sqrt(0.02))
    assert signal['feat_std_ratio'].item() == pytest.approx(0.2)
    # one clip: no spread to measure, so no signal at all (never NaN)
    assert STCRRecognizer.collapse_signal(torch.ones(1, 2, 2)) == {}
    assert STCRRecognizer.collapse_signal(torch.ones(0, 2, 2)) == {}


def test_one_clip_batch_omits_the_collapse_signals():
    """A batch of one clip (the last batch of an epoch) trains: finite
    losses, and the signals that need two clips are left out, for the map
    and for every probed stage; two clips bring them back."""
    backbone = nn.Sequential(
        nn.Conv3d(3, 4, kernel_size=3, padding=1), nn.BatchNorm3d(4),
        nn.ReLU(), nn.Conv3d(4, 4, kernel_size=3, padding=1), nn.ReLU())
    model = make_model(backbone, temporal_size=4, probe_stages=['1', '3'])
    model.train()
    torch.manual_seed(3)
    one = model(torch.randn(1, 2, 3, 4, 6, 6), samples_with([(2, 1)]),
                mode='loss')
    assert set(one) == {'loss_tw', 'loss_cw'}
    assert all(torch.isfinite(v) for v in one.values())
    assert one['loss_tw'].item() > 0  # the two views still differ
    two = model(torch.randn(2, 2, 3, 4, 6, 6), samples_with([(2, 1)] * 2),
                mode='loss')
    assert set(two) == {'loss_tw', 'loss_cw', 'feat_std', 'feat_std_ratio',
                        'feat_std_ratio/1', 'feat_std_ratio/3'}
    assert all(torch.isfinite(v) for v in two.values())


def test_feat_std_in_loss_dict():
    model = make_model(conv_backbone(), temporal_size=4)
    torch.manual_seed(5)
    inputs = torch.randn(3, 2, 3, 4, 6, 6)
    losses = model(inputs, samples_with([(0, 0)] * 3), mode='loss')
    d_c = ref_psi(model.backbone(inputs[:, 0])).flatten(1)
    d_c = d_c / d_c.norm(dim=1, keepdim=True)
    expected = d_c.std(dim=0).mean()
    torch.testing.assert_close(losses['feat_std'], expected.detach())
    torch.testing.assert_close(losses['feat_std_ratio'],
                               expected.detach() * math.sqrt(16))
    assert not losses['feat_std'].requires_grad
    # logged-only values must not be summed into the loss by MMEngine
    assert not any('loss' in k for k in losses if k.startswith('feat_std'))
    # collapsed features: every clip the same
    same = torch.randn(1, 2, 3, 4, 6, 6).expand(3, -1, -1, -1, -1, -1)
    losses = model(same, samples_with([(0, 0)] * 3), mode='loss')
    assert losses['feat_std'].item() == pytest.approx(0, abs=1e-7)


def _input_grads(model, inputs, codes):
    inputs = inputs.clone().requires_grad_(True)
    losses = model(inputs, samples_with(codes), mode='loss')
    model.zero_grad()
    (losses['loss_tw'] + losses['loss_cw']).backward()
    return inputs.grad


def test_stop_grad_clean():
    torch.manual_seed(6)
    inputs = torch.randn(3, 2, 3, 4, 6, 6)
    codes = [(2, 1), (0, 3), (3, 0)]
    free = make_model(conv_backbone(), temporal_size=4)
    grad = _input_grads(free, inputs, codes)
    assert grad[:, 0].abs().sum() > 0 and grad[:, 1].abs().sum() > 0

    stop = make_model(conv_backbone(), temporal_size=4, stop_grad=True)
    grad = _input_grads(stop, inputs, codes)
    assert torch.all(grad[:, 0] == 0)
    assert grad[:, 1].abs().sum() > 0
    # the clean head W1 still learns
    assert stop.cw_head_clean.fc.weight.grad.abs().sum() > 0
    # backbone gradient = that of the noise path alone, clean features fixed
    got = [p.grad.clone() for p in stop.backbone.parameters()]
    stop.zero_grad()
    f_c = stop.backbone(inputs[:, 0]).detach()
    f_n = invert_stt_batch(stop.backbone(inputs[:, 1]), codes)
    d_c, d_n = ref_psi(f_c), ref_psi(f_n)
    loss = stop.tw_loss(d_c, d_n) + stop.cw_loss(
        stop.cw_head_clean(d_c), stop.cw_head_noise(d_n))
    loss.backward()
    for g, p in zip(got, stop.backbone.parameters()):
        torch.testing.assert_close(g, p.grad)


def test_stop_grad_and_batch_norm_coupling():
    """Documented: in one batched pass, BN statistics couple the views, so
    the clean clips still get a gradient; two passes isolate them."""
    torch.manual_seed(7)
    inputs = torch.randn(3, 2, 3, 4, 6, 6)
    codes = [(2, 0)] * 3
    joint = make_model(
        conv_backbone(norm=True), temporal_size=4, stop_grad=True)
    assert _input_grads(joint, inputs, codes)[:, 0].abs().sum() > 0
    apart = make_model(
        conv_backbone(norm=True),
        temporal_size=4,
        stop_grad=True,
        batch_views=False)
    assert torch.all(_input_grads(apart, inputs, codes)[:, 0] == 0)


def _bn_statistics(model, inputs, codes):
    """One train-mode loss pass; returns what the BN layer normalised
    by (per call: the batch mean of its input, channels) and the running
    mean it keeps."""
    bn = model.backbone[1]
    means = []
    hook = bn.register_forward_hook(
        lambda _, args, __: means.append(args[0].mean((0, 2, 3, 4))))
    model.train()
    model(inputs, samples_with(codes), mode='loss')
    hook.remove()
    return means, bn.running_mean.clone()


def test_batch_norm_statistics_of_the_two_readings():
    """docs/method.md, decision 16: one batched pass normalises both views
    with one mean over all 2N clips; batch_views=False gives each view its
    own. In eval mode the two readings agree exactly."""
    torch.manual_seed(8)
    inputs = torch.randn(3, 2, 3, 4, 6, 6)
    inputs[:, 1] += 2.0  # the noise view's mean differs, as after a mixup
    codes = [(0, 0), (1, 2), (3, 1)]
    conv = conv_backbone(norm=True)[0]
    # independent: conv output means per view (N x C x T x H x W -> C)
    with torch.no_grad():
        mean_clean = conv(inputs[:, 0]).mean((0, 2, 3, 4))
        mean_noise = conv(inputs[:, 1]).mean((0, 2, 3, 4))
    momentum = 0.1  # BatchNorm3d's default
    joint = make_model(conv_backbone(norm=True), temporal_size=4)
    means, running = _bn_statistics(joint, inputs, codes)
    assert len(means) == 1
    torch.testing.assert_close(means[0], (mean_clean + mean_noise) / 2)
    torch.testing.assert_close(running,
                               momentum * (mean_clean + mean_noise) / 2)
    apart = make_model(
        conv_backbone(norm=True), temporal_size=4, batch_views=False)
    means, running = _bn_statistics(apart, inputs, codes)
    assert len(means) == 2
    torch.testing.assert_close(means[0], mean_clean)
    torch.testing.assert_close(means[1], mean_noise)
    torch.testing.assert_close(
        running, (1 - momentum) * momentum * mean_clean +
        momentum * mean_noise)
    # train mode: the two readings give different losses
    joint.train()
    apart.train()
    loss_joint = joint(inputs, samples_with(codes), mode='loss')['loss_tw']
    loss_apart = apart(inputs, samples_with(codes), mode='loss')['loss_tw']
    assert not torch.allclose(loss_joint, loss_apart)
    # eval mode, same running statistics: the same features and losses
    apart.load_state_dict(joint.state_dict())
    joint.eval()
    apart.eval()
    with torch.no_grad():
        for key in ('loss_tw', 'loss_cw'):
            torch.testing.assert_close(
                joint(inputs, samples_with(codes), mode='loss')[key],
                apart(inputs, samples_with(codes), mode='loss')[key])


class TinyPretextHead(nn.Module):
    """Records what it receives; returns one loss and one logged value."""

    def __init__(self, keys=('loss_pretext', 'pretext_acc')):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(2.0))
        self.keys = keys
        self.received = None

    def loss(self, feats_clean, feats_noise, data_samples):
        self.received = (feats_clean, feats_noise, data_samples)
        return {
            self.keys[0]: self.scale * feats_clean.mean(),
            self.keys[1]: feats_noise.detach().mean()
        }


def test_pretext_head_slot():
    head = TinyPretextHead()
    model = make_model(
        pointwise_backbone(), temporal_size=4, pretext_head=head)
    torch.manual_seed(8)
    clean = torch.randn(2, 3, 4, 5, 5)
    codes = [(1, 1), (3, 2)]
    noise = torch.stack([
        apply_stt(x, c, t_axis=1, h_axis=2, w_axis=3)
        for x, c in zip(clean, codes)
    ])
    samples = samples_with(codes)
    losses = model(torch.stack([clean, noise], 1), samples, mode='loss')
    feats_clean, feats_noise, received = head.received
    assert received is samples
    torch.testing.assert_close(feats_clean, model.backbone(clean))
    # the noise map comes before T^-1: inverting it realigns it exactly
    torch.testing.assert_close(feats_noise, model.backbone(noise))
    torch.testing.assert_close(
        invert_stt_batch(feats_noise, codes), feats_clean)
    assert set(losses) == {
        'loss_tw', 'loss_cw', 'loss_pretext', 'pretext_acc', 'feat_std',
        'feat_std_ratio'
    }
    total, log_vars = model.parse_losses(losses)
    torch.testing.assert_close(
        total,
        losses['loss_tw'] + losses['loss_cw'] + losses['loss_pretext'])
    total.backward()
    assert head.scale.grad is not None and head.scale.grad != 0


def test_pretext_head_key_clash():
    model = make_model(
        pointwise_backbone(),
        temporal_size=4,
        pretext_head=TinyPretextHead(keys=('loss_tw', 'acc')))
    with pytest.raises(KeyError, match='loss_tw'):
        model(torch.randn(1, 2, 3, 4, 5, 5), samples_with([(0, 0)]),
              mode='loss')


def test_modes():
    model = make_model(conv_backbone(), temporal_size=4)
    torch.manual_seed(9)
    inputs = torch.randn(2, 2, 3, 4, 6, 6)
    torch.testing.assert_close(
        model(inputs, mode='tensor'), model.backbone(inputs[:, 0]))
    torch.testing.assert_close(
        model(inputs[:, 1], mode='tensor'), model.backbone(inputs[:, 1]))
    with pytest.raises(NotImplementedError, match='Recognizer3D'):
        model(inputs, samples_with([(0, 0)] * 2), mode='predict')
    with pytest.raises(RuntimeError, match="'features'"):
        model(inputs, mode='features')


def test_input_validation():
    model = make_model(conv_backbone(), temporal_size=4)
    good = torch.randn(2, 2, 3, 4, 6, 6)
    with pytest.raises(ValueError, match=r'B x 2 x C x T x H x W.*'
                       r'\(2, 3, 4, 6, 6\)'):
        model(good[:, 0], samples_with([(0, 0)] * 2), mode='loss')
    with pytest.raises(ValueError, match=r'\(2, 3, 3, 4, 6, 6\)'):
        model(torch.randn(2, 3, 3, 4, 6, 6), samples_with([(0, 0)] * 2),
              mode='loss')
    with pytest.raises(ValueError, match='2 clips, data samples: 1'):
        model(good, samples_with([(0, 0)]), mode='loss')
    samples = samples_with([(0, 0), (0, 0)])
    samples[1] = ActionDataSample()
    samples[1].set_metainfo(dict(mixup_lambda=0.5))
    with pytest.raises(KeyError, match=r"data sample 1 has no 'stt_code'.*"
                       'mixup_lambda'):
        model(good, samples, mode='loss')
    with pytest.raises(ValueError, match='out of range'):
        model(good, samples_with([(0, 0), (4, 0)]), mode='loss')


def test_non_square_maps_and_odd_rotations():
    model = make_model(conv_backbone(), temporal_size=4)
    inputs = torch.randn(2, 2, 3, 4, 6, 8)  # H x W = 6 x 8
    with pytest.raises(ValueError, match=r"square.*6 x 8.*clips of 6 x 8"):
        model(inputs, samples_with([(0, 0), (1, 3)]), mode='loss')
    # half turns keep the shape: fine on non-square maps
    losses = model(inputs, samples_with([(3, 2), (1, 0)]), mode='loss')
    assert torch.isfinite(losses['loss_tw'])


def test_backbone_must_return_one_map():

    class TwoStages(nn.Module):

        def forward(self, x):
            return x, x

    model = STCRRecognizer(
        backbone=TwoStages(),
        cw_head=dict(
            type='ChannelDescriptorHead', in_channels=3, temporal_size=4))
    with pytest.raises(ValueError, match='one feature map.*got tuple'):
        model(torch.randn(1, 2, 3, 4, 5, 5), samples_with([(0, 0)]),
              mode='loss')


def test_heads_are_separate():
    head = ChannelDescriptorHead(in_channels=4, temporal_size=4)
    model = STCRRecognizer(backbone=pointwise_backbone(), cw_head=head)
    assert model.cw_head_clean is head
    assert model.cw_head_noise is not head
    assert model.cw_head_noise.fc.weight is not head.fc.weight
    torch.testing.assert_close(model.cw_head_noise.fc.weight, head.fc.weight)
    cfg_model = MODELS.build(
        dict(
            type='STCRRecognizer',
            backbone=dict(type='C3DConv', base_channels=1),
            cw_head=dict(
                type='ChannelDescriptorHead', in_channels=8, temporal_size=1,
                mode='flatten'),
            cw_loss=dict(
                type='ChannelConsistencyLoss', loss_weight=0.5,
                direction='noise_clean')))
    assert cfg_model.cw_head_clean.mode == 'flatten'
    assert cfg_model.cw_loss.direction == 'noise_clean'
    assert not torch.equal(cfg_model.cw_head_clean.fc.weight,
                           cfg_model.cw_head_noise.fc.weight)


def test_data_preprocessor_normalises_both_views():
    model = STCRRecognizer(
        backbone=pointwise_backbone(),
        cw_head=ChannelDescriptorHead(in_channels=4, temporal_size=4),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=[10.0, 20.0, 30.0],
            std=[1.0, 2.0, 4.0],
            format_shape='NCTHW'))
    raw = [torch.randint(0, 256, (2, 3, 4, 5, 5)) for _ in range(2)]
    data = model.data_preprocessor(
        dict(inputs=raw, data_samples=samples_with([(0, 0)] * 2)), True)
    out = data['inputs']
    assert out.shape == (2, 2, 3, 4, 5, 5)
    for b, v, c in itertools.product(range(2), range(2), range(3)):
        expected = (raw[b][v, c].float() - [10.0, 20.0, 30.0][c]) / [
            1.0, 2.0, 4.0
        ][c]
        torch.testing.assert_close(out[b, v, c], expected)
