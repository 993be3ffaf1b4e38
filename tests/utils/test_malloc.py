"""tune_malloc: large tensors come from the heap and stay there, checked
with glibc's own counters (mallinfo2) in a fresh process."""
import ctypes
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from mmstcr.utils import MALLOC_MODES, malloc_env, tune_malloc
from mmstcr.utils.malloc import TRIM_THRESHOLD, is_glibc

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# In a fresh process: allocate and free a 64 MiB torch tensor before and
# after tune_malloc, reading mmapped bytes (hblkhd) and heap bytes (arena).
PROBE = r'''
import ctypes, importlib.util, json, os, sys
import torch
# the module alone, without mmstcr's imports (MMAction2 and the rest)
spec = importlib.util.spec_from_file_location('malloc', sys.argv[1])
malloc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(malloc)
tune_malloc = malloc.tune_malloc

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        'arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks',
        'fsmblks', 'uordblks', 'fordblks', 'keepcost')]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
info = libc.mallinfo2
big = 64 << 20
out = {}
m0 = info().hblkhd
x = torch.empty(big, dtype=torch.uint8)
out['default_mapped'] = info().hblkhd - m0
del x
out['tuned'] = tune_malloc()
out['env'] = {k: os.environ.get(k) for k in
              ('MALLOC_MMAP_MAX_', 'MALLOC_TRIM_THRESHOLD_')}
m0, a0 = info().hblkhd, info().arena
x = torch.empty(big, dtype=torch.uint8)
x.fill_(1)
out['tuned_mapped'] = info().hblkhd - m0
out['tuned_heap_growth'] = info().arena - a0
del x
out['kept_after_free'] = info().arena - a0
a1 = info().arena
# a little smaller: small blocks allocated since may sit above the
# freed one, which must then hold the request and its alignment
y = torch.empty(big - (1 << 16), dtype=torch.uint8)
out['growth_on_reuse'] = info().arena - a1
print(json.dumps(out))
'''


def _has_mallinfo2():
    try:
        ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return False
    return True


@pytest.mark.skipif(not (is_glibc() and _has_mallinfo2()),
                    reason='needs glibc >= 2.33 (mallinfo2)')
def test_large_tensors_come_from_the_heap_and_stay_there():
    done = subprocess.run(
        [sys.executable, '-c', PROBE,
         osp.join(REPO_ROOT, 'mmstcr', 'utils', 'malloc.py')],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items()
             if not k.startswith('MALLOC_')}, timeout=120, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    big = 64 << 20
    assert out['default_mapped'] >= big  # glibc's default: its own mmap
    assert out['tuned'] is True
    assert out['env'] == {'MALLOC_MMAP_MAX_': '0',
                          'MALLOC_TRIM_THRESHOLD_': str(TRIM_THRESHOLD)}
    assert out['tuned_mapped'] == 0  # tuned: no mmap ...
    # ... the heap grew instead (less what was free at its top already)
    slack = 1 << 20
    assert out['tuned_heap_growth'] >= big - slack
    assert out['kept_after_free'] >= big - slack  # not trimmed on free
    assert out['growth_on_reuse'] == 0  # the next tensor reuses it


def test_malloc_env_and_modes():
    assert malloc_env(1 << 20) == {'MALLOC_MMAP_MAX_': '0',
                                   'MALLOC_TRIM_THRESHOLD_': '1048576'}
    assert MALLOC_MODES == ('tuned', 'default')


@pytest.mark.parametrize('bad', [-1, TRIM_THRESHOLD + 1, 1.5, '1'])
def test_bad_trim_threshold_is_named(bad):
    with pytest.raises(ValueError, match='trim_threshold'):
        tune_malloc(bad)


def test_other_c_libraries_are_left_alone(monkeypatch):
    from mmstcr.utils import malloc
    monkeypatch.setattr(malloc, 'is_glibc', lambda: False)
    monkeypatch.delenv('MALLOC_MMAP_MAX_', raising=False)
    assert tune_malloc() is False
    assert 'MALLOC_MMAP_MAX_' not in os.environ
