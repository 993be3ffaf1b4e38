import itertools

import numpy as np
import pytest

import mmstcr  # noqa: F401  (registers the transforms)
from mmaction.registry import TRANSFORMS
from mmstcr.datasets.transforms import SpatioTemporalTransform
from mmstcr.structures import invert_stt

FLIPS = ('none', 'horizontal', 'temporal', 'temporal_horizontal')
ROTATIONS = (0, 90, 180, 270)


def make_clip(t=4, h=6, w=6, c=3):
    """T x H x W x C clip whose value encodes its position: t y x c digits."""
    tt, yy, xx, cc = np.meshgrid(
        np.arange(t), np.arange(h), np.arange(w), np.arange(c),
        indexing='ij')
    return (tt * 1000 + yy * 100 + xx * 10 + cc).astype(np.int32)


def run(flip, rotation, clip):
    stt = SpatioTemporalTransform(flips=(flip, ), rotations=(rotation, ))
    results = stt(dict(noise_imgs=list(clip)))
    return np.stack(results['noise_imgs']), results


def test_horizontal_flip():
    clip = make_clip(h=6, w=8)  # non-square is fine without rotation
    out, results = run('horizontal', 0, clip)
    assert results['stt_code'] == (1, 0)
    for t, y, x in itertools.product(range(4), range(6), range(8)):
        np.testing.assert_array_equal(out[t, y, x], clip[t, y, 7 - x])
    assert out[1, 2, 0, 1] == 1000 + 200 + 70 + 1  # pixel (y=2, x=7)


def test_temporal_flip():
    clip = make_clip()
    out, results = run('temporal', 0, clip)
    assert results['stt_code'] == (2, 0)
    assert [int(f[0, 0, 0]) // 1000 for f in out] == [3, 2, 1, 0]
    np.testing.assert_array_equal(out, clip[::-1])


def test_rotations_are_counter_clockwise():
    clip = make_clip()  # 6 x 6 frames
    out90, _ = run('none', 90, clip)
    # 90 degrees counter-clockwise: out[y, x] = in[x, 5 - y]; the top-right
    # pixel (y=0, x=5) moves to the top-left.
    assert out90[0, 0, 0, 0] == 50
    assert out90[0, 1, 2, 0] == 240  # in[y=2, x=4]
    out180, _ = run('none', 180, clip)
    assert out180[3, 1, 2, 2] == 3000 + 400 + 30 + 2  # in[y=4, x=3]
    out270, _ = run('none', 270, clip)
    assert out270[0, 1, 2, 0] == 310  # in[y=5 - 2, x=1]
    for y, x in itertools.product(range(6), range(6)):
        np.testing.assert_array_equal(out90[:, y, x], clip[:, x, 5 - y])
        np.testing.assert_array_equal(out180[:, y, x],
                                      clip[:, 5 - y, 5 - x])
        np.testing.assert_array_equal(out270[:, y, x], clip[:, 5 - x, y])


def test_flip_then_rotate():
    # Left-right flip then 90 degrees is a transpose of (H, W); rotating
    # first would give out[y, x] = in[5 - x, 5 - y] instead.
    clip = make_clip()
    out, results = run('horizontal', 90, clip)
    assert results['stt_code'] == (1, 1)
    np.testing.assert_array_equal(out, clip.transpose(0, 2, 1, 3))
    out, results = run('temporal_horizontal', 270, clip)
    assert (results['stt_flip'], results['stt_rotation']) == (
        'temporal_horizontal', 270)
    # rot270(fliplr(x))[y, x] = fliplr(x)[5 - x, y] = x[5 - x, 5 - y]
    assert out[0, 1, 2, 0] == 3000 + 300 + 40


@pytest.mark.parametrize('flip, rotation',
                         list(itertools.product(FLIPS, ROTATIONS)))
def test_invert_recovers_input(flip, rotation):
    clip = make_clip()
    out, results = run(flip, rotation, clip)
    z1, z2 = results['stt_code']
    assert (z1, z2) == (FLIPS.index(flip), ROTATIONS.index(rotation))
    assert type(z1) is int and type(z2) is int
    assert results['stt_flip'] == flip
    assert results['stt_rotation'] == rotation
    # views of the input frames, not copies (PackSTCRInputs copies once)
    assert all(np.shares_memory(f, clip) for f in results['noise_imgs'])
    # Only the identity leaves the clip unchanged.
    assert np.array_equal(out, clip) == ((z1, z2) == (0, 0))
    np.testing.assert_array_equal(
        invert_stt(out, results['stt_code'], t_axis=0, h_axis=1, w_axis=2),
        clip)


def test_all_16_codes_are_drawn_uniformly():
    clip = make_clip(t=2, h=2, w=2, c=1)
    stt = TRANSFORMS.build(dict(type='SpatioTemporalTransform'))
    np.random.seed(0)
    codes = [stt(dict(noise_imgs=list(clip)))['stt_code']
             for _ in range(1600)]
    counts = {code: codes.count(code) for code in set(codes)}
    assert set(counts) == set(itertools.product(range(4), range(4)))
    # expected 100 each, std ~ 9.7
    assert min(counts.values()) > 65 and max(counts.values()) < 135, counts


def test_subsets_are_respected():
    clip = make_clip(t=2, h=2, w=2, c=1)
    stt = SpatioTemporalTransform(flips=('temporal', 'none'),
                                  rotations=(180, 0))
    np.random.seed(0)
    codes = {stt(dict(noise_imgs=list(clip)))['stt_code'] for _ in range(200)}
    assert codes == {(0, 0), (0, 2), (2, 0), (2, 2)}


def test_identity_and_other_keys_untouched():
    clip = make_clip(h=6, w=8)
    clean = list(make_clip(h=6, w=8) + 1)
    stt = SpatioTemporalTransform(flips=('none', ), rotations=(0, ))
    results = stt(dict(imgs=clean, noise_imgs=list(clip)))
    assert results['stt_code'] == (0, 0)
    np.testing.assert_array_equal(np.stack(results['noise_imgs']), clip)
    assert results['imgs'] is clean


def test_even_rotations_on_non_square_frames():
    clip = make_clip(h=6, w=8)
    out, results = run('none', 180, clip)
    assert out.shape == (4, 6, 8, 3)
    np.testing.assert_array_equal(out, clip[:, ::-1, ::-1])


def test_odd_rotation_needs_square_frames():
    clip = make_clip(h=6, w=8)
    # Fails even when the draw would have been 0 degrees: an odd rotation is
    # possible, so the shape is wrong for this configuration.
    stt = SpatioTemporalTransform(rotations=(0, 90))
    with pytest.raises(ValueError, match=r'square.*\(4, 6, 8, 3\).*x\.mp4'):
        stt(dict(noise_imgs=list(clip), filename='x.mp4'))


def test_missing_key():
    with pytest.raises(KeyError, match="'views'"):
        SpatioTemporalTransform(key='views')(dict(noise_imgs=[]))


@pytest.mark.parametrize('kwargs, name', [
    (dict(flips=('diagonal', )), "'diagonal'"),
    (dict(flips=('Horizontal', )), "'Horizontal'"),
    (dict(rotations=(45, )), '45'),
    (dict(rotations=(-90, )), '-90'),
    (dict(rotations=(90.0, )), '90.0'),
    (dict(flips=()), 'flips is empty'),
    (dict(rotations=[]), 'rotations is empty'),
    (dict(flips=('none', 'temporal', 'none')), 'duplicate.*flips'),
    (dict(rotations=(90, 90)), 'duplicate.*rotations'),
    (dict(flips='none'), "flips.*'none'"),
    (dict(rotations=90), 'rotations.*90'),
    (dict(key=''), "key.*''"),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        SpatioTemporalTransform(**kwargs)


def test_repr():
    text = repr(
        SpatioTemporalTransform(flips=['none', 'temporal'],
                                rotations=[0, 180], key='v'))
    assert text == ("SpatioTemporalTransform(flips=('none', 'temporal'), "
                    "rotations=(0, 180), key='v')")


@pytest.mark.parametrize('z1, z2', list(itertools.product(range(4),
                                                          range(4))))
def test_frames_are_views_equal_to_apply_stt(z1, z2):
    from mmstcr.structures import apply_stt
    clip = make_clip()
    frames = list(clip)
    out = SpatioTemporalTransform.apply_to_frames(frames, (z1, z2))
    np.testing.assert_array_equal(
        np.stack(out), apply_stt(clip, (z1, z2), t_axis=0, h_axis=1,
                                 w_axis=2))
    assert all(np.shares_memory(o, clip) for o in out)  # nothing copied
    stt = SpatioTemporalTransform(flips=(FLIPS[z1], ),
                                  rotations=(ROTATIONS[z2], ))
    results = stt(dict(noise_imgs=frames))
    assert all(np.shares_memory(o, clip) for o in results['noise_imgs'])
