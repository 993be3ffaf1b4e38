"""``tools/train.py --tensorboard``: a real STCR pretraining run (the quick
start's tiny config, 2 iterations) writes TensorBoard event files holding
the losses and the collapse signal, next to MMEngine's ``scalars.json``.
Also runs with ``num_workers=0`` although the config sets
``persistent_workers=True``."""
import glob
import json
import os.path as osp

import pytest
from tensorboard.backend.event_processing.event_accumulator import \
    EventAccumulator

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TRAIN = osp.join(REPO_ROOT, 'tools', 'train.py')
CONFIG = osp.join(REPO_ROOT, 'configs', 'demo',
                  'stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py')


@pytest.fixture(scope='module')
def tensorboard_run(make_video_dataset, run_command, tmp_path_factory):
    videos = make_video_dataset(
        num_videos=8, num_classes=2, num_frames=32, size=64)
    work_dir = tmp_path_factory.mktemp('tensorboard_run')
    result = run_command([
        'python', TRAIN, CONFIG, '--work-dir', work_dir, '--tensorboard',
        '--seed', '0', '--cfg-options', 'train_cfg.max_epochs=1',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=1',
        *videos.cli_cfg_options(['train'])
    ])
    assert result.returncode == 0, result.stdout[-4000:]
    return work_dir, result.stdout


def test_event_file_holds_losses_and_collapse_signal(tensorboard_run):
    work_dir, _ = tensorboard_run
    events = glob.glob(
        osp.join(work_dir, '*', 'vis_data', 'events.out.tfevents.*'))
    assert len(events) == 1, events
    accumulator = EventAccumulator(events[0])
    accumulator.Reload()
    tags = set(accumulator.Tags()['scalars'])
    for tag in ('loss', 'loss_tw', 'loss_cw', 'feat_std_ratio', 'lr'):
        assert tag in tags, (tag, sorted(tags))
    loss_tw = accumulator.Scalars('loss_tw')
    assert [e.step for e in loss_tw] == [1, 2]
    assert all(e.value >= 0 for e in loss_tw)
    ratio = accumulator.Scalars('feat_std_ratio')
    assert all(0 <= e.value <= 1.5 for e in ratio), ratio


def test_local_backend_is_kept(tensorboard_run):
    """MMEngine's scalars.json is still written, and holds the same
    per-step losses as the TensorBoard event file."""
    work_dir, _ = tensorboard_run
    (scalars, ) = glob.glob(
        osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    local = {row['step']: row['loss_tw'] for row in rows if 'loss_tw' in row}
    assert sorted(local) == [1, 2]
    (events, ) = glob.glob(
        osp.join(work_dir, '*', 'vis_data', 'events.out.tfevents.*'))
    accumulator = EventAccumulator(events)
    accumulator.Reload()
    board = {e.step: e.value for e in accumulator.Scalars('loss_tw')}
    assert board == {step: pytest.approx(value, rel=1e-5)
                     for step, value in local.items()}


def test_num_workers_zero_turns_persistent_workers_off(tensorboard_run):
    _, output = tensorboard_run
    assert ('num_workers=0: persistent_workers turned off in '
            'train_dataloader') in output
    assert 'persistent_workers option needs' not in output


def test_cfg_options_switch_writes_event_files(make_video_dataset,
                                               run_command, tmp_path):
    """The form documented for MMAction2's own train.py: replace the local
    backend through --cfg-options."""
    videos = make_video_dataset(
        num_videos=8, num_classes=2, num_frames=32, size=64)
    result = run_command([
        'python', TRAIN, CONFIG, '--work-dir', tmp_path, '--seed', '0',
        '--cfg-options', 'train_cfg.max_epochs=1',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=1',
        'visualizer.vis_backends.0.type=TensorboardVisBackend',
        *videos.cli_cfg_options(['train'])
    ])
    assert result.returncode == 0, result.stdout[-4000:]
    events = glob.glob(
        osp.join(str(tmp_path), '*', 'vis_data', 'events.out.tfevents.*'))
    assert len(events) == 1, events
    accumulator = EventAccumulator(events[0])
    accumulator.Reload()
    assert {'loss_tw', 'feat_std_ratio/layer4'} <= set(
        accumulator.Tags()['scalars'])
