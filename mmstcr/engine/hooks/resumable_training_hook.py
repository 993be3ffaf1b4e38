"""Make a resumed training draw the same random numbers as an unbroken
one."""
import random
from typing import Iterator, Optional

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop

from mmstcr.datasets.seeding import SeededIndex, sample_seed

META_KEY = 'mmstcr_resume'


class SeededSampler:
    """Wraps a DataLoader's sampler: yields its indices as
    :class:`SeededIndex` (seeded by run seed, epoch, position and index),
    and can skip the samples of the first ``skip`` positions of the next
    epoch once (a resume in the middle of an epoch).

    ``len()`` is the wrapped sampler's, minus the skipped samples while that
    epoch runs, so the loop's and the logger's ends of epoch stay right.
    """

    def __init__(self, sampler, seed: int) -> None:
        self.sampler = sampler
        self.seed = int(seed)
        self._skip_next = 0
        self._skipping = 0

    def skip_next_epoch(self, num_samples: int) -> None:
        self._skip_next = int(num_samples)

    def __iter__(self) -> Iterator[int]:
        skip, self._skip_next = self._skip_next, 0
        self._skipping = skip
        epoch = getattr(self.sampler, 'epoch', 0)
        for position, index in enumerate(iter(self.sampler)):
            if position < skip:
                continue
            yield SeededIndex(index,
                              sample_seed(self.seed, epoch, position, index))

    def __len__(self) -> int:
        return max(len(self.sampler) - self._skipping, 0)

    def __getattr__(self, name):  # set_epoch, epoch, ... of the sampler
        return getattr(self.__dict__['sampler'], name)


def _rng_state() -> dict:
    numpy_state = np.random.get_state()
    state = dict(
        python=random.getstate(),
        # plain Python values: safe (weights_only) loading allows them
        numpy=[
            numpy_state[0], numpy_state[1].tolist(),
            int(numpy_state[2]), int(numpy_state[3]), float(numpy_state[4])
        ],
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict) -> None:
    random.setstate(_as_tuple(state['python']))
    name, keys, pos, has_gauss, gauss = state['numpy']
    np.random.set_state(
        (name, np.asarray(keys, dtype=np.uint32), int(pos), int(has_gauss),
         float(gauss)))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


def _as_tuple(value):
    if isinstance(value, list):
        return tuple(_as_tuple(v) for v in value)
    if isinstance(value, tuple):
        return tuple(_as_tuple(v) for v in value)
    return value


@HOOKS.register_module()
class ResumableTrainingHook(Hook):
    """Resume reproduces the unbroken run.

    - Every checkpoint's ``meta`` gets ``mmstcr_resume``: the global random
      states (Python, NumPy, torch, and CUDA when present) and the position
      of the sampler in the epoch (``epoch``, ``samples_done``).
    - The training sampler is wrapped by :class:`SeededSampler`: each sample
      carries a seed made of the run's seed, the epoch, its position and its
      index, and :class:`~mmstcr.datasets.CheckedVideoDataset` runs its
      augmentations under that seed. A sample's crop, flip or mixup then
      does not depend on which DataLoader worker loads it, nor on whether
      the workers were restarted by a resume (a persistent worker's random
      state cannot be saved).
    - At the start of each epoch the global generators of the main process
      are seeded from (seed, epoch), so whatever ran between two epochs (a
      validation, a DataLoader start) does not shift the next epoch's
      random draws.
    - On resume (``--resume``) from a checkpoint saved in the middle of an
      epoch (``CheckpointHook(by_epoch=False)``), the samples already
      trained in that epoch are skipped (without loading them), and the
      saved random states are put back just before the first resumed
      iteration.

    With ``EpochBasedTrainLoop`` and the same number of processes, the
    resumed run's per-iteration losses equal the unbroken run's
    (``tests/engine/test_resume_reproducible.py``: SIGKILL mid-epoch 2, to
    1e-6 on CPU with ``--deterministic``). Iterations after the last
    checkpoint are trained again: save every N iterations to lose at most N.
    ``IterBasedTrainLoop`` skips the trained samples itself (by loading
    them); only the seeds and random states apply there.

    In the default runtime (``default_hooks.resumable``).
    Turn it off with ``enabled=False`` (``--cfg-options
    default_hooks.resumable.enabled=False``); MMEngine accepts ``None`` only
    for its own default hooks.

    Args:
        enabled (bool): Save and restore the states, seed the samples.
            Defaults to True.
    """

    priority = 'LOW'  # before_train_epoch after DistSamplerSeedHook

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._pending_state: Optional[dict] = None
        self._pending_skip = 0
        self._epoch_start_iter = 0
        self._sampler: Optional[SeededSampler] = None

    # ---- saving --------------------------------------------------------
    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if not self.enabled:
            return
        meta = checkpoint.setdefault('meta', {})
        mid_epoch = meta.get('epoch') == runner.epoch
        samples = 0
        if mid_epoch:
            batches = meta.get('iter', runner.iter) - self._epoch_start_iter
            samples = batches * runner.train_dataloader.batch_size
        meta[META_KEY] = dict(
            epoch=int(meta.get('epoch', runner.epoch)),
            samples_done=int(samples),
            rng=_rng_state())

    # ---- loading -------------------------------------------------------
    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not self.enabled:
            return
        if not getattr(runner, '_resume', False):
            return  # load_from: weights only, a new run
        state = checkpoint.get('meta', {}).get(META_KEY)
        if state is None:
            print_log(
                'ResumableTrainingHook: the checkpoint holds no random '
                'states (saved without this hook); the resumed run will not '
                'repeat the unbroken one exactly',
                logger='current')
            return
        self._pending_skip = state['samples_done']
        if self._pending_skip:
            # An epoch-end checkpoint needs no state: the next epoch starts
            # from the (seed, epoch) seeding of before_train_epoch.
            self._pending_state = state['rng']

    # ---- training ------------------------------------------------------
    def before_train(self, runner) -> None:
        if not self.enabled:
            return
        loader = runner.train_dataloader
        batch_sampler = getattr(loader, 'batch_sampler', None)
        if batch_sampler is None or not hasattr(batch_sampler, 'sampler'):
            print_log(
                'ResumableTrainingHook: the train DataLoader has no batch '
                'sampler to wrap; samples are not seeded',
                logger='current')
            return
        if not isinstance(batch_sampler.sampler, SeededSampler):
            batch_sampler.sampler = SeededSampler(batch_sampler.sampler,
                                                  runner.seed)
        self._sampler = batch_sampler.sampler
        if self._pending_skip and isinstance(runner.train_loop,
                                             EpochBasedTrainLoop):
            self._sampler.skip_next_epoch(self._pending_skip)
            print_log(
                f'ResumableTrainingHook: resuming in epoch '
                f'{runner.epoch + 1}, skipping its first {self._pending_skip}'
                ' samples (already trained)',
                logger='current')
        else:
            self._pending_skip = 0

    def before_train_epoch(self, runner) -> None:
        if not self.enabled:
            return
        seed = sample_seed(runner.seed, runner.epoch, -1)
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        batches_skipped = self._pending_skip // max(
            runner.train_dataloader.batch_size, 1)
        self._epoch_start_iter = runner.iter - batches_skipped
        self._pending_skip = 0

    def before_train_iter(self, runner, batch_idx: int, data_batch=None
                          ) -> None:
        if not self.enabled:
            return
        if self._pending_state is not None:
            _set_rng_state(self._pending_state)
            self._pending_state = None
