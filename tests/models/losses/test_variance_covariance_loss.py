"""VarianceCovarianceLoss against a hand computation."""
import math

import pytest
import torch

from mmstcr.models.losses import CosineConsistencyLoss, VarianceCovarianceLoss


def test_against_hand_values():
    # two clips, D = 2 (C' = 2, T' = 1): z = [[0, 0], [2, 1]]
    clean = torch.tensor([[[0.], [0.]], [[2.], [1.]]])
    noise = clean.clone()
    loss = VarianceCovarianceLoss(var_weight=1.0, cov_weight=1.0, eps=0.)
    # var over the batch (unbiased): dim0 (0,2) -> 2, dim1 (0,1) -> 0.5
    # v = mean(relu(1 - sqrt(2)), relu(1 - sqrt(0.5))) = (1 - 0.7071) / 2
    v = (1 - math.sqrt(0.5)) / 2
    # cov(dim0, dim1) = (-1 * -0.5 + 1 * 0.5) / 1 = 1 -> off-diagonal sum
    # of squares 2, / D = 1
    c = 1.0
    torch.testing.assert_close(loss(clean, noise), torch.tensor(v + c))


def test_spread_descriptors_cost_less_than_collapsed_ones():
    torch.manual_seed(0)
    loss = VarianceCovarianceLoss()
    spread = torch.randn(16, 4, 2) * 2
    collapsed = torch.ones(16, 4, 2) + 1e-3 * torch.randn(16, 4, 2)
    assert loss(spread, spread) < loss(collapsed, collapsed)
    # the variance hinge of a collapsed batch is about target_std
    assert loss.variance(collapsed.flatten(1)).item() == pytest.approx(
        1.0, abs=0.02)


def test_checks_its_weights_and_shapes():
    for bad in (-1, float('nan'), float('inf'), 'abc'):
        with pytest.raises(ValueError, match='var_weight'):
            VarianceCovarianceLoss(var_weight=bad)
    with pytest.raises(ValueError, match='one shape'):
        VarianceCovarianceLoss()(torch.randn(2, 4, 2), torch.randn(2, 3, 2))
    one = torch.randn(1, 4, 2, requires_grad=True)
    zero = VarianceCovarianceLoss()(one, one)
    assert zero.item() == 0 and zero.requires_grad


def test_cosine_consistency_by_hand():
    loss = CosineConsistencyLoss(loss_weight=2.0)
    # one clip, T' = 2: step 0 parallel (cos 1), step 1 orthogonal (cos 0)
    clean = torch.tensor([[[3., 1.], [0., 0.]]])  # C' = 2, T' = 2
    noise = torch.tensor([[[1., 0.], [0., 5.]]])
    # step 0: (3,0) vs (1,0) -> 0; step 1: (1,0) vs (0,5) -> 2; mean 1
    torch.testing.assert_close(loss(clean, noise), torch.tensor(2.0))
    # scale-free: shrinking both does not lower it
    torch.testing.assert_close(loss(clean * 1e-3, noise * 1e-3),
                               torch.tensor(2.0))
