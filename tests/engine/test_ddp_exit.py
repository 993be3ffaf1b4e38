"""The abort of a CPU DDP rank after a successful run (issue 19, item 4)
and its remedy, ``finish_launch(end_process=True)`` (tools/train.py,
tools/test.py).

Cause (docs/faults.md, "DDP exit", with the backtrace of a core dump):
MMEngine's DDP wrapper holds the gloo process group, so
``destroy_process_group`` leaves gloo's worker threads running. A worker
that lets go of a finished collective's tensor after the interpreter has
begun its shutdown needs the GIL; the finalizing interpreter ends the
thread (``pthread_exit``), the unwind meets a ``noexcept`` destructor, and
C++ aborts: "terminate called without an active exception". The remedy
ends the process before that shutdown. What the test checks does not
depend on timing: that the gloo threads are still alive after the destroy
(the cause's precondition), that the shutdown never runs (a ``__del__`` it
would call leaves no mark), that ``atexit`` handlers still run, and that
both ranks exit 0.

Each test starts two processes (``subprocess``, a hard kill at the
timeout) that join a TCPStore this test holds on a port the kernel chose:
nothing to collide with.
"""
import os
import os.path as osp
import subprocess
import sys
from datetime import timedelta

import pytest
import torch
import torch.distributed as dist

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TIMEOUT = 240

RANK_SCRIPT = r'''
import atexit, os, sys
from datetime import timedelta
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from mmstcr.engine import finish_launch

rank, mode, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
store = dist.PrefixStore(mode, dist.TCPStore(
    '127.0.0.1', int(os.environ['STORE_PORT']), is_master=False,
    timeout=timedelta(seconds=120)))
dist.init_process_group('gloo', store=store, rank=rank, world_size=2,
                        timeout=timedelta(seconds=120))
# holds the process group, as MMEngine's MMDistributedDataParallel does
model = DistributedDataParallel(torch.nn.Linear(2, 2))


def threads():
    return sorted(open(f'/proc/self/task/{t}/comm').read().strip()
                  for t in os.listdir('/proc/self/task'))


class AtShutdown:
    """Its __del__ runs in the interpreter's shutdown (module teardown)."""

    def __init__(self):
        # builtins may be gone when __del__ runs: keep what it uses
        self.open, self.out = open, out

    def __del__(self):
        self.open(self.out + '.finalized', 'w').close()


def at_exit():
    print('gloo threads in atexit:', [t for t in threads() if 'gloo' in t],
          flush=True)
    open(out + '.atexit', 'w').close()


atexit.register(at_exit)
if rank == 1:
    # a collective still in gloo's hands when the rank is done
    dist.all_reduce(torch.ones(4), async_op=True)
    keep = AtShutdown()
    print('rank 1 done', flush=True)
else:
    dist.all_reduce(torch.ones(4))
    print('rank 0 done', flush=True)
finish_launch(end_process=True)
print('finish_launch returned', flush=True)
'''


def run_two_ranks(tmp_path, mode):
    """Both ranks' (exit status, output); each killed at the timeout."""
    script = tmp_path / 'rank.py'
    script.write_text(RANK_SCRIPT)
    store = dist.TCPStore('127.0.0.1', 0, is_master=True,
                          wait_for_workers=False,
                          timeout=timedelta(seconds=TIMEOUT))
    env = dict(os.environ, STORE_PORT=str(store.port), PYTHONPATH=REPO_ROOT,
               OMP_NUM_THREADS='1')
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(rank), mode,
             str(tmp_path / f'rank{rank}')],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env) for rank in (0, 1)
    ]
    results = []
    try:
        for proc in procs:
            try:
                output, _ = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                for p in procs:
                    p.kill()
                output, _ = proc.communicate()
                pytest.fail(f'{mode}: a rank did not end within {TIMEOUT} s '
                            f'(killed); its output:\n{output[-3000:]}')
            results.append((proc.returncode, output))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return results


@pytest.mark.timeout(2 * TIMEOUT)
@pytest.mark.skipif(not dist.is_gloo_available(), reason='needs gloo')
@pytest.mark.skipif(not osp.isdir('/proc/self/task'), reason='Linux /proc')
def test_finish_launch_ends_the_process_before_the_shutdown(tmp_path):
    """The remedy: after the barrier and the destroy, atexit handlers run
    and output is flushed, then the process ends with status 0; the
    interpreter's shutdown, where the abort happens, never runs."""
    results = run_two_ranks(tmp_path, 'remedy')
    for rank, (status, output) in enumerate(results):
        assert status == 0, output[-3000:]
        assert f'rank {rank} done' in output
        assert 'terminate called' not in output
        assert 'finish_launch returned' not in output
        assert (tmp_path / f'rank{rank}.atexit').exists()
        # destroy_process_group did not end gloo's threads (DDP holds the
        # group): only the os._exit that follows makes them harmless
        assert "gloo threads in atexit: ['gloo_tcp_loop', " \
               "'pt_gloo_runloop', 'pt_gloo_runloop']" in output, output
    # the object whose __del__ the shutdown would run: never deleted
    assert not (tmp_path / 'rank1.finalized').exists()


def test_finish_launch_without_process_group_returns():
    assert not dist.is_initialized()
    assert torch.distributed.is_available()
    from mmstcr.engine import finish_launch
    assert finish_launch(end_process=True) is None  # nothing to end
