"""Reuse of the two-view pack buffers, so that a clip's pixels are not
written into freshly mapped (page-faulting) memory every time."""
import sys
import threading
from typing import Dict, List, Tuple

import numpy as np

#: Bytes a pool keeps per process. A buffer is lent out again only once
#: nothing but the pool refers to it, so the pool needs about as many
#: buffers as samples are alive at once (a batch in a DataLoader worker);
#: beyond this bound new buffers are plain allocations. 64 MiB hold 53
#: uint8 two-view buffers of 16 x 112 x 112 x 3, or 13 float32 ones.
MAX_POOL_BYTES = 64 * 2**20


def _refcount_when_free() -> int:
    """``sys.getrefcount`` of a pooled array, read as
    :meth:`BufferPool.take` reads it (inside a loop over the pool), when
    only the pool holds it; measured, so that it holds on any CPython."""
    pool = [np.empty(1)]
    return _count(pool)


def _count(pool: List[np.ndarray]) -> int:
    for array in pool:
        return sys.getrefcount(array)
    raise AssertionError('unreachable')


class BufferPool:
    """A per-process free list of uninitialised NumPy arrays, keyed by shape
    and dtype.

    :meth:`take` returns a pooled array that nothing else refers to any
    more, or a new one. "Refers" is CPython's reference count: a NumPy view
    holds its base, and ``torch.from_numpy`` holds the array, so a buffer
    whose pixels are still reachable from a tensor, a view or a list is
    never lent out twice. A reused buffer's pages are already resident, so
    writing a clip into it costs no page faults (docs/performance.md,
    "Buffer reuse").

    Args:
        max_bytes (int): How many bytes of arrays to keep, over all shapes.
            0 turns pooling off.
    """

    def __init__(self, max_bytes: int = MAX_POOL_BYTES) -> None:
        if (not isinstance(max_bytes, int) or isinstance(max_bytes, bool)
                or max_bytes < 0):
            raise ValueError('BufferPool: max_bytes must be an int >= 0; '
                             f'got {max_bytes!r}')
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._free_count = _refcount_when_free()
        self._pools: Dict[Tuple, List[np.ndarray]] = {}
        self._lock = threading.Lock()

    def take(self, shape: Tuple[int, ...], dtype) -> np.ndarray:
        """An array of ``shape`` and ``dtype`` with arbitrary contents."""
        key = (tuple(shape), np.dtype(dtype).str)
        with self._lock:
            pool = self._pools.setdefault(key, [])
            for array in pool:
                if sys.getrefcount(array) == self._free_count:
                    return array
            array = np.empty(shape, dtype=dtype)
            if self.nbytes + array.nbytes <= self.max_bytes:
                pool.append(array)
                self.nbytes += array.nbytes
            return array

    def clear(self) -> None:
        """Drop every pooled array (those still in use stay alive)."""
        with self._lock:
            self._pools.clear()
            self.nbytes = 0

    def __len__(self) -> int:
        return sum(len(pool) for pool in self._pools.values())

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_bytes={self.max_bytes}, '
                f'pooled={len(self)}, nbytes={self.nbytes})')


#: The pool of the STCR pack buffers (``IntraVideoMixup``, ``PackSTCRInputs``).
TWO_VIEW_BUFFERS = BufferPool()
