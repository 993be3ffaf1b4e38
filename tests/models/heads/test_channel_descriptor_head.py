import pytest
import torch
from mmaction.registry import MODELS

import mmstcr  # noqa: F401
from mmstcr.models.heads import ChannelDescriptorHead


def relu(v):
    return v if v > 0 else 0.0


def test_temporal_mode_matches_loops():
    torch.manual_seed(0)
    head = MODELS.build(
        dict(type='ChannelDescriptorHead', in_channels=3, temporal_size=4))
    assert sum(p.numel() for p in head.parameters()) == 4 + 1
    x = torch.randn(2, 3, 4)  # N x C' x T', negative values too
    out = head(x)
    assert out.shape == (2, 3)
    w, b = head.fc.weight[0].tolist(), head.fc.bias.item()
    for n in range(2):
        for c in range(3):
            expected = sum(
                relu(x[n, c, t].item()) * w[t] for t in range(4)) + b
            assert out[n, c].item() == pytest.approx(expected, abs=1e-6)


def test_flatten_mode_matches_loops():
    torch.manual_seed(1)
    head = ChannelDescriptorHead(in_channels=3, temporal_size=2,
                                 mode='flatten')
    assert sum(p.numel() for p in head.parameters()) == 3 * 6 + 3
    x = torch.randn(2, 3, 2)
    out = head(x)
    weight, bias = head.fc.weight, head.fc.bias  # C' x (C' * T')
    for n in range(2):
        for k in range(3):
            expected = bias[k].item() + sum(
                relu(x[n, c, t].item()) * weight[k, c * 2 + t].item()
                for c in range(3) for t in range(2))
            assert out[n, k].item() == pytest.approx(expected, abs=1e-6)


def test_wrong_temporal_size_names_numbers_and_key():
    head = ChannelDescriptorHead(in_channels=3, temporal_size=2)
    with pytest.raises(ValueError) as err:
        head(torch.zeros(1, 3, 4))
    msg = str(err.value)
    assert "T' = 4" in msg and 'temporal_size=2' in msg
    assert 'cw_head.temporal_size=4' in msg
    with pytest.raises(ValueError, match=r"C' = 5.*in_channels=3.*"
                       r'cw_head.in_channels=5'):
        head(torch.zeros(1, 5, 2))
    with pytest.raises(ValueError, match='N x C x T'):
        head(torch.zeros(1, 3, 2, 1))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="'mean'"):
        ChannelDescriptorHead(3, 2, mode='mean')
    with pytest.raises(ValueError, match='temporal_size must be a positive'):
        ChannelDescriptorHead(3, 0)
