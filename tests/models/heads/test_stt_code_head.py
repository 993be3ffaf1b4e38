"""STTCodeHead: the 16 labels, the loss against plain cross-entropy, and
that it reads the map's layout."""
import itertools

import pytest
import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample

from mmstcr.models.heads import STTCodeHead, stt_code_label
from mmstcr.structures import apply_stt


def samples(codes):
    out = []
    for code in codes:
        out.append(ActionDataSample())
        out[-1].set_metainfo(dict(stt_code=code))
    return out


def test_labels_cover_the_16_codes_once():
    codes = list(itertools.product(range(4), range(4)))
    labels = [stt_code_label(c) for c in codes]
    assert sorted(labels) == list(range(16))
    assert stt_code_label((2, 3)) == 11  # 4 * z1 + z2, by hand
    with pytest.raises(ValueError, match='out of range'):
        stt_code_label((4, 0))


def test_loss_is_weighted_cross_entropy_and_accuracy():
    torch.manual_seed(0)
    head = STTCodeHead(in_channels=6, feat_size=(2, 3, 3), hidden_channels=5,
                       loss_weight=0.3)
    codes = [(0, 0), (1, 2), (3, 3), (2, 1)]
    clean = torch.randn(4, 6, 2, 3, 3)
    noise = torch.randn(4, 6, 2, 3, 3)
    out = head.loss(clean, noise, samples(codes))
    # independent: conv as einsum, BN without affine by hand, ReLU, FC
    x = torch.einsum('nctij,oc->notij', noise, head.conv.weight[:, :, 0, 0,
                                                                0])
    x = x + head.conv.bias.view(1, -1, 1, 1, 1)
    mean = x.mean(dim=(0, 2, 3, 4), keepdim=True)
    var = x.var(dim=(0, 2, 3, 4), unbiased=False, keepdim=True)
    x = ((x - mean) / torch.sqrt(var + head.bn.eps)).clamp(min=0)
    logits = x.flatten(1) @ head.fc.weight.t() + head.fc.bias
    target = torch.tensor([0, 6, 15, 9])
    torch.testing.assert_close(out['loss_stt'],
                               0.3 * F.cross_entropy(logits, target))
    expected_acc = (logits.argmax(1) == target).float().mean()
    torch.testing.assert_close(out['stt_acc'], expected_acc)
    assert 'loss' not in 'stt_acc'


def test_head_learns_a_flip_that_pooling_cannot_see():
    """A map whose flipped copy has the same pooled vector: the head must
    still tell the codes apart (it reads the layout)."""
    torch.manual_seed(0)
    base = torch.randn(32, 4, 2, 3, 3)
    codes = [(1 if i % 2 else 0, 0) for i in range(32)]
    noise = torch.stack([
        apply_stt(x, c, t_axis=1, h_axis=2, w_axis=3)
        for x, c in zip(base, codes)
    ])
    torch.testing.assert_close(noise.mean(dim=(2, 3, 4)),
                               base.mean(dim=(2, 3, 4)))
    head = STTCodeHead(in_channels=4, feat_size=(2, 3, 3), hidden_channels=8)
    opt = torch.optim.Adam(head.parameters(), lr=0.01)
    for _ in range(150):
        out = head.loss(base, noise, samples(codes))
        opt.zero_grad()
        out['loss_stt'].backward()
        opt.step()
    assert out['stt_acc'].item() == 1.0


def test_pair_inputs_and_errors():
    head = STTCodeHead(in_channels=3, feat_size=(1, 2, 2), inputs='pair')
    assert head.conv.in_channels == 6
    logits = head(torch.randn(2, 3, 1, 2, 2), torch.randn(2, 3, 1, 2, 2))
    assert logits.shape == (2, 16)
    with pytest.raises(ValueError, match='feat_size'):
        head(torch.randn(2, 3, 1, 4, 4), torch.randn(2, 3, 1, 4, 4))
    with pytest.raises(ValueError, match="'both'"):
        STTCodeHead(in_channels=3, feat_size=(1, 2, 2), inputs='both')
    with pytest.raises(ValueError, match='feat_size'):
        STTCodeHead(in_channels=3, feat_size=(1, 2))
