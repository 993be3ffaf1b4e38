import numpy as np
import pytest

import mmstcr  # noqa: F401  (registers the transforms)
from mmaction.registry import TRANSFORMS
from mmstcr.datasets.transforms import IntraVideoMixup


def make_clip(t=4, h=6, w=8, c=3):
    """Distinct uint8 values per frame and pixel."""
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, size=(t, h, w, c), dtype=np.uint8)


def test_hand_computed_mix():
    # Three 1 x 1 x 1 frames 0, 10, 20 mixed with frame 2 at lambda 0.25:
    # 0.75 * x_j + 0.25 * 20.
    clip = np.array([0, 10, 20], dtype=np.uint8).reshape(3, 1, 1, 1)
    out = IntraVideoMixup.mix(clip, 0.25, 2)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.ravel(), [5.0, 12.5, 20.0])
    out = IntraVideoMixup.mix(clip, 0.6, 0)
    np.testing.assert_allclose(out.ravel(), [0.0, 4.0, 8.0], rtol=1e-6)


def test_transform_matches_eq4_from_recorded_values():
    clip = make_clip()
    frames = list(clip)
    mixup = TRANSFORMS.build(dict(type='IntraVideoMixup'))
    np.random.seed(0)
    for _ in range(10):
        results = mixup(dict(noise_imgs=frames))
        lam, k = results['mixup_lambda'], results['mixup_frame']
        assert type(lam) is float and type(k) is int and 0 <= k < 4
        out = results['noise_imgs']
        assert isinstance(out, list) and len(out) == 4
        for j in range(4):
            assert out[j].dtype == np.float32
            # the float32 definition, bit for bit ...
            expected = (np.float32(1 - lam) * clip[j].astype(np.float32) +
                        np.float32(lam) * clip[k].astype(np.float32))
            assert expected.dtype == np.float32
            np.testing.assert_array_equal(out[j], expected)
            # ... within float32 rounding of the real-number blend
            exact = ((1 - lam) * clip[j].astype(np.float64) +
                     lam * clip[k].astype(np.float64))
            np.testing.assert_allclose(out[j], exact, rtol=1e-6, atol=1e-4)
        # frame k is unchanged by its own mixup
        np.testing.assert_allclose(out[k], clip[k], rtol=1e-6)
    # the input frames were not written to
    np.testing.assert_array_equal(np.stack(frames), make_clip())


@pytest.mark.parametrize('view', ['crop', 'flip', 'rot90', 'flip_rot270'])
def test_mix_of_views_equals_mix_of_copies(view):
    # STT leaves flipped/rotated views; mix reads them through OpenCV.
    base = make_clip(t=3, h=9, w=9)
    clip = {
        'crop': base[:, 1:8, 2:9],
        'flip': base[:, :, ::-1],
        'rot90': np.rot90(base, 1, axes=(1, 2)),
        'flip_rot270': np.rot90(base[::-1, :, ::-1], 3, axes=(1, 2)),
    }[view]
    out = IntraVideoMixup.mix(clip, 0.3, 1)
    assert out.flags.c_contiguous and out.dtype == np.float32
    np.testing.assert_array_equal(
        out, IntraVideoMixup.mix(np.ascontiguousarray(clip), 0.3, 1))
    expected = (np.float32(0.7) * clip.astype(np.float32) +
                np.float32(0.3) * clip[1].astype(np.float32))
    np.testing.assert_array_equal(out, expected)


def test_only_key_is_changed():
    clip = make_clip()
    np.random.seed(0)
    results = IntraVideoMixup(key='other')(
        dict(imgs=list(clip), other=list(clip)))
    assert results['imgs'][0].dtype == np.uint8
    assert results['other'][0].dtype == np.float32


def draw(mixup, n, t=4):
    clip = make_clip(t=t, h=1, w=1, c=1)
    lams, frames = [], []
    for _ in range(n):
        results = mixup(dict(noise_imgs=list(clip)))
        lams.append(results['mixup_lambda'])
        frames.append(results['mixup_frame'])
    return np.array(lams), np.array(frames)


def test_beta_lambda_statistics():
    np.random.seed(0)
    lams, frames = draw(IntraVideoMixup(alpha=1.0), 2000)
    # Beta(1, 1) = U(0, 1): mean 1/2, variance 1/12.
    assert lams.min() >= 0 and lams.max() <= 1
    assert abs(lams.mean() - 0.5) < 0.03
    assert abs(lams.var() - 1 / 12) < 0.01
    # k is uniform over the 4 frames (expected 500 each, std ~ 19).
    counts = np.bincount(frames, minlength=4)
    assert len(counts) == 4 and counts.min() > 420 and counts.max() < 580
    # Beta(0.2, 0.2): variance 1 / (4 * (2 * 0.2 + 1)) = 0.179.
    lams, _ = draw(IntraVideoMixup(alpha=0.2), 2000)
    assert abs(lams.mean() - 0.5) < 0.04
    assert abs(lams.var() - 1 / 5.6) < 0.015


def test_vtdl_lambda_statistics():
    np.random.seed(0)
    lams, _ = draw(IntraVideoMixup(lambda_law='vtdl'), 2000)
    # U(0, 1) * 0.3: in [0, 0.3), mean 0.15.
    assert lams.min() >= 0 and lams.max() < 0.3
    assert lams.max() > 0.29 and lams.min() < 0.01
    assert abs(lams.mean() - 0.15) < 0.01
    lams, _ = draw(IntraVideoMixup(lambda_law='vtdl', vtdl_scale=1.0), 2000)
    assert abs(lams.mean() - 0.5) < 0.03


def test_missing_key():
    with pytest.raises(KeyError, match="'noise_imgs'.*v.avi"):
        IntraVideoMixup()(dict(imgs=[], filename='v.avi'))


@pytest.mark.parametrize('kwargs, name', [
    (dict(alpha=0), 'alpha=0'), (dict(alpha=-1.0), r'alpha=-1\.0'),
    (dict(alpha=float('nan')), 'alpha=nan'),
    (dict(alpha=float('inf')), 'alpha=inf'), (dict(alpha='1'), "alpha='1'"),
    (dict(alpha=True), 'alpha=True'),
    (dict(lambda_law='uniform'), "'uniform'"),
    (dict(vtdl_scale=0), 'vtdl_scale=0'),
    (dict(vtdl_scale=1.5), r'vtdl_scale=1\.5'),
    (dict(vtdl_scale=-0.1), r'vtdl_scale=-0\.1'),
    (dict(vtdl_scale=float('nan')), 'vtdl_scale=nan'),
    (dict(key=''), "key.*''"),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        IntraVideoMixup(**kwargs)


def test_repr():
    text = repr(IntraVideoMixup(alpha=0.5, lambda_law='vtdl', vtdl_scale=0.2,
                                key='x'))
    assert text == ("IntraVideoMixup(alpha=0.5, lambda_law='vtdl', "
                    "vtdl_scale=0.2, key='x')")


def test_mix_into_out_and_the_handed_on_buffer():
    clip = make_clip()
    out = np.full(clip.shape, np.nan, dtype=np.float32)
    assert IntraVideoMixup.mix(clip, 0.4, 3, out=out) is out
    np.testing.assert_array_equal(out, IntraVideoMixup.mix(clip, 0.4, 3))
    with pytest.raises(ValueError, match='float32'):
        IntraVideoMixup.mix(clip, 0.4, 3, out=np.empty(clip.shape))
    with pytest.raises(ValueError, match=r'\(4, 6, 8, 3\)'):
        IntraVideoMixup.mix(clip, 0.4, 3,
                            out=np.empty((4, 6, 8, 1), np.float32))
    np.random.seed(1)
    results = IntraVideoMixup()(dict(noise_imgs=list(clip)))
    buffer = results['two_view_buffer']
    assert buffer.shape == (2, ) + clip.shape and buffer.dtype == np.float32
    # the noise frames are slot 1 of the buffer
    for j, frame in enumerate(results['noise_imgs']):
        assert frame.ctypes.data == buffer[1, j].ctypes.data
    np.testing.assert_array_equal(
        buffer[1], IntraVideoMixup.mix(clip, results['mixup_lambda'],
                                       results['mixup_frame']))
