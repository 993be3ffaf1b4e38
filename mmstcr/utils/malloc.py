"""glibc's allocator settings for CPU training: keep freed memory for reuse
instead of mapping fresh, page-faulting pages for every large tensor.

By default glibc serves an allocation above its mmap threshold with a new
``mmap`` and unmaps it on free. The threshold adapts upwards to what is
freed, but never above 32 MiB on 64-bit systems, so every larger tensor
(activations of a 3D CNN batch quickly are) costs one page fault per 4 KiB
page on first write, at every step. ``tune_malloc`` turns mmap allocation
off and raises the trim threshold, so those blocks come from the heap and
stay there for the next step (docs/performance.md, "Large tensors and
glibc's mmap threshold").
"""
import ctypes
import os
import platform
from typing import Dict

#: The values of ``env_cfg.cpu_malloc``: the tools' CPU setting, or glibc's
#: own behaviour left alone.
MALLOC_MODES = ('tuned', 'default')

#: Free memory at the top of the heap that glibc keeps instead of returning
#: it to the kernel: the largest value ``mallopt`` takes (an int), 2 GiB.
TRIM_THRESHOLD = 2**31 - 1

# mallopt parameters, from glibc's malloc.h
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4


def is_glibc() -> bool:
    """True if this process runs on glibc (the settings exist only
    there)."""
    return platform.system() == 'Linux' and platform.libc_ver()[0] == 'glibc'


def _mallopt():
    """The C library's ``mallopt(int, int) -> int``, or None if it has
    none."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt


def malloc_env(trim_threshold: int = TRIM_THRESHOLD) -> Dict[str, str]:
    """The environment variables that give a new process the same settings
    as :func:`tune_malloc` (glibc reads them at start-up)."""
    return dict(MALLOC_MMAP_MAX_='0',
                MALLOC_TRIM_THRESHOLD_=str(int(trim_threshold)))


def tune_malloc(trim_threshold: int = TRIM_THRESHOLD,
                children: bool = True) -> bool:
    """Serve large allocations from the heap and keep up to
    ``trim_threshold`` bytes of freed memory; returns whether glibc took
    the settings (False on other C libraries, where nothing changes).

    It applies to allocations made from then on, in this process and in
    the processes it forks (DataLoader workers). With ``children`` it also
    sets :func:`malloc_env` in ``os.environ``, for processes started by
    spawn or exec (``torch.multiprocessing.spawn``, subprocesses).
    """
    if not isinstance(trim_threshold, int) or not \
            0 <= trim_threshold <= TRIM_THRESHOLD:
        raise ValueError('tune_malloc: trim_threshold must be an int in '
                         f'[0, {TRIM_THRESHOLD}]; got {trim_threshold!r}')
    if not is_glibc():
        return False
    mallopt = _mallopt()
    if mallopt is None:
        return False
    done = (mallopt(_M_MMAP_MAX, 0) == 1
            and mallopt(_M_TRIM_THRESHOLD, trim_threshold) == 1)
    if done and children:
        os.environ.update(malloc_env(trim_threshold))
    return done
