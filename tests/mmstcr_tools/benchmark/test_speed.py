"""The benchmark's exact memory measure, against allocations whose sizes are
known by hand."""
import pytest
import torch

from mmstcr_tools.benchmark.speed import tensor_peak_bytes

MB = 1_000_000


def test_peak_of_a_known_sequence_of_allocations():
    keep = torch.ones(10)  # held before: not counted

    def fn():
        a = torch.empty(MB, dtype=torch.uint8)  # 1 MB
        b = torch.empty(2 * MB, dtype=torch.uint8)  # 3 MB held
        del a  # 2 MB held
        c = torch.empty(4 * MB, dtype=torch.uint8)  # 6 MB held: the peak
        del b, c
        d = torch.empty(5 * MB, dtype=torch.uint8)  # 5 MB, below the peak
        del d

    assert tensor_peak_bytes(fn) == 6 * MB
    assert keep.sum() == 10


def test_a_free_of_memory_from_before_the_call_is_not_seen():
    """The profiler cannot size a block allocated before it started, so its
    free is not counted: the peak is then an upper bound. (In a train step
    after a warm-up nothing from before is freed: ``zero_grad`` has set the
    gradients to None and the momentum buffers stay.)"""
    held = [torch.empty(3 * MB, dtype=torch.uint8)]

    def fn():
        held.pop()  # -3 MB, not seen
        x = torch.empty(3 * MB, dtype=torch.uint8)
        y = torch.empty(MB, dtype=torch.uint8)
        del x, y

    assert tensor_peak_bytes(fn) == 4 * MB


def test_counts_the_backward_pass():
    """Autograd's buffers are allocations too: with ``y = 2 w`` kept, the
    backward pass adds the n-element gradient of ``w`` on top of ``y``."""
    n = 2 * MB // 4
    w = torch.zeros(n, requires_grad=True)

    def fn():
        y = w * 2.0  # n floats, held to the end
        y.sum().backward()  # + n floats of w.grad, + a few scalars
        del y

    peak = tensor_peak_bytes(fn)
    assert 2 * n * 4 <= peak <= 2 * n * 4 + 64
    assert w.grad is not None and w.grad.numel() == n


@pytest.mark.parametrize('size', [1, 4097])
def test_small_allocations_are_exact(size):
    def fn():
        t = torch.empty(size, dtype=torch.uint8)
        del t

    assert tensor_peak_bytes(fn) == size
