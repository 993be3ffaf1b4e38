"""SampleClipTuple and PackClipTuple on frames whose pixels are their own
frame index, so every packed clip tells where in time it came from."""
import itertools

import numpy as np
import pytest
import torch
from mmaction.registry import TRANSFORMS

import mmstcr  # noqa: F401
from mmstcr.datasets.transforms import PackClipTuple, SampleClipTuple

TOTAL = 80
# the lexicographic list of the permutations of 3, written out by hand
HAND_LABELS = {(0, 1, 2): 0, (0, 2, 1): 1, (1, 0, 2): 2, (1, 2, 0): 3,
               (2, 0, 1): 4, (2, 1, 0): 5}


def decode(results, size=6):
    """A stand-in for the decoder: frame ``i`` is filled with ``i``."""
    results['imgs'] = [np.full((size, size, 3), i, dtype=np.uint8)
                       for i in results['frame_inds']]
    return results


def run(sampler, seed, clip_pipeline=None):
    np.random.seed(seed)
    results = sampler(dict(total_frames=TOTAL, start_index=0,
                           filename='v.mp4'))
    pack = PackClipTuple(clip_pipeline or [
        dict(type='TwoViewRandomCrop', size=4),
        dict(type='SpatioTemporalTransform'),
        dict(type='PackSTCRInputs')
    ])
    return results, pack(decode(results))


def test_every_permutation_of_three_is_recorded_and_packed_in_order():
    sampler = SampleClipTuple(clip_len=4, frame_interval=2, num_clips=3,
                              clip_gap=3)
    seen = {}
    for seed in range(200):
        results, packed = run(sampler, seed)
        seen.setdefault(results['clip_order'], (results, packed))
    assert set(seen) == set(HAND_LABELS)  # all 6 orders were drawn
    stride = 4 * 2 + 3
    for order, (results, packed) in seen.items():
        meta = packed['data_samples'].metainfo
        assert meta['clip_order'] == order
        assert meta['clip_order_label'] == HAND_LABELS[order]
        assert meta['clip_in_order'] == int(order in ((0, 1, 2), (2, 1, 0)))
        inputs = packed['inputs']
        assert inputs.shape == (6, 3, 4, 4, 4)  # 2N x C x T x H x W
        start = results['frame_inds'].min()
        for pos, clip in enumerate(order):
            want = start + stride * clip + 2 * np.arange(4)  # in time
            clean = inputs[2 * pos]  # C x T x H x W, value = frame index
            np.testing.assert_array_equal(clean[0, :, 0, 0].numpy(), want)
            # the noise view: same frames, maybe temporally flipped by STT
            code = meta['clip_metainfo'][pos]['stt_code']
            noise = inputs[2 * pos + 1][0, :, 0, 0].numpy()
            expect = want[::-1] if code[0] in (2, 3) else want
            np.testing.assert_array_equal(noise, expect)
        # decoding content back gives the order
        firsts = [int(inputs[2 * p][0, 0, 0, 0]) for p in range(3)]
        assert tuple(np.argsort(np.argsort(firsts))) == order


def test_uniform_and_verify_laws():
    counts = {'uniform': {}, 'verify': {}}
    for law in counts:
        sampler = SampleClipTuple(clip_len=2, num_clips=3, order_law=law)
        np.random.seed(0)
        for _ in range(3000):
            order = sampler.sample_order()
            counts[law][order] = counts[law].get(order, 0) + 1
    for n in counts['uniform'].values():
        assert abs(n / 3000 - 1 / 6) < 0.03
    verify = counts['verify']
    in_order = verify[(0, 1, 2)] + verify[(2, 1, 0)]
    assert abs(in_order / 3000 - 0.5) < 0.03
    assert abs(verify[(0, 1, 2)] / 3000 - 0.25) < 0.03
    for neg in ((0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1)):
        assert abs(verify[neg] / 3000 - 0.125) < 0.025


def test_short_video_repeats_its_last_frame():
    sampler = SampleClipTuple(clip_len=4, frame_interval=1, num_clips=3,
                              clip_gap=2)
    np.random.seed(0)
    results = sampler(dict(total_frames=10))
    assert results['frame_inds'].max() == 9 and results['frame_inds'].min() \
        == 0
    assert len(results['frame_inds']) == 12


def test_four_clips_labels_match_itertools():
    sampler = SampleClipTuple(clip_len=1, num_clips=4, clip_gap=0)
    perms = list(itertools.permutations(range(4)))
    np.random.seed(1)
    for _ in range(50):
        results = sampler(dict(total_frames=TOTAL))
        assert perms[results['clip_order_label']] == results['clip_order']


def test_arguments_and_repr():
    for kwargs in (dict(clip_len=0), dict(num_clips=1), dict(num_clips=6),
                   dict(clip_gap=-1), dict(order_law='x'),
                   dict(num_clips=2, order_law='verify')):
        with pytest.raises(ValueError, match='SampleClipTuple'):
            SampleClipTuple(**kwargs)
    with pytest.raises(ValueError, match='must end with'):
        PackClipTuple([dict(type='TwoViewRandomCrop', size=4)])
    t = TRANSFORMS.build(dict(type='SampleClipTuple', clip_len=8))
    assert repr(t) == ('SampleClipTuple(clip_len=8, frame_interval=1, '
                       "num_clips=3, clip_gap=8, order_law='uniform')")
    p = TRANSFORMS.build(
        dict(type='PackClipTuple',
             clip_pipeline=[dict(type='PackSTCRInputs')]))
    assert repr(p) == ("PackClipTuple(clip_pipeline=[{'type': "
                       "'PackSTCRInputs'}], meta_keys=('clip_order', "
                       "'clip_order_label', 'clip_in_order'))")


def test_label_is_kept():
    sampler = SampleClipTuple(clip_len=2, num_clips=3, clip_gap=0)
    np.random.seed(0)
    results = decode(sampler(dict(total_frames=TOTAL, label=2)))
    packed = PackClipTuple([dict(type='TwoViewRandomCrop', size=4),
                            dict(type='PackSTCRInputs')])(results)
    sample = packed['data_samples']
    label = (sample.gt_label if 'gt_label' in sample else sample.gt_labels.item)
    assert int(label) == 2
    assert isinstance(packed['inputs'], torch.Tensor)
