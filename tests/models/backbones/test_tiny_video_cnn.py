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


def test_channels_last_is_the_same_model():
    """The channels_last layout changes the speed, not the function: the
    same weights give the same map and the same weight gradients as the
    contiguous layout, and the layout survives init and loading."""
    torch.manual_seed(0)
    fast = TinyVideoCNN()
    fast.init_weights()
    plain = TinyVideoCNN(channels_last=False)
    plain.load_state_dict(fast.state_dict())
    conv = fast.stage1[0][0].weight
    assert conv.is_contiguous(memory_format=torch.channels_last_3d)
    assert not plain.stage1[0][0].weight.is_contiguous(
        memory_format=torch.channels_last_3d)
    fast.load_state_dict(plain.state_dict())
    assert conv.is_contiguous(memory_format=torch.channels_last_3d)
    x = torch.randn(3, 1, 8, 16, 16)
    out_fast, out_plain = fast(x), plain(x)
    assert out_fast.is_contiguous()
    torch.testing.assert_close(out_fast, out_plain, rtol=1e-4, atol=1e-5)
    (out_fast ** 2).sum().backward()
    (out_plain ** 2).sum().backward()
    for (name, a), b in zip(fast.named_parameters(), plain.parameters()):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-3, atol=1e-4,
                                   msg=name)
