"""SingleSampleSafeBN1d: plain BatchNorm1d, except that a training batch
with one value per channel is normalised with the running statistics."""
import math

import pytest
import torch
import torch.nn as nn

from mmstcr.models.heads import DescriptorPredictor, PlaybackRateHead
from mmstcr.models.utils import SingleSampleSafeBN1d


def _bn():
    bn = SingleSampleSafeBN1d(2)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([2.0, 1.0]))
        bn.bias.copy_(torch.tensor([0.5, -1.0]))
        bn.running_mean.copy_(torch.tensor([1.0, 3.0]))
        bn.running_var.copy_(torch.tensor([4.0, 0.25]))
    return bn.train()


def test_one_sample_uses_the_running_statistics():
    bn = _bn()
    out = bn(torch.tensor([[3.0, 2.0]]))
    eps = bn.eps
    want = [2.0 * (3.0 - 1.0) / math.sqrt(4.0 + eps) + 0.5,
            1.0 * (2.0 - 3.0) / math.sqrt(0.25 + eps) - 1.0]
    assert out.shape == (1, 2)
    torch.testing.assert_close(out[0], torch.tensor(want), rtol=1e-6,
                               atol=1e-6)
    # nothing learnt from that batch
    assert bn.running_mean.tolist() == [1.0, 3.0]
    assert bn.running_var.tolist() == [4.0, 0.25]
    assert int(bn.num_batches_tracked) == 0
    # N x C x 1 descriptors: one value per channel too
    torch.testing.assert_close(bn(torch.tensor([[[3.0], [2.0]]]))[0, :, 0],
                               out[0])


def test_two_values_are_plain_batch_norm():
    bn, ref = _bn(), nn.BatchNorm1d(2)
    ref.load_state_dict(bn.state_dict())
    ref.train()
    x = torch.tensor([[3.0, 2.0], [1.0, 0.0]])
    torch.testing.assert_close(bn(x), ref(x))
    torch.testing.assert_close(bn.running_mean, ref.running_mean)
    assert int(bn.num_batches_tracked) == 1
    # a single clip with two time steps has two values per channel
    y = torch.tensor([[[3.0, 1.0], [2.0, 0.0]]])
    torch.testing.assert_close(bn(y), ref(y))
    assert list(bn.state_dict()) == list(nn.BatchNorm1d(2).state_dict())


def test_heads_train_on_one_clip():
    torch.manual_seed(0)
    pred = DescriptorPredictor(in_channels=6, hidden_channels=4).train()
    assert pred(torch.randn(1, 6, 1)).shape == (1, 6, 1)
    head = PlaybackRateHead(in_channels=6, num_rates=2,
                            hidden_channels=4).train()
    assert head(torch.randn(1, 6, 2, 3, 3)).shape == (1, 2)
    # plain BatchNorm1d refuses these batches
    with pytest.raises(ValueError, match='more than 1 value per channel'):
        nn.BatchNorm1d(4).train()(torch.randn(1, 4))
