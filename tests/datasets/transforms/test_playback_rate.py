"""SampleFramesAtRandomRate: the indices by hand, the law of the rate, the
rates that fit, and the label through the packed sample of decoded video."""
import os.path as osp

import numpy as np
import pytest
from mmaction.registry import TRANSFORMS
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

import mmstcr  # noqa: F401
from mmstcr.datasets.transforms import SampleFramesAtRandomRate


def sample(sampler, total, seed, start_index=0):
    np.random.seed(seed)
    return sampler(dict(total_frames=total, start_index=start_index))


def test_indices_are_evenly_spaced_at_the_drawn_rate():
    sampler = SampleFramesAtRandomRate(clip_len=4, rates=(1, 2, 3),
                                       base_interval=2)
    seen = set()
    for seed in range(100):
        out = sample(sampler, total=40, seed=seed, start_index=1)
        rate = out['playback_rate']
        assert out['pace_label'] == (1, 2, 3).index(rate)
        assert out['frame_interval'] == 2 * rate
        assert out['clip_len'] == 4 and out['num_clips'] == 1
        assert out['pace_clipped'] is False
        inds = out['frame_inds']
        assert inds.dtype == np.int64
        np.testing.assert_array_equal(np.diff(inds), [2 * rate] * 3)
        # the clip lies inside the video (start_index 1: frames 1..40)
        assert inds.min() >= 1 and inds.max() <= 40
        seen.add((rate, int(inds[0])))
    # every rate, and starts up to the last that fits: 40 - (3 * 6 + 1) + 1
    assert {r for r, _ in seen} == {1, 2, 3}
    assert max(s for r, s in seen if r == 3) <= 1 + 40 - 19


def test_rates_are_drawn_uniformly_among_those_that_fit():
    sampler = SampleFramesAtRandomRate(clip_len=16, rates=(1, 2, 4))
    # spans 16, 31, 61: a 40-frame video fits rates 1 and 2 only
    labels = [sample(sampler, 40, seed)['pace_label'] for seed in range(2000)]
    counts = np.bincount(labels, minlength=3)
    assert counts[2] == 0
    assert abs(counts[0] / 2000 - 0.5) < 0.04  # 4.5 sigma of a fair coin
    # 31 frames is exactly rate 2's span
    assert {sample(sampler, 31, s)['playback_rate']
            for s in range(50)} == {1, 2}
    assert {sample(sampler, 30, s)['playback_rate']
            for s in range(50)} == {1}


def test_video_too_short_for_every_rate_repeats_its_last_frame():
    sampler = SampleFramesAtRandomRate(clip_len=8, rates=(1, 2))
    out = sample(sampler, total=5, seed=0)
    assert out['pace_clipped'] is True and out['playback_rate'] == 1
    np.testing.assert_array_equal(out['frame_inds'], [0, 1, 2, 3, 4, 4, 4, 4])


@pytest.mark.parametrize('kwargs, match', [
    (dict(clip_len=0), 'clip_len'),
    (dict(rates=(2, )), 'rates'),
    (dict(rates=(2, 1)), 'rates'),
    (dict(rates=(1, 1)), 'rates'),
    (dict(rates=(0, 1)), 'rates'),
    (dict(base_interval=0), 'base_interval'),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SampleFramesAtRandomRate(**kwargs)


def test_repr_shows_every_argument():
    sampler = TRANSFORMS.build(
        dict(type='SampleFramesAtRandomRate', clip_len=8, rates=(1, 3),
             base_interval=2))
    assert repr(sampler) == ('SampleFramesAtRandomRate(clip_len=8, '
                             'rates=(1, 3), base_interval=2)')


def test_packed_clip_holds_the_decoded_frames_at_the_drawn_rate(
        make_video_dataset):
    """Through the STCR pretraining pipeline on a real mp4: the label
    reaches the data sample, and the clean view is exactly the crop of the
    frames at the drawn indices (decoded independently with decord)."""
    import decord

    data = make_video_dataset(num_videos=3, num_frames=40, size=32)
    video = osp.join(data.video_dir, 'class0/video000.mp4')
    frames = decord.VideoReader(video).get_batch(range(40)).asnumpy()
    init_default_scope('mmaction')
    pipeline = Compose([
        dict(type='CheckedDecordInit'),
        dict(type='SampleFramesAtRandomRate', clip_len=8, rates=(1, 2, 4),
             base_interval=1),
        dict(type='DecordDecode'),
        dict(type='TwoViewRandomCrop', size=24),
        dict(type='PackSTCRInputs',
             meta_keys=('img_shape', 'stt_code', 'crop_bbox',
                        'playback_rate', 'pace_label')),
    ])
    rates = set()
    for seed in range(12):
        np.random.seed(seed)
        packed = pipeline(dict(filename=video, start_index=0,
                               modality='RGB'))
        meta = packed['data_samples'].metainfo
        rate = meta['playback_rate']
        assert meta['pace_label'] == (1, 2, 4).index(rate)
        rates.add(rate)
        x1, y1, x2, y2 = meta['crop_bbox']
        clean = packed['inputs'][0].numpy()  # C x T x H x W
        starts = [
            s for s in range(40 - 7 * rate) if np.array_equal(
                frames[s + rate * np.arange(8), y1:y2, x1:x2],
                clean.transpose(1, 2, 3, 0))
        ]
        assert starts, f'seed {seed}: no start at rate {rate} fits'
    assert rates == {1, 2, 4}
