"""ResumableTrainingHook's pieces: the seeded, skippable sampler and the
random states (the SIGKILL test is tests/engine/test_resume_reproducible.py).
"""
import random

import numpy as np
import torch
from mmengine.dataset import DefaultSampler

from mmstcr.datasets import SeededIndex
from mmstcr.engine.hooks import SeededSampler
from mmstcr.engine.hooks.resumable_training_hook import (_rng_state,
                                                         _set_rng_state)


def test_seeded_sampler_seeds_each_sample_and_skips_once():
    base = DefaultSampler(list(range(10)), shuffle=True, seed=3)
    sampler = SeededSampler(base, seed=0)
    base.set_epoch(1)
    first = list(sampler)
    assert [int(i) for i in first] == list(base)
    assert all(isinstance(i, SeededIndex) for i in first)
    assert len({i.sample_seed for i in first}) == 10
    assert [i.sample_seed for i in sampler] == [i.sample_seed for i in first]
    base.set_epoch(2)  # another epoch, other seeds
    assert {i.sample_seed for i in sampler}.isdisjoint(
        {i.sample_seed for i in first})

    base.set_epoch(1)
    sampler.skip_next_epoch(4)
    assert len(sampler) == 10  # until the resumed epoch starts
    resumed = iter(sampler)
    rest = list(resumed)
    assert [(int(i), i.sample_seed) for i in rest] == [
        (int(i), i.sample_seed) for i in first[4:]]
    assert len(sampler) == 6  # during the resumed epoch
    assert len(list(sampler)) == 10 and len(sampler) == 10  # once only
    assert sampler.epoch == 1  # the wrapped sampler's attributes


def test_rng_state_round_trip_with_plain_values():
    random.seed(1)
    np.random.seed(2)
    torch.manual_seed(3)
    state = _rng_state()
    assert isinstance(state['numpy'][1], list)  # no numpy array to pickle
    expected = (random.random(), np.random.rand(), torch.rand(1).item())
    random.seed(9)
    np.random.seed(9)
    torch.manual_seed(9)
    _set_rng_state(state)
    assert (random.random(), np.random.rand(),
            torch.rand(1).item()) == expected
