"""ClipContrastHead: pooling, projector and InfoNCE of the two clips of each
video."""
import pytest
import torch
import torch.nn as nn

import mmstcr  # noqa: F401
from mmaction.registry import MODELS
from mmstcr.models.heads import ClipContrastHead
from mmstcr.models.losses import InfoNCELoss

B, C = 4, 6


def head(**kwargs):
    torch.manual_seed(0)
    return ClipContrastHead(in_channels=C, hidden_channels=8,
                            out_channels=5, **kwargs)


def maps(batch=B, seed=1):
    torch.manual_seed(seed)
    return torch.randn(batch, 2, C, 2, 3, 3)


def test_built_from_a_config_with_its_loss():
    h = MODELS.build(dict(type='ClipContrastHead', in_channels=C,
                          hidden_channels=8, out_channels=5,
                          loss=dict(type='InfoNCELoss', temperature=0.2)))
    assert isinstance(h.loss_nce, InfoNCELoss)
    assert h.loss_nce.temperature == 0.2
    kinds = [type(m) for m in h.projector]
    assert kinds == [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Linear]


def test_loss_is_infonce_of_the_projected_pooled_clips():
    h = head()
    feats = maps()
    out = h.loss(feats, None, [None] * B)
    assert set(out) == {'loss_nce', 'nce_acc', 'nce_pos_cos'}
    # by hand: average pool each clip, one projector batch of the 2B clips
    pooled = feats.mean(dim=(3, 4, 5))  # B x 2 x C
    z = h.projector(pooled.reshape(2 * B, C)).reshape(B, 2, 5)
    torch.testing.assert_close(out['loss_nce'],
                               InfoNCELoss()(z[:, 0], z[:, 1]))
    torch.testing.assert_close(
        out['nce_pos_cos'],
        nn.functional.cosine_similarity(z[:, 0], z[:, 1]).mean())
    assert 0 <= out['nce_acc'] <= 1
    assert not out['nce_acc'].requires_grad
    out['loss_nce'].backward()
    for p in h.parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0


def test_the_noise_maps_are_not_read():
    h = head()
    feats = maps()
    alone = h.loss(feats, None, [None] * B)
    with_noise = h.loss(feats, torch.randn_like(feats), [None] * B)
    torch.testing.assert_close(alone['loss_nce'], with_noise['loss_nce'])


def test_identical_clips_are_found_among_the_batch():
    h = head()
    h.eval()  # running BN statistics: each embedding depends on its clip
    feats = maps()
    feats[:, 1] = feats[:, 0]
    out = h.loss(feats, None, [None] * B)
    assert out['nce_acc'] == 1
    assert out['nce_pos_cos'] == pytest.approx(1, abs=1e-5)


def test_one_video_is_zero_and_finite():
    h = head()
    out = h.loss(maps(batch=1), None, [None])  # BN sees its 2 clips
    assert out['loss_nce'].item() == 0 and out['loss_nce'].requires_grad
    out['loss_nce'].backward()
    assert all(torch.isfinite(p.grad).all() for p in h.parameters())


@pytest.mark.parametrize('shape', [(B, 3, C, 2, 3, 3), (B, 2, C + 1, 2, 3, 3),
                                   (B * 2, C, 2, 3, 3)])
def test_shape_is_checked(shape):
    with pytest.raises(ValueError, match='two clips of each video grouped'):
        head().loss(torch.randn(*shape), None, [None] * B)


@pytest.mark.parametrize('key', ['in_channels', 'hidden_channels',
                                 'out_channels'])
def test_widths_are_checked(key):
    kwargs = dict(in_channels=C, hidden_channels=8, out_channels=5)
    kwargs[key] = 0
    with pytest.raises(ValueError, match=f'{key}=0'):
        ClipContrastHead(**kwargs)
