"""``mmstcr.structures.stt``: the STT code, its forward map on a hand-made
clip, and its exact inverse (docs/method.md, decision 3)."""
import itertools

import numpy as np
import pytest
import torch

from mmstcr.structures import (FLIP_MODES, ROTATION_DEGREES, apply_stt,
                               apply_stt_frames, check_code, flip_code,
                               invert_stt, invert_stt_batch, rotation_code,
                               stt_codes)

CODES = list(itertools.product(range(4), range(4)))


def test_codes_and_names():
    assert len(CODES) == 16
    assert [flip_code(m) for m in FLIP_MODES] == [0, 1, 2, 3]
    assert [rotation_code(d) for d in ROTATION_DEGREES] == [0, 1, 2, 3]
    assert check_code(torch.tensor([3, 2])) == (3, 2)
    with pytest.raises(ValueError, match='vertical'):
        flip_code('vertical')
    with pytest.raises(ValueError, match='45'):
        rotation_code(45)
    with pytest.raises(ValueError, match='out of range'):
        check_code((4, 0))
    with pytest.raises(ValueError, match='pair'):
        check_code((1, 2, 3))


def test_forward_map_by_hand():
    # T x H x W = 2 x 2 x 2, values 0..7
    x = np.arange(8).reshape(2, 2, 2)
    kw = dict(t_axis=0, h_axis=1, w_axis=2)
    np.testing.assert_array_equal(
        apply_stt(x, (1, 0), **kw), [[[1, 0], [3, 2]], [[5, 4], [7, 6]]])
    np.testing.assert_array_equal(
        apply_stt(x, (2, 0), **kw), [[[4, 5], [6, 7]], [[0, 1], [2, 3]]])
    # one counter-clockwise quarter turn: top-right goes to top-left
    np.testing.assert_array_equal(
        apply_stt(x, (0, 1), **kw), [[[1, 3], [0, 2]], [[5, 7], [4, 6]]])
    # flip, then rotate (eq. 3)
    np.testing.assert_array_equal(
        apply_stt(x, (1, 1), **kw), [[[0, 2], [1, 3]], [[4, 6], [5, 7]]])


@pytest.mark.parametrize('code', CODES, ids=str)
def test_inverse_is_exact(code):
    x = torch.randn(3, 4, 5, 5)  # C x T x H x W
    kw = dict(t_axis=1, h_axis=2, w_axis=3)
    y = apply_stt(x, code, **kw)
    assert torch.equal(invert_stt(y, code, **kw), x)
    arr = x.numpy()
    assert np.array_equal(invert_stt(apply_stt(arr, code, **kw), code, **kw),
                          arr)


def test_unflipping_before_unrotating_is_wrong():
    """The order of the authors' code (docs/method.md, decision 8) does not
    invert a left-right flip followed by a quarter turn."""
    x = torch.arange(9.).reshape(1, 1, 3, 3)
    kw = dict(t_axis=1, h_axis=2, w_axis=3)
    y = apply_stt(x, (1, 1), **kw)
    wrong = torch.rot90(torch.flip(y, dims=(3, )), -1, dims=(2, 3))
    assert not torch.equal(wrong, x)
    assert torch.equal(invert_stt(y, (1, 1), **kw), x)


def test_batch_inverse():
    feats = torch.randn(16, 2, 3, 4, 4)
    noisy = torch.stack([
        apply_stt(f, c, t_axis=1, h_axis=2, w_axis=3)
        for f, c in zip(feats, CODES)
    ])
    assert torch.equal(invert_stt_batch(noisy, CODES), feats)
    assert torch.equal(invert_stt_batch(noisy, torch.tensor(CODES)), feats)
    with pytest.raises(ValueError, match='15 STT codes'):
        invert_stt_batch(noisy, CODES[:15])
    with pytest.raises(ValueError, match='square'):
        invert_stt_batch(torch.randn(1, 2, 3, 4, 5), [(0, 1)])
    with pytest.raises(ValueError, match='N x C x T x H x W'):
        invert_stt_batch(torch.randn(2, 3, 4, 4), [(0, 0)] * 2)


@pytest.mark.parametrize('code', CODES)
def test_frame_views_equal_the_array_stt(code):
    """apply_stt_frames (the pipeline's views) is apply_stt on the stacked
    clip, frame by frame, and copies nothing."""
    clip = np.arange(3 * 4 * 4 * 2, dtype=np.uint8).reshape(3, 4, 4, 2)
    frames = list(clip)
    views = apply_stt_frames(frames, code)
    expected = apply_stt(clip, code, t_axis=0, h_axis=1, w_axis=2)
    assert len(views) == 3
    for view, frame in zip(views, expected):
        np.testing.assert_array_equal(view, frame)
        assert np.shares_memory(view, clip)


def test_stt_codes_names_a_bad_choice():
    assert stt_codes(('none', 'temporal'), (0, 270)) == ((0, 2), (0, 3))
    with pytest.raises(ValueError, match="'vertical'"):
        stt_codes(('vertical', ), (0, ))
    with pytest.raises(ValueError, match='45'):
        stt_codes(('none', ), (45, ))
