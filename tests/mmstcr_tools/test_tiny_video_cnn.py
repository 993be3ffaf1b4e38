"""TinyVideoCNN: the size and output of the benchmark's backbone."""
import torch

from mmstcr.models.backbones import TinyVideoCNN


def test_params_and_shape():
    model = TinyVideoCNN()
    assert sum(p.numel() for p in model.parameters()) == 208208
    out = model(torch.randn(2, 1, 16, 32, 32))
    assert out.shape == (2, 64, 4, 4, 4)
    assert model.stage_names == ['stage1', 'stage2']


def test_rejects_wrong_channels():
    import pytest
    with pytest.raises(ValueError, match='1 x T x H x W'):
        TinyVideoCNN()(torch.randn(1, 3, 16, 32, 32))
