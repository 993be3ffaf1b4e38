import math

import pytest
import torch
from mmaction.registry import MODELS

import mmstcr  # noqa: F401
from mmstcr.models.losses import ChannelConsistencyLoss


def softmax_ref(row):
    exps = [math.exp(v) for v in row]
    return [e / sum(exps) for e in exps]


def kl_ref(p_logits, q_logits):
    """Batch mean of sum_k p_k log(p_k / q_k), softmax by hand."""
    total = 0.0
    for p_row, q_row in zip(p_logits.tolist(), q_logits.tolist()):
        p, q = softmax_ref(p_row), softmax_ref(q_row)
        total += sum(pk * math.log(pk / qk) for pk, qk in zip(p, q))
    return total / len(p_logits)


def test_hand_computed_value():
    # sample 0: P_c = (1/2, 1/2), P_n = (1/4, 3/4); sample 1: equal.
    clean = torch.tensor([[0.0, 0.0], [1.0, 2.0]])
    noise = torch.tensor([[0.0, math.log(3.0)], [1.0, 2.0]])
    kl_cn = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    kl_nc = 0.25 * math.log(0.25 / 0.5) + 0.75 * math.log(0.75 / 0.5)
    loss = ChannelConsistencyLoss()  # gamma = 0.1, KL(P_c || P_n)
    assert loss(clean, noise).item() == pytest.approx(0.1 * kl_cn / 2)
    loss = ChannelConsistencyLoss(loss_weight=1.0, direction='noise_clean')
    assert loss(clean, noise).item() == pytest.approx(kl_nc / 2)
    loss = ChannelConsistencyLoss(loss_weight=1.0, direction='symmetric')
    assert loss(clean, noise).item() == pytest.approx((kl_cn + kl_nc) / 4)


def test_matches_reference_on_random_logits():
    torch.manual_seed(0)
    clean, noise = torch.randn(4, 7), torch.randn(4, 7)
    loss = MODELS.build(dict(type='ChannelConsistencyLoss', loss_weight=0.3))
    assert loss(clean, noise).item() == pytest.approx(
        0.3 * kl_ref(clean, noise), rel=1e-5)
    assert loss(clean, clean).item() == pytest.approx(0.0, abs=1e-7)


def test_stable_for_large_logits():
    torch.manual_seed(0)
    clean, noise = torch.randn(3, 5), torch.randn(3, 5)
    loss = ChannelConsistencyLoss(loss_weight=1.0)
    expected = loss(clean, noise)
    # softmax ignores a constant shift of each row; exp(1000) overflows
    shifted = loss(clean + 1e3, noise - 1e3)
    assert torch.isfinite(shifted)
    assert shifted.item() == pytest.approx(expected.item(), abs=1e-4)
    # saturated distributions: near one-hot P_c against P_n
    big = torch.tensor([[200.0, 0.0, 0.0]])
    value = loss(big, torch.zeros(1, 3))
    assert value.item() == pytest.approx(math.log(3.0), rel=1e-5)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="'both'"):
        ChannelConsistencyLoss(direction='both')
    with pytest.raises(ValueError, match=r'\(2, 3\) and \(2, 4\)'):
        ChannelConsistencyLoss()(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match='N x C'):
        ChannelConsistencyLoss()(torch.zeros(2, 3, 1), torch.zeros(2, 3, 1))
