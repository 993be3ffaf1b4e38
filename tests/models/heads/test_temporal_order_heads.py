"""ClipOrderHead (VCOP) and OrderVerificationHead (Shuffle & Learn) against
hand computations with their own weights."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

import mmstcr  # noqa: F401
from mmstcr.models.heads import ClipOrderHead, OrderVerificationHead


def _samples(key, labels):
    out = []
    for label in labels:
        out.append(ActionDataSample())
        out[-1].set_metainfo({key: label})
    return out


def test_clip_order_head_by_hand():
    torch.manual_seed(0)
    head = ClipOrderHead(in_channels=5, num_clips=3, hidden_channels=7).eval()
    feats = torch.randn(4, 3, 5, 2, 3, 3)  # B x N x C' x T' x H' x W'
    f = feats.mean(dim=(3, 4, 5))
    w, b = head.pair_fc.weight, head.pair_fc.bias
    pairs = []
    for i, j in ((0, 1), (0, 2), (1, 2)):
        pairs.append(torch.relu(torch.cat([f[:, i], f[:, j]], 1) @ w.T + b))
    want = torch.cat(pairs, 1) @ head.fc.weight.T + head.fc.bias
    logits = head(feats)
    assert logits.shape == (4, 6)
    torch.testing.assert_close(logits, want)
    labels = [0, 5, 3, 3]
    out = head.loss(feats, None, _samples('clip_order_label', labels))
    target = torch.tensor(labels)
    torch.testing.assert_close(out['loss_vcop'], F.cross_entropy(want, target))
    assert out['vcop_acc'] == (want.argmax(1) == target).float().mean()
    four = ClipOrderHead(in_channels=5, num_clips=4, hidden_channels=2)
    assert four.fc.out_features == math.factorial(4) and len(four.pairs) == 6


def test_order_verification_head_by_hand():
    torch.manual_seed(1)
    head = MODELS.build(dict(type='OrderVerificationHead', in_channels=5,
                             hidden_channels=6, loss_weight=0.5)).eval()
    feats = torch.randn(3, 3, 5, 1, 2, 2)
    f = torch.relu(feats.mean(dim=(3, 4, 5)) @ head.clip_fc.weight.T +
                   head.clip_fc.bias)  # B x 3 x 6
    want = torch.cat([f[:, 0], f[:, 1], f[:, 2]], 1) @ head.fc.weight.T \
        + head.fc.bias
    torch.testing.assert_close(head(feats), want)
    out = head.loss(feats, None, _samples('clip_in_order', [1, 0, 1]))
    torch.testing.assert_close(
        out['loss_sal'], 0.5 * F.cross_entropy(want, torch.tensor([1, 0, 1])))
    assert set(out) == {'loss_sal', 'sal_acc'}
    # the order of the clips matters: swapping two changes the logits
    assert not torch.allclose(head(feats[:, [1, 0, 2]]), want)


def test_errors():
    head = ClipOrderHead(in_channels=5)
    with pytest.raises(ValueError, match=r'B x 3 x C'):
        head(torch.randn(2, 5, 2, 3, 3))
    with pytest.raises(KeyError, match='clip_order_label'):
        head.loss(torch.randn(2, 3, 5, 1, 1, 1), None,
                  _samples('clip_in_order', [0, 1]))
    with pytest.raises(ValueError, match='num_clips'):
        OrderVerificationHead(in_channels=5, num_clips=2)
    with pytest.raises(ValueError, match='num_clips'):
        ClipOrderHead(in_channels=5, num_clips=1)
