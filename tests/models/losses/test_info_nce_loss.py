"""InfoNCELoss against values computed by hand."""
import math
import re

import pytest
import torch

import mmstcr  # noqa: F401
from mmaction.registry import MODELS
from mmstcr.models.losses import InfoNCELoss

R = 1 / math.sqrt(2)


def test_registered():
    loss = MODELS.build(dict(type='InfoNCELoss', temperature=0.5))
    assert isinstance(loss, InfoNCELoss) and loss.temperature == 0.5


def test_two_pairs_by_hand():
    # u1 = [[1, 0], [0, 1]], u2 = [[r, r], [0, 1]] (z2's first row scaled),
    # tau = 1: s = u1 u2^T = [[r, 0], [r, 1]]
    z1 = torch.tensor([[2., 0.], [0., 3.]])
    z2 = torch.tensor([[1., 1.], [0., 5.]])
    # rows: -log(e^r / (e^r + e^0)) and -log(e^1 / (e^r + e^1))
    rows = (-math.log(math.exp(R) / (math.exp(R) + 1)) -
            math.log(math.e / (math.exp(R) + math.e))) / 2
    # columns: -log(e^r / (e^r + e^r)) = log 2 and -log(e^1 / (e^0 + e^1))
    cols = (math.log(2) - math.log(math.e / (1 + math.e))) / 2
    loss = InfoNCELoss(temperature=1.0)(z1, z2)
    assert loss.item() == pytest.approx((rows + cols) / 2, rel=1e-6)
    # loss_weight multiplies, tau divides the logits
    assert InfoNCELoss(temperature=1.0, loss_weight=3.0)(
        z1, z2).item() == pytest.approx(3 * (rows + cols) / 2, rel=1e-6)
    logits = InfoNCELoss(temperature=0.5).logits(z1, z2)
    torch.testing.assert_close(logits,
                               torch.tensor([[R, 0.], [R, 1.]]) / 0.5)


@pytest.mark.parametrize('tau', [1.0, 0.5, 0.1])
def test_matching_orthogonal_pairs(tau):
    # N matching pairs, orthogonal to each other: every row and column is
    # -log(e^(1/tau) / (e^(1/tau) + (N - 1) e^0))
    num = 4
    z = torch.eye(num, dtype=torch.float64) * 7
    expected = math.log(1 + (num - 1) * math.exp(-1 / tau))
    assert InfoNCELoss(temperature=tau)(z, z).item() == pytest.approx(
        expected, rel=1e-5)


def test_lower_temperature_sharpens():
    z = torch.eye(3)
    losses = [InfoNCELoss(temperature=t)(z, z).item() for t in (1, .5, .1)]
    assert losses[0] > losses[1] > losses[2] > 0
    # a wrong pairing is punished more at a low temperature
    swapped = z[[1, 0, 2]]
    assert (InfoNCELoss(temperature=.1)(z, swapped) >
            InfoNCELoss(temperature=1.)(z, swapped))


def test_collapse_gives_log_n():
    num = 5
    z = torch.ones(num, 8)
    assert InfoNCELoss()(z, z * 2).item() == pytest.approx(math.log(num))


def test_symmetric_and_scale_invariant():
    torch.manual_seed(0)
    z1, z2 = torch.randn(6, 5), torch.randn(6, 5)
    loss = InfoNCELoss()
    torch.testing.assert_close(loss(z1, z2), loss(z2, z1))
    torch.testing.assert_close(loss(3 * z1, 0.5 * z2), loss(z1, z2))
    # the same pairs in another order give the same loss
    perm = torch.randperm(6)
    torch.testing.assert_close(loss(z1[perm], z2[perm]), loss(z1, z2))


def test_gradient_flows_to_both_sides():
    torch.manual_seed(0)
    z1 = torch.randn(4, 3, requires_grad=True)
    z2 = torch.randn(4, 3, requires_grad=True)
    InfoNCELoss()(z1, z2).backward()
    assert z1.grad.abs().sum() > 0 and z2.grad.abs().sum() > 0
    # a gradient step on z1 lowers the loss
    with torch.no_grad():
        before = InfoNCELoss()(z1, z2)
        after = InfoNCELoss()(z1 - 1e-3 * z1.grad, z2)
    assert after < before


def test_one_pair_is_zero_finite_and_keeps_the_graph():
    z1 = torch.randn(1, 4, requires_grad=True)
    z2 = torch.randn(1, 4, requires_grad=True)
    loss = InfoNCELoss(loss_weight=2.0)(z1, z2)
    assert loss.item() == 0 and torch.isfinite(loss) and loss.requires_grad
    loss.backward()
    assert torch.equal(z1.grad, torch.zeros_like(z1))
    assert torch.equal(z2.grad, torch.zeros_like(z2))
    # a zero embedding (normalised with a floor) is finite too
    zero = torch.zeros(3, 4)
    assert torch.isfinite(InfoNCELoss()(zero, torch.randn(3, 4)))


@pytest.mark.parametrize('bad', [0, -0.1, float('nan'), float('inf'), '0.1',
                                 True])
def test_temperature_is_checked(bad):
    with pytest.raises(ValueError, match='temperature.*' + re.escape(
            repr(bad))):
        InfoNCELoss(temperature=bad)


def test_loss_weight_is_checked():
    with pytest.raises(ValueError, match='loss_weight=-1'):
        InfoNCELoss(loss_weight=-1)


@pytest.mark.parametrize('shapes', [((3, 4), (3, 5)), ((3, 4), (2, 4)),
                                    ((3, ), (3, )), ((0, 4), (0, 4))])
def test_shapes_are_checked(shapes):
    a, b = shapes
    with pytest.raises(ValueError, match='two N x D embeddings'):
        InfoNCELoss()(torch.randn(*a), torch.randn(*b))
