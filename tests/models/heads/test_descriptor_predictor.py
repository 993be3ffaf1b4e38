"""DescriptorPredictor: a per-time-step MLP over channels."""
import pytest
import torch

from mmstcr.models.heads import DescriptorPredictor


def test_acts_on_each_time_step_alike():
    torch.manual_seed(0)
    pred = DescriptorPredictor(in_channels=6, hidden_channels=4).eval()
    desc = torch.randn(3, 6, 5)
    out = pred(desc)
    assert out.shape == desc.shape
    # time step 2 alone, as a batch of vectors through the same layers
    one = pred(desc[:, :, 2:3])
    torch.testing.assert_close(out[:, :, 2:3], one)


def test_shape_error_names_the_key():
    pred = DescriptorPredictor(in_channels=6)
    with pytest.raises(ValueError, match='predictor.in_channels'):
        pred(torch.randn(2, 5, 3))
    with pytest.raises(ValueError, match='hidden_channels'):
        DescriptorPredictor(in_channels=6, hidden_channels=0)
