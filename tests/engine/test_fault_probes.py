"""The training probes of issue 9, rerun through ``tools/train.py`` (and
``tools/dist_train.sh``) on the tiny guarded config: each ends in a named
error, or in a reported skip where the policy allows it."""
import os
import os.path as osp
import shutil

import numpy as np
import pytest
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO_ROOT, 'tests', 'data', 'configs', 'tiny_guarded.py')


def train(run_command, work_dir, options, extra=()):
    return run_command(
        [
            'python', 'tools/train.py', CONFIG, '--work-dir', work_dir,
            '--seed', '0', *extra, '--cfg-options',
            'train_cfg.max_epochs=1', *options
        ],
        cwd=REPO_ROOT,
        timeout=300)


@pytest.fixture
def with_bad_video(make_video_dataset, tmp_path):
    """8 tiny videos; the one on line 4 replaced by random bytes. Returns
    the ``--cfg-options`` pointing there, the list and the bad video."""
    data = make_video_dataset(num_videos=8, num_classes=3, num_frames=8)
    video_dir = str(tmp_path / 'videos')
    shutil.copytree(data.video_dir, video_dir)
    with open(data.ann_file) as f:
        lines = f.read().splitlines()
    bad = osp.join(video_dir, lines[3].split()[0])
    with open(bad, 'wb') as f:
        f.write(np.random.default_rng(0).bytes(4000))
    ann = str(tmp_path / 'ann.txt')
    shutil.copy(data.ann_file, ann)
    options = []
    for split in ('train', 'val', 'test'):
        options += [f'{split}_dataloader.dataset.ann_file={ann}',
                    f'{split}_dataloader.dataset.data_prefix.video='
                    f'{video_dir}']
    return options, ann, bad


@pytest.mark.timeout(300)
def test_nan_loss_stops_training_and_saves_nothing(run_command,
                                                   tiny_video_dataset,
                                                   tmp_path):
    work_dir = str(tmp_path / 'work')
    done = train(run_command, work_dir,
                 [*tiny_video_dataset.cli_cfg_options(),
                  'optim_wrapper.optimizer.lr=1e6'])
    assert done.returncode == 1, done.stdout[-3000:]
    assert 'NonFiniteLossError: non-finite training value at iteration ' \
        in done.stdout
    assert 'loss_cls=nan' in done.stdout and 'lr=1e+06' in done.stdout
    assert not [f for f in os.listdir(work_dir) if f.endswith('.pth')]


@pytest.mark.timeout(300)
def test_label_outside_the_head_classes_names_the_line(
        run_command, tiny_video_dataset, tmp_path):
    ann = str(tmp_path / 'ann.txt')
    with open(tiny_video_dataset.ann_file) as f:
        lines = f.read().splitlines()
    lines[2] = lines[2].split()[0] + ' 9'  # 3 classes
    with open(ann, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    options = [
        o.replace(tiny_video_dataset.ann_file, ann)
        for o in tiny_video_dataset.cli_cfg_options()
    ]
    done = train(run_command, str(tmp_path / 'work'), options)
    assert done.returncode == 1, done.stdout[-3000:]
    assert (f'AnnotationListError: {ann} line 3 (') in done.stdout
    assert 'label 9 is outside [0, 3) (the classification head has ' \
           'num_classes=3)' in done.stdout
    assert 'Epoch(train)' not in done.stdout  # before the first iteration


@pytest.mark.timeout(300)
def test_bad_video_fails_fast_by_default(run_command, with_bad_video,
                                         tmp_path):
    options, ann, bad = with_bad_video
    done = train(run_command, str(tmp_path / 'work'), options)
    assert done.returncode == 1, done.stdout[-3000:]
    assert f"BadVideoError: {ann} line 4: video '{bad}' cannot be loaded" \
        in done.stdout


@pytest.mark.timeout(300)
def test_skip_policy_trains_on_and_reports_the_video(run_command,
                                                     with_bad_video,
                                                     tmp_path):
    options, ann, bad = with_bad_video
    options = options[:2]  # train only: an evaluation never skips
    work_dir = str(tmp_path / 'work')
    done = train(run_command, work_dir, [
        *options, 'train_dataloader.dataset.bad_video=skip',
        'train_dataloader.dataset.max_bad_fraction=0.2',
        'train_dataloader.num_workers=2'
    ], extra=['--no-validate'])
    assert done.returncode == 0, done.stdout[-3000:]
    assert (f"epoch 1: skipped 1 bad video(s) (1 in all, listed in "
            f"{osp.join(work_dir, 'bad_videos.txt')}): {ann} line 4: "
            f"'{bad}'") in done.stdout
    with open(osp.join(work_dir, 'bad_videos.txt')) as f:
        rows = [line.split('\t') for line in f.read().splitlines()]
    assert [row[:3] for row in rows] == [[ann, '4', bad]]
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))

    # past the fraction: 1 of 8 is more than 5 %
    done = train(run_command, str(tmp_path / 'work2'), [
        *options, 'train_dataloader.dataset.bad_video=skip',
        'train_dataloader.dataset.max_bad_fraction=0.05'
    ], extra=['--no-validate'])
    assert done.returncode == 1, done.stdout[-3000:]
    assert f'1 of the 8 videos of {ann} are bad (lines 4), more than ' \
           'max_bad_fraction=0.05 allows' in done.stdout


@pytest.mark.timeout(400)
@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU launch')
def test_skip_policy_under_two_process_ddp(run_command, with_bad_video,
                                           tmp_path):
    options, ann, bad = with_bad_video
    options = options[:2]  # train only: an evaluation never skips
    work_dir = str(tmp_path / 'work')
    done = run_command([
        osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), CONFIG, 2,
        '--work-dir', work_dir, '--no-validate', '--cfg-options',
        'train_cfg.max_epochs=2', *options,
        'train_dataloader.dataset.bad_video=skip',
        'train_dataloader.dataset.max_bad_fraction=0.2'
    ],
                       cwd=REPO_ROOT,
                       # torchrun binds a free port itself (--standalone)
                       env=dict(PORT='0'),
                       timeout=400)
    assert done.returncode == 0, done.stdout[-4000:]
    assert 'Distributed training: True' in done.stdout
    # one rank saw it (each rank loads half the list): reported once
    assert 'skipped 1 bad video(s) (1 in all' in done.stdout
    with open(osp.join(work_dir, 'bad_videos.txt')) as f:
        assert [row.split('\t')[:3] for row in f.read().splitlines()
                ] == [[ann, '4', bad]]
