import numpy as np
import pytest

import mmstcr  # noqa: F401  (registers the transforms)
from mmaction.registry import TRANSFORMS
from mmstcr.datasets.transforms import TwoViewRandomCrop


def make_clip(t=4, h=6, w=8, c=3):
    """T x H x W x C clip whose value encodes its position: t y x c digits."""
    tt, yy, xx, cc = np.meshgrid(
        np.arange(t), np.arange(h), np.arange(w), np.arange(c),
        indexing='ij')
    return (tt * 1000 + yy * 100 + xx * 10 + cc).astype(np.int32)


def test_views_are_slices_of_the_same_frames():
    clip = make_clip()  # 4 x 6 x 8 x 3
    crop = TRANSFORMS.build(dict(type='TwoViewRandomCrop', size=4))
    np.random.seed(0)
    for _ in range(20):
        results = crop(dict(imgs=list(clip), img_shape=(6, 8)))
        assert results['img_shape'] == (4, 4)
        for key, box_key in (('imgs', 'crop_bbox'),
                             ('noise_imgs', 'noise_crop_bbox')):
            x1, y1, x2, y2 = results[box_key]
            assert (x2 - x1, y2 - y1) == (4, 4)
            assert 0 <= x1 <= 4 and 0 <= y1 <= 2
            view = results[key]
            assert isinstance(view, list) and len(view) == 4
            np.testing.assert_array_equal(
                np.stack(view), clip[:, y1:y2, x1:x2])


def test_hand_computed_box_and_pixel():
    clip = make_clip()
    np.random.seed(3)
    results = TwoViewRandomCrop(size=6)(dict(imgs=list(clip)))
    # H == size: the box must span every row; the value at (t, y, x, c) of
    # the view is the input pixel (t, y1 + y, x1 + x, c).
    x1, y1, x2, y2 = results['noise_crop_bbox']
    assert (y1, y2, x2 - x1) == (0, 6, 6)
    assert results['noise_imgs'][2][5, 1, 2] == 2000 + 500 + 10 * (x1 + 1) + 2
    # A crop of the full frame is the frame itself.
    full = TwoViewRandomCrop(size=6)(dict(imgs=list(clip[:, :, :6])))
    np.testing.assert_array_equal(full['crop_bbox'], [0, 0, 6, 6])
    np.testing.assert_array_equal(np.stack(full['imgs']), clip[:, :, :6])


def test_every_position_equally_likely_and_views_independent():
    # 6 x 8 frames, size 4: x1 in 0..4, y1 in 0..2 (both bounds inclusive).
    clip = make_clip()
    crop = TwoViewRandomCrop(size=4)
    np.random.seed(1)
    draws = 1500
    clean_pos, noise_pos, same = [], [], 0
    for _ in range(draws):
        results = crop(dict(imgs=list(clip)))
        c = tuple(results['crop_bbox'][:2])
        n = tuple(results['noise_crop_bbox'][:2])
        clean_pos.append(c)
        noise_pos.append(n)
        same += c == n
    positions = {(x, y) for x in range(5) for y in range(3)}
    for pos in (clean_pos, noise_pos):
        assert set(pos) == positions
        counts = np.array([pos.count(p) for p in sorted(positions)])
        # 15 positions, expected 100 each (std ~ 9.7).
        assert counts.min() > 65 and counts.max() < 135, counts
    # Independent draws coincide with probability 1/15 (expected 100).
    assert 65 < same < 135, same


def test_views_are_read_only_views_of_the_frames():
    clip = make_clip()
    frames = list(clip)
    np.random.seed(0)
    results = TwoViewRandomCrop(size=6)(dict(imgs=frames))
    clean, noise = results['imgs'], results['noise_imgs']
    for c, n, f in zip(clean, noise, frames):
        # no copy: both crops are views of the input frame ...
        assert np.shares_memory(c, f) and np.shares_memory(n, f)
        # ... so an in-place op (like mmcv.imflip_) must fail, not change
        # the other view
        assert not c.flags.writeable and not n.flags.writeable
        with pytest.raises(ValueError, match='read-only'):
            n[...] = -1
    assert all(f.flags.writeable for f in frames)  # the input keeps its flag
    np.testing.assert_array_equal(np.stack(frames), make_clip())


def test_copy_gives_views_that_own_their_memory():
    clip = make_clip()
    frames = list(clip)
    np.random.seed(0)
    results = TwoViewRandomCrop(size=6, copy=True)(dict(imgs=frames))
    clean, noise = results['imgs'], results['noise_imgs']
    for c, n in zip(clean, noise):
        assert not np.shares_memory(c, n)
        assert not np.shares_memory(c, clip)
        assert not np.shares_memory(n, clip)
    before = np.stack(clean).copy()
    for n in noise:  # an in-place op on the noise view, like mmcv.imflip_
        n[...] = -1
    np.testing.assert_array_equal(np.stack(clean), before)
    np.testing.assert_array_equal(np.stack(frames), make_clip())


def test_array_input():
    clip = make_clip()
    np.random.seed(0)
    results = TwoViewRandomCrop(size=5)(dict(imgs=clip))
    x1, y1, x2, y2 = results['crop_bbox']
    np.testing.assert_array_equal(
        np.stack(results['imgs']), clip[:, y1:y2, x1:x2])


def test_frames_smaller_than_crop():
    crop = TwoViewRandomCrop(size=7)
    with pytest.raises(ValueError, match=r'6 x 8.*crop size 7.*a/b\.mp4'):
        crop(dict(imgs=list(make_clip()), filename='a/b.mp4'))


def test_bad_frames():
    crop = TwoViewRandomCrop(size=2)
    with pytest.raises(KeyError, match="'imgs'.*v.mp4"):
        crop(dict(filename='v.mp4'))
    with pytest.raises(ValueError, match='differ in shape'):
        crop(dict(imgs=[np.zeros((6, 8, 3)), np.zeros((6, 7, 3))]))
    with pytest.raises(ValueError, match='no frame'):
        crop(dict(imgs=[]))
    with pytest.raises(ValueError, match=r'H x W x C frames'):
        crop(dict(imgs=[np.zeros((6, 8))]))


@pytest.mark.parametrize('kwargs, name', [
    (dict(size=0), 'size'), (dict(size=-3), 'size'),
    (dict(size=1.5), '1.5'), (dict(size='112'), "'112'"),
    (dict(size=True), 'True'), (dict(noise_key='imgs'), "'imgs'"),
    (dict(noise_key=''), "''"), (dict(noise_key=3), '3'),
    (dict(copy=1), 'copy=1')
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TwoViewRandomCrop(**kwargs)


def test_repr():
    text = repr(TwoViewRandomCrop(size=32, noise_key='noisy'))
    assert text == ("TwoViewRandomCrop(size=32, noise_key='noisy', "
                    'copy=False)')
