"""Safe, resumable checkpoints under torch >= 2.6 (mmstcr.utils.checkpoint).

Checkpoints here are written by MMEngine's Runner training the tiny test
config in this process.
"""
import os
import os.path as osp
import uuid

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import CheckpointLoader, Runner, load_checkpoint

import mmstcr  # noqa: F401  (registers the allow-list on import)
from mmstcr.utils import CheckpointLoadError, checkpoint_safe_globals
from mmstcr.utils.checkpoint import SAFE_LOADING_TORCH

pytestmark = pytest.mark.skipif(
    not SAFE_LOADING_TORCH, reason='safe loading is set up on torch >= 2.6')

TINY_CONFIG = osp.join(
    osp.dirname(osp.dirname(__file__)), 'data', 'configs',
    'tiny_recognizer3d.py')


def tiny_cfg(dataset, work_dir, **overrides):
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.merge_from_dict(dataset.cfg_options())
    cfg.work_dir = str(work_dir)
    # Runners built in one process need distinct names (logger, visualizer).
    cfg.experiment_name = f'tiny_{uuid.uuid4().hex[:8]}'
    cfg.default_hooks.logger.interval = 100
    cfg.merge_from_dict(overrides)
    return cfg


class _Interrupted(Exception):
    pass


class StopAfterEpoch(Hook):
    """Interrupts training once epoch ``epoch`` is done and checkpointed."""

    def __init__(self, epoch):
        self.epoch = epoch

    def after_train_epoch(self, runner):
        if runner.epoch + 1 == self.epoch:  # runner.epoch counts from 0
            raise _Interrupted


class LrRecorder(Hook):
    """Records where training starts and the lr of every iteration."""

    def __init__(self):
        self.start = None
        self.lrs = []

    def before_train(self, runner):
        self.start = (runner.epoch, runner.iter)

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.lrs.append(runner.optim_wrapper.get_lr()['lr'][0])


@pytest.fixture(scope='module')
def trained(tiny_video_dataset, tmp_path_factory):
    """A 2-epoch run of the tiny config; returns its work dir."""
    work_dir = tmp_path_factory.mktemp('trained')
    Runner.from_cfg(tiny_cfg(tiny_video_dataset, work_dir)).train()
    return str(work_dir)


class Poison:
    """Unpickling it runs ``os.system``: writes the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


@pytest.fixture
def poisoned(tmp_path, trained):
    """A real checkpoint with one extra object that runs code on load."""
    marker = tmp_path / 'PWNED'
    ckpt = torch.load(osp.join(trained, 'epoch_2.pth'), weights_only=True)
    ckpt['meta']['note'] = Poison(marker)
    path = tmp_path / 'poisoned.pth'
    torch.save(ckpt, path)
    return str(path), marker


def _names(safe_globals):
    return {
        g[1] if isinstance(g, tuple) else f'{g.__module__}.{g.__qualname__}'
        for g in safe_globals
    }


def test_allow_list_is_what_a_runner_checkpoint_needs(trained):
    ckpt = osp.join(trained, 'epoch_2.pth')
    # What the checkpoint asks for beyond torch's own allow-list.
    registered = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        needed = set(
            torch.serialization.get_unsafe_globals_in_checkpoint(ckpt))
    finally:
        torch.serialization.add_safe_globals(registered)
    allowed = _names(checkpoint_safe_globals())
    assert needed <= allowed
    # Nothing more, but numpy's module under its other name (numpy 1 calls
    # it numpy.core.multiarray, numpy 2 numpy._core.multiarray) and the
    # int64/float64 dtype classes, which BUILD checks by type, not by name.
    saved_as = {n.rsplit('.', 1)[0] for n in needed if 'multiarray' in n}
    (other_numpy, ) = {'numpy.core.multiarray', 'numpy._core.multiarray'
                       } - saved_as
    extra = {name for name in allowed - needed
             if not name.startswith(other_numpy)}
    assert extra == {
        f'{type(np.dtype(t)).__module__}.{type(np.dtype(t)).__qualname__}'
        for t in (np.float64, np.int64)
    }


def test_runner_checkpoint_loads_with_weights_only(trained):
    ckpt = torch.load(osp.join(trained, 'epoch_2.pth'), weights_only=True)
    buffers = ckpt['message_hub']['log_scalars']
    assert isinstance(buffers['train/lr'], HistoryBuffer)
    assert buffers['train/lr'].current() == pytest.approx(0.01)
    assert buffers['train/lr'].mean() > 0  # statistics methods came back
    assert ckpt['meta']['epoch'] == 2


def test_checkpoint_saved_under_numpy_1_names_loads(tmp_path):
    # numpy 1 pickles ndarrays and scalars as numpy.core.multiarray.*.
    path = tmp_path / 'np1.pth'
    torch.save({'eta': np.float64(1.5), 'arr': np.arange(3.0)}, path,
               _use_new_zipfile_serialization=False)
    data = path.read_bytes()
    for old, new in ((b'numpy._core.multiarray', b'numpy.core.multiarray'),
                     (b'numpy.core.multiarray', b'numpy._core.multiarray')):
        if old in data:
            path.write_bytes(data.replace(old, new))
            break
    loaded = torch.load(path, weights_only=True)
    assert loaded['eta'] == 1.5
    assert loaded['arr'].tolist() == [0.0, 1.0, 2.0]


def test_getattr_stand_in_gives_only_history_buffer_statistics(tmp_path):

    class Sneaky:

        def __reduce__(self):
            return getattr, (HistoryBuffer, '__init__')

    path = tmp_path / 'sneaky.pth'
    torch.save({'x': Sneaky()}, path)
    with pytest.raises(CheckpointLoadError, match=str(path)):
        CheckpointLoader.load_checkpoint(str(path))


@pytest.mark.parametrize('how', ['CheckpointLoader', 'load_checkpoint'])
def test_poisoned_checkpoint_is_refused_directly(poisoned, how):
    path, marker = poisoned
    with pytest.raises(CheckpointLoadError) as info:
        if how == 'CheckpointLoader':
            CheckpointLoader.load_checkpoint(path)
        else:
            load_checkpoint(torch.nn.Linear(1, 1), path)
    assert path in str(info.value)
    assert 'refused' in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize('resume', [True, False], ids=['resume', 'load_from'])
def test_poisoned_checkpoint_is_refused_by_the_runner(
        poisoned, tiny_video_dataset, tmp_path, resume):
    path, marker = poisoned
    cfg = tiny_cfg(tiny_video_dataset, tmp_path / 'work', load_from=path,
                   resume=resume)
    runner = Runner.from_cfg(cfg)
    with pytest.raises(CheckpointLoadError, match='refused') as info:
        runner.train()
    assert path in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize('content', [None, b'not a checkpoint\n', 'dir'])
def test_bad_checkpoint_paths_are_named(tmp_path, content):
    path = tmp_path / 'bad.pth'
    if content == 'dir':
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises((OSError, CheckpointLoadError)) as info:
        CheckpointLoader.load_checkpoint(str(path))
    assert str(path) in str(info.value)


def test_interrupted_run_resumes_at_the_right_epoch_and_lr(
        tiny_video_dataset, tmp_path):
    # 4 epochs, 3 iterations each, lr 0.1 dropping tenfold after epochs 1
    # and 3. The first run stops after epoch 2 (checkpointed); the second
    # resumes from the latest checkpoint of the work dir.
    work_dir = tmp_path / 'work'
    cfg = tiny_cfg(tiny_video_dataset, work_dir, train_cfg=dict(max_epochs=4))
    first = Runner.from_cfg(cfg)
    first.register_hook(StopAfterEpoch(2), priority='LOWEST')
    with pytest.raises(_Interrupted):
        first.train()
    assert (work_dir / 'last_checkpoint').read_text().endswith('epoch_2.pth')

    cfg = tiny_cfg(tiny_video_dataset, work_dir, train_cfg=dict(max_epochs=4),
                   resume=True)
    second = Runner.from_cfg(cfg)
    recorder = LrRecorder()
    second.register_hook(recorder)
    second.train()

    assert recorder.start == (2, 6)
    assert recorder.lrs == pytest.approx([0.1 * 0.1] * 3 + [0.1 * 0.01] * 3)
    final = torch.load(work_dir / 'epoch_4.pth', weights_only=True)
    assert (final['meta']['epoch'], final['meta']['iter']) == (4, 12)
    assert final['optimizer']['param_groups'][0]['lr'] == pytest.approx(1e-3)


def test_load_from_loads_the_weights(trained, tiny_video_dataset, tmp_path):
    ckpt = osp.join(trained, 'epoch_2.pth')
    cfg = tiny_cfg(tiny_video_dataset, tmp_path, load_from=ckpt)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    assert 'acc/top1' in metrics
    saved = torch.load(ckpt, weights_only=True)['state_dict']
    for name, value in runner.model.state_dict().items():
        assert torch.equal(value, saved[name]), name
