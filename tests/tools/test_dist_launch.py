"""The launch scripts, run for real with CPU processes: torchrun through
tools/dist_*.sh, and tools/slurm_*.sh through a stand-in ``srun`` that starts
the tasks on this machine with Slurm's environment variables.

No port is picked and released for a launcher to bind later (another
process could take it meanwhile): torchrun binds a free port itself
(``PORT=0``: ``--standalone``), and the Slurm tasks join a TCPStore this
test holds (``TORCHELASTIC_USE_AGENT_STORE``: every rank is its client).
Each test trains or evaluates on its own, so one failure stays one
failure; the checkpoint the evaluations load is a one-process training.
"""
import json
import os.path as osp
import re
import sys
from datetime import timedelta

import pytest
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(REPO_ROOT, 'tools')
TINY_CONFIG = osp.join(REPO_ROOT, 'tests', 'data', 'configs',
                       'tiny_recognizer3d.py')

pytestmark = pytest.mark.skipif(
    torch.cuda.is_available(), reason='tests the launch without a GPU')

# 6 videos, batch 2: 3 iterations an epoch on 1 process, 2 on 2 processes.
ITERS = {1: 3, 2: 2}

FAKE_SRUN = '''#!{python}
"""srun stand-in: records its arguments, runs the command once per task.
As srun --kill-on-bad-exit=1 does, a task that fails ends the others
(they would wait for it in a collective); srun's status is the first
failure's."""
import json, os, subprocess, sys, time
args = sys.argv[1:]
with open(os.environ['FAKE_SRUN_LOG'], 'w') as f:
    json.dump(dict(args=args, pythonpath=os.environ.get('PYTHONPATH')), f)
ntasks = int([a for a in args if a.startswith('--ntasks=')][0][9:])
command = args[args.index('python'):]
procs = [
    subprocess.Popen(command, env=dict(
        os.environ, SLURM_PROCID=str(i), SLURM_NTASKS=str(ntasks),
        SLURM_LOCALID=str(i), SLURM_NODELIST='localhost'))
    for i in range(ntasks)
]
status = 0
while any(p.poll() is None for p in procs):
    failed = [p.returncode for p in procs if p.returncode not in (None, 0)]
    if failed:
        status = failed[0]
        for p in procs:
            if p.poll() is None:
                p.kill()
    time.sleep(0.05)
codes = [p.wait() for p in procs]
sys.exit(status or next((c for c in codes if c), 0))
'''


def check(result, world_size, stage='train'):
    """The run succeeded with ``world_size`` processes on gloo."""
    output = result.stdout
    assert result.returncode == 0, output[-4000:]
    assert ('WARNING - No GPU found, running on CPU: dist backend nccl -> '
            "gloo; sync_bn='torch' dropped") in output
    assert 'Distributed training: True' in output
    iters = ITERS[world_size]
    pattern = (rf'Epoch\(train\) \[1\]\[{iters}/{iters}\]'
               if stage == 'train' else rf'Epoch\(test\) \[{iters}/{iters}\]')
    assert re.search(pattern, output), output[-4000:]
    return output


@pytest.fixture(scope='module')
def trained_ckpt(tiny_video_dataset, run_command, tmp_path_factory):
    """A checkpoint of the tiny config: tools/train.py, one process."""
    work_dir = tmp_path_factory.mktemp('trained')
    result = run_command([
        'python', osp.join(TOOLS, 'train.py'), TINY_CONFIG, '--work-dir',
        work_dir, '--cfg-options', 'train_cfg.max_epochs=1',
        *tiny_video_dataset.cli_cfg_options()
    ])
    assert result.returncode == 0, result.stdout[-4000:]
    return work_dir / 'epoch_1.pth'


def test_dist_train_trains_on_two_cpu_processes(tiny_video_dataset,
                                                run_command, tmp_path):
    """tools/dist_train.sh CONFIG 2, 1 epoch; tools/test.py then evaluates
    its checkpoint on one process."""
    work_dir = tmp_path / 'work'
    result = run_command([
        osp.join(TOOLS, 'dist_train.sh'), TINY_CONFIG, 2, '--work-dir',
        work_dir, '--cfg-options', 'train_cfg.max_epochs=1',
        *tiny_video_dataset.cli_cfg_options()
    ],
                         cwd=tmp_path,
                         env=dict(PORT='0'),
                         pythonpath=False)
    check(result, world_size=2)
    assert (work_dir / 'epoch_1.pth').is_file()

    result = run_command([
        'python', osp.join(TOOLS, 'test.py'), TINY_CONFIG,
        work_dir / 'epoch_1.pth', '--work-dir', tmp_path / 'test',
        '--cfg-options', *tiny_video_dataset.cli_cfg_options(['test'])
    ])
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r'Epoch\(test\) \[3/3\] +acc/top1: ', result.stdout)


def test_dist_test_evaluates_on_two_cpu_processes(trained_ckpt,
                                                  tiny_video_dataset,
                                                  run_command, tmp_path):
    result = run_command([
        osp.join(TOOLS, 'dist_test.sh'), TINY_CONFIG, trained_ckpt, 2,
        '--work-dir', tmp_path, '--cfg-options',
        *tiny_video_dataset.cli_cfg_options(['test'])
    ],
                         cwd=tmp_path,
                         env=dict(PORT='0'),
                         pythonpath=False)
    output = check(result, world_size=2, stage='test')
    assert re.search(r'Epoch\(test\) \[2/2\] +acc/top1: ', output)


@pytest.fixture
def held_store():
    """A TCPStore this test holds on a port the kernel chose; the ranks
    join it as clients. Yields its port."""
    store = torch.distributed.TCPStore(
        '127.0.0.1', 0, is_master=True, wait_for_workers=False,
        timeout=timedelta(seconds=300))
    yield store.port
    del store


@pytest.fixture
def fake_srun(tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text(FAKE_SRUN.format(python=sys.executable))
    srun.chmod(0o755)
    return bin_dir, tmp_path / 'srun.json'


def _env(fake_srun, store_port, **extra):
    bin_dir, log = fake_srun
    return dict(
        PATH=f'{bin_dir}:{osp.dirname(sys.executable)}:/usr/bin:/bin',
        FAKE_SRUN_LOG=str(log),
        MASTER_ADDR='127.0.0.1',
        MASTER_PORT=str(store_port),
        TORCHELASTIC_USE_AGENT_STORE='True',
        **extra)


def test_slurm_train_runs_two_tasks(fake_srun, tiny_video_dataset,
                                    run_command, held_store, tmp_path):
    work_dir = tmp_path / 'work'
    result = run_command([
        osp.join(TOOLS, 'slurm_train.sh'), 'gpu-part', 'stcr', TINY_CONFIG,
        work_dir, '--cfg-options', 'train_cfg.max_epochs=1',
        *tiny_video_dataset.cli_cfg_options()
    ],
                         cwd=tmp_path,
                         env=_env(
                             fake_srun,
                             held_store,
                             GPUS='2',
                             GPUS_PER_NODE='2',
                             CPUS_PER_TASK='1'),
                         pythonpath=False)
    check(result, world_size=2)
    assert (work_dir / 'epoch_1.pth').is_file()
    srun = json.loads(fake_srun[1].read_text())
    assert srun['args'][:8] == [
        '-p', 'gpu-part', '--job-name=stcr', '--gres=gpu:2', '--ntasks=2',
        '--ntasks-per-node=2', '--cpus-per-task=1', '--kill-on-bad-exit=1'
    ]
    assert srun['args'][8:13] == [
        'python', '-u',
        osp.join(TOOLS, 'train.py'), TINY_CONFIG, f'--work-dir={work_dir}'
    ]
    assert '--launcher=slurm' in srun['args']
    assert srun['pythonpath'].split(':')[0] == REPO_ROOT


def test_slurm_test_on_cpu_nodes_without_gres(fake_srun, trained_ckpt,
                                              tiny_video_dataset, run_command,
                                              held_store, tmp_path):
    result = run_command([
        osp.join(TOOLS, 'slurm_test.sh'), 'cpu-part', 'stcr-test',
        TINY_CONFIG, trained_ckpt, '--work-dir', tmp_path, '--cfg-options',
        *tiny_video_dataset.cli_cfg_options(['test'])
    ],
                         cwd=tmp_path,
                         env=_env(
                             fake_srun,
                             held_store,
                             GPUS='2',
                             GPUS_PER_NODE='2',
                             GRES=''),
                         pythonpath=False)
    check(result, world_size=2, stage='test')
    srun = json.loads(fake_srun[1].read_text())
    assert not any(a.startswith('--gres') for a in srun['args'])
    assert srun['args'][srun['args'].index('python'):][:5] == [
        'python', '-u',
        osp.join(TOOLS, 'test.py'), TINY_CONFIG,
        str(trained_ckpt)
    ]



@pytest.mark.timeout(120)
def test_fake_srun_ends_the_other_tasks_when_one_fails(fake_srun, tmp_path):
    """Task 0 fails at once; task 1 would sleep 300 s: srun ends it and
    returns task 0's status, as --kill-on-bad-exit=1 does."""
    import subprocess
    import time
    bin_dir, log = fake_srun
    start = time.monotonic()
    result = subprocess.run(
        [str(bin_dir / 'srun'), '--ntasks=2', 'python', '-c',
         'import os, sys, time\n'
         'if os.environ["SLURM_PROCID"] == "0": sys.exit(3)\n'
         'time.sleep(300)'],
        env=dict(PATH=f'{osp.dirname(sys.executable)}:/usr/bin:/bin',
                 FAKE_SRUN_LOG=str(log)),
        timeout=100)
    assert result.returncode == 3
    assert time.monotonic() - start < 60
