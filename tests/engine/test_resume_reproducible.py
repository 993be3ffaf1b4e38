"""A run killed by SIGKILL in the middle of epoch 2 and resumed with
``--resume`` trains on exactly like the unbroken run (issue 9, item 6).

Real processes through ``tools/train.py``, on CPU with ``--seed 0
--deterministic``; two DataLoader workers with ``persistent_workers=True``
(whose random state cannot be saved: the per-sample seeds make it
irrelevant), random crops and flips, dropout in the head, a validation after
each epoch, and a checkpoint every 2 iterations.
"""
import glob
import json
import os
import os.path as osp

import pytest
import torch

from mmstcr.utils import load_from_local

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CONFIG = osp.join(REPO_ROOT, 'tests', 'data', 'configs', 'tiny_guarded.py')
PLUGINS = osp.join(REPO_ROOT, 'tests', 'data', 'plugins')
ITERS_PER_EPOCH = 4  # 8 videos, batch size 2
EPOCHS = 2
KILL_AT = 7  # epoch 2, batch 3; the last checkpoint is at iteration 6


def losses(work_dir):
    """{iteration: loss} from every run logged in ``work_dir``."""
    found = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'loss' in record:
                    found.setdefault(path, {})[record['iter']] = record['loss']
    return [found[p] for p in sorted(found)]


def train(run_command, dataset, work_dir, *extra, kill_at=None):
    config = CONFIG
    if kill_at is not None:  # a leaf config adding the killer hook
        config = osp.join(osp.dirname(work_dir), f'kill_at_{kill_at}.py')
        with open(config, 'w') as f:
            f.write(f"_base_ = [{CONFIG!r}]\n"
                    "custom_imports = dict(imports=['mmstcr', 'fault_hooks'])"
                    f"\ncustom_hooks = [dict(type='SelfKillHook', "
                    f"at_iter={kill_at})]\n")
    options = [
        *dataset.cli_cfg_options(),
        f'train_cfg.max_epochs={EPOCHS}',
        'train_dataloader.num_workers=2',
        'train_dataloader.persistent_workers=True',
        'default_hooks.checkpoint.by_epoch=False',
        'default_hooks.checkpoint.interval=2',
    ]
    return run_command(
        [
            'python', 'tools/train.py', config, '--work-dir', work_dir,
            '--seed', '0', '--deterministic', *extra, '--cfg-options',
            *options
        ],
        cwd=REPO_ROOT,
        env=dict(PYTHONPATH=os.pathsep.join([REPO_ROOT, PLUGINS])),
        timeout=400)


@pytest.mark.timeout(900)
def test_sigkill_mid_epoch_then_resume_repeats_unbroken_run(
        run_command, make_video_dataset, tmp_path):
    dataset = make_video_dataset(num_videos=8, num_classes=3, num_frames=8)
    unbroken_dir, broken_dir = str(tmp_path / 'unbroken'), str(
        tmp_path / 'broken')

    done = train(run_command, dataset, unbroken_dir)
    assert done.returncode == 0, done.stdout[-3000:]
    [unbroken] = losses(unbroken_dir)
    assert sorted(unbroken) == list(range(1, EPOCHS * ITERS_PER_EPOCH + 1))

    killed = train(run_command, dataset, broken_dir, kill_at=KILL_AT)
    assert killed.returncode == -9, killed.stdout[-3000:]  # SIGKILL
    with open(osp.join(broken_dir, 'last_checkpoint')) as f:
        last = f.read().strip()
    assert osp.basename(last) == 'iter_6.pth'
    meta = load_from_local(last)['meta']
    state = meta['mmstcr_resume']
    assert state['epoch'] == 1 and state['samples_done'] == 2 * 2
    assert set(state['rng']) >= {'python', 'numpy', 'torch'}

    resumed = train(run_command, dataset, broken_dir, '--resume')
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    assert 'skipping its first 4 samples' in resumed.stdout
    before_kill, after_resume = losses(broken_dir)
    assert sorted(before_kill) == list(range(1, KILL_AT + 1))
    assert sorted(after_resume) == list(range(7, EPOCHS * ITERS_PER_EPOCH + 1))
    for it, loss in {**before_kill, **after_resume}.items():
        assert loss == pytest.approx(unbroken[it], abs=1e-6), (it, loss,
                                                              unbroken[it])
    # the resumed epoch ends where the unbroken one did: a full last
    # checkpoint with the same weights
    a = load_from_local(osp.join(unbroken_dir, 'iter_8.pth'))
    b = load_from_local(osp.join(broken_dir, 'iter_8.pth'))
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=1e-6)
