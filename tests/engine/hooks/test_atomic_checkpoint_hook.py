"""AtomicCheckpointHook: no moment of a save leaves the work dir without a
complete checkpoint that ``last_checkpoint`` (or the resume fallback)
finds; ``--resume`` resolves dangling and truncated pointers (issue 19).

The in-process runs train the tiny test config with the hook; every change
a save makes to the folder is followed by a check of the folder, which is
what a kill at that moment would leave. MMEngine's own ``CheckpointHook``
fails the same check (the test shows that it can fail).
"""
import glob
import os
import os.path as osp
import uuid

import pytest
import torch
from mmengine.config import Config
from mmengine.fileio.backends import LocalBackend
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmstcr  # noqa: F401
from mmstcr.engine.hooks import AtomicCheckpointHook, find_resume_checkpoint
from mmstcr.utils import (CheckpointLoadError, is_complete_checkpoint,
                          load_from_local)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
TINY_CONFIG = osp.join(REPO_ROOT, 'tests', 'data', 'configs',
                       'tiny_recognizer3d.py')
CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    if f'{osp.sep}_base_{osp.sep}' not in p)


def test_every_config_saves_through_the_atomic_hook():
    """Every config that builds a model, built as the Runner builds its
    checkpoint hook. The others (configs/benchmark/*: lists of configs for
    the benchmark tools) train nothing themselves."""
    from mmaction.registry import HOOKS
    init_default_scope('mmaction')
    checked = 0
    for path in CONFIGS:
        cfg = Config.fromfile(path)
        if 'model' not in cfg:
            assert 'train_cfg' not in cfg and 'default_hooks' not in cfg, path
            continue
        hook = HOOKS.build(cfg.default_hooks.checkpoint)
        assert type(hook) is AtomicCheckpointHook, path
        checked += 1
    assert checked > 100


def tiny_cfg(dataset, work_dir, hook_type='AtomicCheckpointHook', **hook):
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.merge_from_dict(dataset.cfg_options())
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'tiny_{uuid.uuid4().hex[:8]}'
    cfg.default_hooks.logger.interval = 100
    cfg.default_hooks.checkpoint = dict(type=hook_type, interval=1, **hook)
    cfg.train_cfg.max_epochs = 3
    return cfg


def pointer(work_dir):
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.exists(path):
        return None
    with open(path) as f:
        return f.read().strip()


def folder_problems(work_dir, saves_done):
    """What a kill now would cost: [] if the folder is fine."""
    problems = []
    named = pointer(work_dir)
    complete = [
        p for p in glob.glob(osp.join(work_dir, '*.pth'))
        if is_complete_checkpoint(p)
    ]
    if named is not None and not is_complete_checkpoint(named):
        problems.append(f'last_checkpoint names {osp.basename(named)}, '
                        'which is missing or incomplete')
    incomplete = [
        osp.basename(p) for p in glob.glob(osp.join(work_dir, '*.pth'))
        if not is_complete_checkpoint(p)
    ]
    if incomplete:
        problems.append(f'incomplete {incomplete}')
    if saves_done and not complete:
        problems.append('no complete checkpoint')
    return problems


@pytest.fixture
def watch_folder(monkeypatch):
    """Checks the work dir after every write, rename and removal."""
    seen = dict(events=0, problems=[], saves=0, work_dir=None)

    def check(event):
        seen['events'] += 1
        found = folder_problems(seen['work_dir'], seen['saves'])
        seen['problems'] += [f'after {event}: {p}' for p in found]

    put, remove, replace = LocalBackend.put, LocalBackend.remove, os.replace

    def watched_put(backend, obj, filepath):
        put(backend, obj, filepath)
        check(f'write {osp.basename(str(filepath))}')
        if str(filepath).endswith('.pth'):
            seen['saves'] += 1

    def watched_remove(backend, filepath):
        remove(backend, filepath)
        check(f'remove {osp.basename(str(filepath))}')

    def watched_replace(src, dst):
        replace(src, dst)
        if str(dst).endswith('.pth'):
            seen['saves'] += 1
        check(f'rename to {osp.basename(str(dst))}')

    monkeypatch.setattr(LocalBackend, 'put', watched_put)
    monkeypatch.setattr(LocalBackend, 'remove', watched_remove)
    monkeypatch.setattr(os, 'replace', watched_replace)
    return seen


@pytest.mark.parametrize('hook', [
    dict(max_keep_ckpts=1),
    dict(max_keep_ckpts=3),
    dict(max_keep_ckpts=1, save_best='auto'),
], ids=['keep1', 'keep3', 'keep1-best'])
def test_no_moment_of_a_save_leaves_the_folder_broken(
        hook, tiny_video_dataset, tmp_path, watch_folder):
    work_dir = str(tmp_path / 'work')
    watch_folder['work_dir'] = work_dir
    Runner.from_cfg(tiny_cfg(tiny_video_dataset, work_dir, **hook)).train()
    assert watch_folder['events'] >= 6
    assert watch_folder['problems'] == []
    keep = hook['max_keep_ckpts']
    expected = {f'epoch_{e}.pth' for e in range(4 - keep, 4)}
    names = {n for n in os.listdir(work_dir) if n.endswith('.pth')}
    assert {n for n in names if n.startswith('epoch_')} == expected
    assert pointer(work_dir) == osp.join(work_dir, 'epoch_3.pth')
    assert not [n for n in os.listdir(work_dir) if n.endswith('.saving')]
    if 'save_best' in hook:
        [best] = [n for n in names if n.startswith('best_')]
        assert best.startswith('best_acc_top1_epoch_')


@pytest.mark.parametrize('keep', [1, 3])
def test_mmengine_hook_fails_the_same_check(keep, tiny_video_dataset,
                                            tmp_path, watch_folder,
                                            monkeypatch):
    """The check above can fail: MMEngine 0.10.7's CheckpointHook writes in
    place (an incomplete file while it writes) and, with max_keep_ckpts=1,
    removes the only checkpoint before writing the next."""
    work_dir = str(tmp_path / 'work')
    watch_folder['work_dir'] = work_dir

    whole = LocalBackend.put

    def half_then_whole(backend, obj, filepath):
        # what a reader sees while the file is being written
        if str(filepath).endswith('.pth'):
            with open(filepath, 'wb') as f:
                f.write(obj[:len(obj) // 2])
            problems = folder_problems(work_dir, True)
            watch_folder['problems'] += [f'while writing: {p}'
                                         for p in problems]
        whole(backend, obj, filepath)

    monkeypatch.setattr(LocalBackend, 'put', half_then_whole)
    Runner.from_cfg(
        tiny_cfg(tiny_video_dataset, work_dir, 'CheckpointHook',
                 max_keep_ckpts=keep)).train()
    problems = '\n'.join(watch_folder['problems'])
    assert 'while writing: incomplete' in problems
    if keep == 1:
        assert 'no complete checkpoint' in problems
        assert 'which is missing or incomplete' in problems


def _save(path, value=0.0):
    torch.save({'meta': {'epoch': 1}, 'state_dict': {'w': torch.full(
        (64, ), value)}}, path)


def _truncate(path):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def test_resume_finds_the_newest_complete_checkpoint(tmp_path):
    work = str(tmp_path)
    for e in (1, 2, 3):
        _save(osp.join(work, f'epoch_{e}.pth'), e)
    _save(osp.join(work, 'epoch_9-1a2b3c4d.pth'))  # a published copy
    _save(osp.join(work, 'epoch_8.pth.saving'))  # a killed save's file
    _save(osp.join(work, 'iter_50.pth'))
    pointer_file = osp.join(work, 'last_checkpoint')

    # no pointer: the newest epoch checkpoint, named with the reason
    found, note = find_resume_checkpoint(work)
    assert found == osp.join(work, 'epoch_3.pth')
    assert note == (f'{pointer_file} does not exist: resuming from '
                    f'{found}, the newest complete checkpoint')

    # a pointer to a complete file wins, even an older one
    with open(pointer_file, 'w') as f:
        f.write(osp.join(work, 'epoch_2.pth'))
    assert find_resume_checkpoint(work)[0] == osp.join(work, 'epoch_2.pth')

    # dangling: names a file that is gone
    gone = osp.join(work, 'epoch_4.pth')
    with open(pointer_file, 'w') as f:
        f.write(gone)
    found, note = find_resume_checkpoint(work)
    assert found == osp.join(work, 'epoch_3.pth')
    assert note == (f'{pointer_file} names {gone}, which does not exist: '
                    f'resuming from {found}, the newest complete checkpoint')

    # truncated: the pointer's file and the newest file are cut off
    _truncate(osp.join(work, 'epoch_3.pth'))
    with open(pointer_file, 'w') as f:
        f.write(osp.join(work, 'epoch_3.pth'))
    found, note = find_resume_checkpoint(work)
    assert found == osp.join(work, 'epoch_2.pth')
    assert 'epoch_3.pth, which is incomplete: resuming from' in note

    # only iteration checkpoints: those, if epoch ones are all broken
    for e in (1, 2):
        os.remove(osp.join(work, f'epoch_{e}.pth'))
    assert find_resume_checkpoint(work)[0] == osp.join(work, 'iter_50.pth')

    # nothing complete at all
    os.remove(osp.join(work, 'iter_50.pth'))
    found, note = find_resume_checkpoint(work)
    assert found is None
    assert note.startswith(f'no complete checkpoint to resume from '
                           f'({pointer_file} names ')
    assert note.endswith('training starts from scratch')


def test_truncated_checkpoint_error_names_the_file(tmp_path):
    path = str(tmp_path / 'epoch_3.pth')
    _save(path)
    _truncate(path)
    assert not is_complete_checkpoint(path)
    with pytest.raises(CheckpointLoadError) as info:
        load_from_local(path)
    message = str(info.value)
    assert message.startswith(f'checkpoint {path} is incomplete: it is '
                              'truncated (')
    assert '`--resume` without a path' in message


def _train(dataset, work_dir, epochs, resume=False, **hook):
    cfg = tiny_cfg(dataset, work_dir, **hook)
    cfg.train_cfg.max_epochs = epochs
    cfg.resume = resume
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def _log_lines(runner, text):
    with open(runner.logger.log_file) as f:
        return [line for line in f if text in line]


def test_runner_resumes_past_a_dangling_pointer_and_cleans_up(
        tiny_video_dataset, tmp_path):
    work = str(tmp_path / 'work')
    _train(tiny_video_dataset, work, 2, max_keep_ckpts=3)
    # the work dir was moved (last_checkpoint holds an absolute path), and
    # a killed save left its temporary file
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write('/elsewhere/work/epoch_2.pth')
    open(osp.join(work, 'epoch_3.pth.saving'), 'wb').close()
    runner = _train(tiny_video_dataset, work, 3, resume=True,
                    max_keep_ckpts=3)
    [line] = _log_lines(runner, 'resuming from')
    assert line.rstrip().endswith(
        f'last_checkpoint names /elsewhere/work/epoch_2.pth, which does not '
        f'exist: resuming from {osp.join(work, "epoch_2.pth")}, the newest '
        'complete checkpoint')
    assert _log_lines(runner, 'removed epoch_3.pth.saving, left by a save')
    assert runner.epoch == 3
    assert pointer(work) == osp.join(work, 'epoch_3.pth')
    assert sorted(n for n in os.listdir(work) if n.endswith('.pth')) == [
        'epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth']
    assert not [n for n in os.listdir(work) if n.endswith('.saving')]


def test_resume_with_nothing_to_resume_says_so_once(tiny_video_dataset,
                                                    tmp_path):
    work = str(tmp_path / 'work')
    os.makedirs(work)
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(work, 'epoch_2.pth'))  # the empty folder
    runner = _train(tiny_video_dataset, work, 1, resume=True,
                    max_keep_ckpts=1)
    lines = _log_lines(runner, 'checkpoint')
    scratch = [x for x in lines if 'training starts from scratch' in x]
    assert len(scratch) == 1
    assert f'names {osp.join(work, "epoch_2.pth")}, which does not exist' \
        in scratch[0]
    assert not _log_lines(runner, 'Auto resumed')
    assert runner.epoch == 1 and osp.isfile(osp.join(work, 'epoch_1.pth'))


def test_outdated_checkpoint_a_kill_spared_is_removed_on_resume(
        tiny_video_dataset, tmp_path, monkeypatch):
    """Killed after last_checkpoint moved to epoch_2, before epoch_1 (the
    one max_keep_ckpts=1 drops) was removed: the resumed run removes it."""
    work = str(tmp_path / 'work')

    class Killed(BaseException):
        pass

    def kill_at(hook, stage, path):
        if stage == 'pointed' and path.endswith('epoch_2.pth'):
            raise Killed

    monkeypatch.setattr(AtomicCheckpointHook, '_reached', kill_at)
    with pytest.raises(Killed):
        _train(tiny_video_dataset, work, 3, max_keep_ckpts=1)
    monkeypatch.undo()
    assert sorted(n for n in os.listdir(work) if n.endswith('.pth')) == [
        'epoch_1.pth', 'epoch_2.pth']
    runner = _train(tiny_video_dataset, work, 3, resume=True,
                    max_keep_ckpts=1)
    assert _log_lines(runner, 'epoch_1.pth: a killed save had not yet '
                      'removed it')
    assert sorted(n for n in os.listdir(work) if n.endswith('.pth')) == [
        'epoch_3.pth']

