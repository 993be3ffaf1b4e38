import pytest
import torch
from mmaction.registry import MODELS

import mmstcr  # noqa: F401
from mmstcr.models.losses import TemporalConsistencyLoss


def reference_mse(clean, noise):
    """Mean of squared differences, with explicit loops."""
    total, count = 0.0, 0
    for n in range(clean.size(0)):
        for c in range(clean.size(1)):
            for t in range(clean.size(2)):
                total += float(clean[n, c, t] - noise[n, c, t])**2
                count += 1
    return total / count


def test_hand_computed_value():
    clean = torch.zeros(2, 3, 4)
    noise = torch.zeros(2, 3, 4)
    noise[0, 1, 2] = 2.0  # one squared error of 4 among 24 entries
    noise[1, 0, 0] = -4.0  # and one of 16
    loss = TemporalConsistencyLoss()(clean, noise)
    assert loss.item() == pytest.approx(20 / 24)
    loss = TemporalConsistencyLoss(loss_weight=0.5)(clean, noise)
    assert loss.item() == pytest.approx(10 / 24)


def test_matches_loop_reference_and_gradient():
    torch.manual_seed(0)
    clean = torch.randn(3, 5, 2, requires_grad=True)
    noise = torch.randn(3, 5, 2)
    loss_fn = MODELS.build(
        dict(type='TemporalConsistencyLoss', loss_weight=2.0))
    loss = loss_fn(clean, noise)
    assert loss.item() == pytest.approx(
        2.0 * reference_mse(clean.detach(), noise), rel=1e-6)
    loss.backward()
    # d/dclean of w * mean((c - n)^2) = 2 w (c - n) / numel
    expected = 2 * 2.0 * (clean.detach() - noise) / clean.numel()
    torch.testing.assert_close(clean.grad, expected)


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r'\(2, 3, 4\) and \(2, 3, 5\)'):
        TemporalConsistencyLoss()(torch.zeros(2, 3, 4), torch.zeros(2, 3, 5))
