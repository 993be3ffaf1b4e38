import threading

import numpy as np
import pytest
import torch

from mmstcr.datasets.transforms.buffer_pool import BufferPool


def test_a_released_buffer_is_lent_again_a_held_one_never():
    pool = BufferPool()
    first = pool.take((2, 3, 4), np.uint8)
    address = first.ctypes.data
    second = pool.take((2, 3, 4), np.uint8)
    assert second.ctypes.data != address  # first is still held
    del first
    third = pool.take((2, 3, 4), np.uint8)
    assert third.ctypes.data == address  # first came back
    assert len(pool) == 2 and pool.nbytes == 48


@pytest.mark.parametrize('holder', ['view', 'frames', 'tensor', 'permuted'])
def test_views_and_tensors_keep_a_buffer_out(holder):
    pool = BufferPool()
    buffer = pool.take((2, 4, 5, 3), np.uint8)
    buffer[...] = 9
    kept = {
        'view': lambda b: b[1],
        'frames': lambda b: list(b[1]),
        'tensor': lambda b: torch.from_numpy(b),
        'permuted': lambda b: torch.from_numpy(b).permute(0, 3, 1, 2),
    }[holder](buffer)
    del buffer
    other = pool.take((2, 4, 5, 3), np.uint8)
    other[...] = 0  # must not write into what is kept
    values = kept.numpy() if isinstance(kept, torch.Tensor) else np.asarray(
        kept)
    assert (values == 9).all()
    del kept, values, other
    assert len(pool) == 2


def test_keys_are_shape_and_dtype():
    pool = BufferPool()
    a = pool.take((4, ), np.uint8)
    del a
    b = pool.take((4, ), np.float32)
    c = pool.take((2, 2), np.uint8)
    assert b.dtype == np.float32 and c.shape == (2, 2)
    assert len(pool) == 3


def test_max_bytes_bounds_what_is_kept():
    pool = BufferPool(max_bytes=100)
    held = [pool.take((40, ), np.uint8) for _ in range(4)]  # 160 bytes
    assert len(pool) == 2 and pool.nbytes == 80
    assert all(h.shape == (40, ) for h in held)
    off = BufferPool(max_bytes=0)
    x = off.take((8, ), np.uint8)
    address = x.ctypes.data
    del x
    assert len(off) == 0
    y = off.take((8, ), np.uint8)
    assert isinstance(y, np.ndarray) and y.shape == (8, )
    del address
    pool.clear()
    assert len(pool) == 0 and pool.nbytes == 0
    assert 'max_bytes=100' in repr(pool) and 'pooled=0' in repr(pool)


@pytest.mark.parametrize('bad', [-1, 1.5, '64', True, None])
def test_bad_max_bytes(bad):
    with pytest.raises(ValueError, match='max_bytes'):
        BufferPool(max_bytes=bad)


def test_threads_never_share_a_buffer():
    pool = BufferPool()
    errors = []

    def work(value):
        for _ in range(200):
            buffer = pool.take((64, ), np.int64)
            buffer[...] = value
            if not (buffer == value).all():
                errors.append(value)

    threads = [threading.Thread(target=work, args=(v, )) for v in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert 1 <= len(pool) <= 4


class _PackedClips(torch.utils.data.Dataset):
    """Mixup + pack of clip ``i`` (its values tell which clip it is)."""

    def __len__(self):
        return 24

    def __getitem__(self, i):
        from mmstcr.datasets.transforms import IntraVideoMixup, PackSTCRInputs
        clip = np.full((4, 6, 6, 3), i, np.uint8)
        results = IntraVideoMixup()(dict(imgs=list(clip),
                                         noise_imgs=list(clip + 100)))
        return PackSTCRInputs()(results)['inputs']


@pytest.mark.parametrize('num_workers', [0, 2])
def test_pooled_pack_buffers_survive_the_dataloader(num_workers):
    # every sample of every batch, kept to the end, still holds its own
    # clip: no buffer was lent again while a batch referred to it
    loader = torch.utils.data.DataLoader(
        _PackedClips(), batch_size=4, num_workers=num_workers,
        collate_fn=list)
    batches = list(loader)
    assert len(batches) == 6
    for b, batch in enumerate(batches):
        for s, inputs in enumerate(batch):
            i = 4 * b + s
            assert inputs.dtype == torch.uint8
            assert (inputs[0] == i).all() and (inputs[1] == i + 100).all()
