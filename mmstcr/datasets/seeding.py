"""Per-sample random seeds, so that a sample's augmentation depends only on
(seed, epoch, index) and not on which process loads it or in what order.

With ``persistent_workers=True`` a DataLoader worker's random state runs on
from epoch to epoch and cannot be saved in a checkpoint, so a resumed run
would draw other crops and flips than the unbroken one. The training sampler
(wrapped by :class:`~mmstcr.engine.hooks.ResumableTrainingHook`) yields
:class:`SeededIndex` values instead of plain ints; a dataset that supports
them (:class:`~mmstcr.datasets.CheckedVideoDataset`) runs its pipeline under
:func:`seeded_rng` with that seed.
"""
import random
from contextlib import contextmanager
from typing import Optional

import numpy as np
import torch


class SeededIndex(int):
    """An ``int`` data index that also carries the seed of its sample.

    Anything that takes an index treats it as the plain ``int``; it pickles
    to DataLoader workers with its seed.
    """

    def __new__(cls, index: int, sample_seed: int):
        obj = super().__new__(cls, index)
        obj.sample_seed = int(sample_seed)
        return obj

    def __reduce__(self):
        return SeededIndex, (int(self), self.sample_seed)

    def __repr__(self) -> str:
        return f'SeededIndex({int(self)}, sample_seed={self.sample_seed})'


def sample_seed(seed: int, *keys: int) -> int:
    """A 32-bit seed made of a run's ``seed`` and ``keys`` (epoch, position,
    index, ...; -1 allowed), by NumPy's ``SeedSequence``, whose streams for
    different keys are independent."""
    entropy = [int(x) % (1 << 32) for x in (seed, ) + keys]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


@contextmanager
def seeded_rng(seed: Optional[int]):
    """Seed Python's, NumPy's and torch's global generators with ``seed``
    inside the block, and put their previous states back after it.

    ``seed=None`` does nothing. Restoring matters when data is loaded in the
    main process (``num_workers=0``): the model's own random draws (dropout)
    then do not depend on how many draws the augmentations made.
    """
    if seed is None:
        yield
        return
    states = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    random.seed(seed)
    np.random.seed(seed)
    # CPU generator only: torch.manual_seed would also reseed the CUDA
    # generators, which the model's dropout uses on a GPU.
    torch.default_generator.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
        torch.set_rng_state(states[2])
