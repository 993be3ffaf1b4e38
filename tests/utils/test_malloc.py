"""tune_malloc: the allocator settings it controls (mallopt's parameters
and values, the environment for children), with a recording stand-in for
glibc and, in a fresh process, glibc's own mallopt. What glibc then does
with large blocks is measured by the speed benchmark, not tested here
(docs/performance.md)."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from mmstcr.utils import MALLOC_MODES, malloc_env, tune_malloc
from mmstcr.utils.malloc import TRIM_THRESHOLD, is_glibc

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

class _Mallopt:
    """Records ``mallopt(param, value)`` calls; answers ``result``."""

    def __init__(self, result=1):
        self.calls, self.result = [], result

    def __call__(self, param, value):
        self.calls.append((param, value))
        return self.result


@pytest.fixture
def fake_glibc(monkeypatch):
    from mmstcr.utils import malloc
    for key in ('MALLOC_MMAP_MAX_', 'MALLOC_TRIM_THRESHOLD_'):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(malloc, 'is_glibc', lambda: True)

    def install(result=1):
        fake = _Mallopt(result)
        monkeypatch.setattr(malloc, '_mallopt', lambda: fake)
        return fake
    return install


def test_tune_sets_mmap_max_zero_and_the_trim_threshold(fake_glibc):
    """The two settings the module controls, with glibc's parameter
    numbers from malloc.h (M_MMAP_MAX = -4, M_TRIM_THRESHOLD = -1), and the
    same settings for spawned children."""
    mallopt = fake_glibc()
    assert tune_malloc(1 << 20) is True
    assert mallopt.calls == [(-4, 0), (-1, 1 << 20)]
    assert os.environ['MALLOC_MMAP_MAX_'] == '0'
    assert os.environ['MALLOC_TRIM_THRESHOLD_'] == '1048576'


def test_children_false_leaves_the_environment_alone(fake_glibc):
    mallopt = fake_glibc()
    assert tune_malloc(children=False) is True
    assert mallopt.calls == [(-4, 0), (-1, TRIM_THRESHOLD)]
    assert 'MALLOC_MMAP_MAX_' not in os.environ


def test_a_refused_setting_is_reported(fake_glibc):
    """mallopt returns 0 when glibc refuses: tune_malloc says False and
    does not pass settings on to children."""
    mallopt = fake_glibc(result=0)
    assert tune_malloc() is False
    assert mallopt.calls == [(-4, 0)]  # stops at the first refusal
    assert 'MALLOC_MMAP_MAX_' not in os.environ


@pytest.mark.skipif(not is_glibc(), reason='glibc only')
def test_real_glibc_takes_both_settings():
    """In a fresh process, glibc's real mallopt accepts both settings."""
    done = subprocess.run(
        [sys.executable, '-c', PROBE,
         osp.join(REPO_ROOT, 'mmstcr', 'utils', 'malloc.py')],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items()
             if not k.startswith('MALLOC_')}, timeout=120, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {'tuned': True, 'env': {
        'MALLOC_MMAP_MAX_': '0',
        'MALLOC_TRIM_THRESHOLD_': str(TRIM_THRESHOLD)}}


# the module alone, without mmstcr's imports (MMAction2 and the rest)
PROBE = r'''
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location('malloc', sys.argv[1])
malloc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(malloc)
out = dict(tuned=malloc.tune_malloc())
out['env'] = {k: os.environ.get(k) for k in
              ('MALLOC_MMAP_MAX_', 'MALLOC_TRIM_THRESHOLD_')}
print(json.dumps(out))
'''


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
