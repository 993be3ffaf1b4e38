"""The contrastive baseline's data (configs/demo/
{infonce,infonce-stcr}_r3d-tiny_1xb8-16x1x2-10e_motion.py): two clips of
one video at different times, each with its own crop and left-right flip,
and, plus STCR, each clip's noise view tied to its own flipped clip by the
stt_code it carries.

The frames are synthetic and tell where each pixel came from: channel 0 is
``3 x``, channel 1 is ``5 t`` (the frame index), channel 2 is ``3 y``."""
import copy
import os.path as osp

import numpy as np
import pytest
from mmaction.registry import TRANSFORMS
from mmengine import Config

import mmstcr  # noqa: F401
from mmstcr.structures import invert_stt_batch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
TOTAL, SIDE = 40, 64
ALONE = 'configs/demo/infonce_r3d-tiny_1xb8-16x1x2-10e_motion.py'
PLUS_STCR = 'configs/demo/infonce-stcr_r3d-tiny_1xb8-16x1x2-10e_motion.py'


def steps(config, drop=()):
    """The config's sampler and PackClipTuple (decoding and grey levels are
    replaced by :func:`decode`), without the clip steps named in ``drop``."""
    pipeline = Config.fromfile(osp.join(REPO, config)).train_pipeline
    sampler = TRANSFORMS.build(
        next(s for s in pipeline if s['type'] == 'SampleClipTuple'))
    pack = copy.deepcopy(pipeline[-1])
    assert pack['type'] == 'PackClipTuple'
    pack['clip_pipeline'] = [
        s for s in pack['clip_pipeline'] if s['type'] not in drop
    ]
    return sampler, TRANSFORMS.build(pack)


def decode(results):
    y, x = np.mgrid[:SIDE, :SIDE]
    results['imgs'] = [
        np.stack([3 * x, np.full_like(x, 5 * i), 3 * y],
                 axis=-1).astype(np.uint8) for i in results['frame_inds']
    ]
    return results


def run(sampler, pack, seed):
    np.random.seed(seed)
    results = sampler(dict(total_frames=TOTAL, start_index=0))
    return pack(decode(results))


def describe(view):
    """Frames, left-right flip and crop origin of a ``C x T x H x W``
    view whose spatial layout is upright."""
    frames = (view[1, :, 0, 0] / 5).round().long().tolist()
    flipped = bool(view[0, 0, 0, 1] < view[0, 0, 0, 0])
    return frames, flipped, int(view[2, 0, 0, 0]) // 3


@pytest.mark.parametrize('config', [ALONE, PLUS_STCR])
def test_two_clips_at_different_times_with_their_own_crop_and_flip(config):
    # plus STCR: the noise path's STT and mixup leave the clean views alone
    sampler, pack = steps(config)
    flips, origins = set(), set()
    for seed in range(40):
        packed = run(sampler, pack, seed)
        inputs = packed['inputs']  # 4 x C x T x H x W: clean 0, noise 0, ...
        assert inputs.shape == (4, 3, 16, 56, 56)
        (frames0, flip0, y0), (frames1, flip1, y1) = (
            describe(inputs[0]), describe(inputs[2]))
        # 16 consecutive frames each, 4 frames apart, in either order
        early, late = sorted([frames0, frames1])
        assert early == list(range(early[0], early[0] + 16))
        assert late == list(range(early[0] + 20, early[0] + 36))
        flips.add((flip0, flip1))
        origins.add(y0 == y1)
    assert flips == {(False, False), (False, True), (True, False),
                     (True, True)}  # each clip draws its own flip
    assert origins == {True, False}  # and its own crop


def test_alone_records_the_identity_code():
    sampler, pack = steps(ALONE)
    for seed in range(10):
        meta = run(sampler, pack, seed)['data_samples'].metainfo
        assert [m['stt_code'] for m in meta['clip_metainfo']] == [(0, 0)] * 2


def test_plus_stcr_code_maps_each_noise_view_back_to_its_flipped_clip():
    # without the mixup, so that the noise view's pixels can be read back
    sampler, pack = steps(PLUS_STCR, drop=('IntraVideoMixup', ))
    codes = set()
    for seed in range(40):
        packed = run(sampler, pack, seed)
        inputs = packed['inputs'].float()
        for n, meta in enumerate(packed['data_samples'].metainfo[
                'clip_metainfo']):
            code = tuple(meta['stt_code'])
            codes.add(code)
            noise = invert_stt_batch(inputs[2 * n + 1][None], [code])[0]
            clean_frames, clean_flip, _ = describe(inputs[2 * n])
            noise_frames, noise_flip, _ = describe(noise)
            assert noise_frames == clean_frames
            assert noise_flip == clean_flip  # the clip's flip, undone by none
            # upright after the inverse: rows go down the frame
            assert noise[2, 0, 1, 0] > noise[2, 0, 0, 0]
    assert len(codes) > 8  # the noise view's STT, not the clip's flip
