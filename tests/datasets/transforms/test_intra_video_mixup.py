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
    out = IntraVideoMixup.mix(clip, 0.25, 2, out_dtype='float32')
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.ravel(), [5.0, 12.5, 20.0])
    out = IntraVideoMixup.mix(clip, 0.6, 0, out_dtype='float32')
    np.testing.assert_allclose(out.ravel(), [0.0, 4.0, 8.0], rtol=1e-6)
    # uint8 (the default): rounded to nearest, a tie to even (12.5 -> 12)
    out = IntraVideoMixup.mix(clip, 0.25, 2)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out.ravel(), [5, 12, 20])
    # 0.7 * [0, 10, 20] + 0.3 * 10 = 3, 10, 17; lambda 0.1 with frame 2:
    # 0.9 * [0, 10, 20] + 2 = 2, 11, 20
    np.testing.assert_array_equal(
        IntraVideoMixup.mix(clip, 0.3, 1).ravel(), [3, 10, 17])
    np.testing.assert_array_equal(
        IntraVideoMixup.mix(clip, 0.1, 2).ravel(), [2, 11, 20])
    # 0.5 * [1, 3, 5, 7] + 0.5 * 0: ties 0.5, 1.5, 2.5, 3.5 go to even
    ties = np.array([1, 3, 5, 7, 0], np.uint8).reshape(5, 1, 1, 1)
    np.testing.assert_array_equal(
        IntraVideoMixup.mix(ties, 0.5, 4).ravel(), [0, 2, 2, 4, 0])


def test_transform_matches_eq4_from_recorded_values():
    clip = make_clip()
    frames = list(clip)
    mixup = TRANSFORMS.build(dict(type='IntraVideoMixup',
                                  out_dtype='float32'))
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


def test_uint8_transform_is_the_rounded_float32_blend():
    clip = make_clip(t=6, h=20, w=24)
    frames = list(clip)
    mixup = IntraVideoMixup()
    assert mixup.out_dtype == 'uint8'
    np.random.seed(2)
    off = total = 0
    for _ in range(20):
        results = mixup(dict(noise_imgs=frames))
        lam, k = results['mixup_lambda'], results['mixup_frame']
        out = np.stack(results['noise_imgs'])
        assert out.dtype == np.uint8
        # bit for bit from the recorded values
        np.testing.assert_array_equal(out, IntraVideoMixup.mix(clip, lam, k))
        # the float32 blend, rounded: OpenCV's float arithmetic may land a
        # value on the other side of a .5 now and then, never further
        exact = ((1 - lam) * clip.astype(np.float64) +
                 lam * clip[k].astype(np.float64))
        diff = np.abs(out - exact)
        assert diff.max() <= 0.5 + 1e-3
        ref = np.rint(IntraVideoMixup.mix(clip, lam, k, out_dtype='float32'))
        wrong = np.abs(out.astype(int) - ref.astype(int))
        assert wrong.max() <= 1
        off, total = off + int((wrong > 0).sum()), total + wrong.size
    assert off <= total * 1e-3
    np.testing.assert_array_equal(np.stack(frames), make_clip(t=6, h=20, w=24))


@pytest.mark.parametrize('code', [(z1, z2) for z1 in range(4)
                                  for z2 in range(4)])
def test_uint8_mix_of_stt_views_equals_mix_of_copies(code):
    # blend_uint8 blends the row-major crops and writes the result in the
    # STT's layout; the values must be those of blending copied views
    from mmstcr.datasets.transforms import SpatioTemporalTransform
    base = make_clip(t=5, h=13, w=15)
    views = SpatioTemporalTransform.apply_to_frames(
        list(base[:, 1:12, 2:13]), code)
    copies = np.stack([np.ascontiguousarray(f) for f in views])
    for lam, k in ((0.37, 2), (0.81, 0), (0.5, 4)):
        out = IntraVideoMixup.mix(views, lam, k)
        assert out.flags.c_contiguous and out.dtype == np.uint8
        np.testing.assert_array_equal(out, IntraVideoMixup.mix(copies, lam, k))
        np.testing.assert_array_equal(
            out[k], copies[k])  # frame k blended with itself


@pytest.mark.parametrize('channels', [1, 5, 6])
def test_uint8_mix_of_mixed_layouts_and_many_channels(channels):
    # 5: more channels than OpenCV's transpose takes; 6: it takes them
    from mmstcr.datasets.transforms import SpatioTemporalTransform
    base = make_clip(t=4, h=9, w=9, c=channels)
    for code in [(z1, z2) for z1 in range(4) for z2 in range(4)]:
        views = SpatioTemporalTransform.apply_to_frames(list(base), code)
        copies = np.stack([np.ascontiguousarray(f) for f in views])
        np.testing.assert_array_equal(IntraVideoMixup.mix(views, 0.6, 3),
                                      IntraVideoMixup.mix(copies, 0.6, 3))
    base = make_clip(t=3, h=8, w=8, c=channels)
    views = [base[0, :, ::-1], np.rot90(base[1]), base[2]]
    copies = np.stack([np.ascontiguousarray(f) for f in views])
    out = IntraVideoMixup.mix(views, 0.3, 1)
    np.testing.assert_array_equal(out, IntraVideoMixup.mix(copies, 0.3, 1))
    ref = np.rint(IntraVideoMixup.mix(copies, 0.3, 1, out_dtype='float32'))
    assert np.abs(out.astype(int) - ref.astype(int)).max() <= 1


def test_float_input_stays_float32_and_mix_refuses_uint8_of_it():
    clip = make_clip().astype(np.float32) - 100  # e.g. after noise
    np.random.seed(0)
    results = IntraVideoMixup()(dict(noise_imgs=list(clip)))
    assert results['noise_imgs'][0].dtype == np.float32
    with pytest.raises(ValueError, match='uint8 frames.*float32'):
        IntraVideoMixup.mix(clip, 0.3, 1, out_dtype='uint8')
    with pytest.raises(ValueError, match="out_dtype.*'float64'"):
        IntraVideoMixup.mix(clip, 0.3, 1, out_dtype='float64')


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
    out = IntraVideoMixup.mix(clip, 0.3, 1, out_dtype='float32')
    assert out.flags.c_contiguous and out.dtype == np.float32
    np.testing.assert_array_equal(
        out, IntraVideoMixup.mix(np.ascontiguousarray(clip), 0.3, 1,
                                 out_dtype='float32'))
    expected = (np.float32(0.7) * clip.astype(np.float32) +
                np.float32(0.3) * clip[1].astype(np.float32))
    np.testing.assert_array_equal(out, expected)


def test_only_key_is_changed():
    clip = make_clip()
    np.random.seed(0)
    results = IntraVideoMixup(key='other')(
        dict(imgs=list(clip), other=list(clip)))
    assert results['imgs'][0] is not results['other'][0]
    np.testing.assert_array_equal(np.stack(results['imgs']), clip)
    assert not np.array_equal(np.stack(results['other']), clip)


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
    (dict(out_dtype='float16'), "out_dtype='float16'"),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        IntraVideoMixup(**kwargs)


def test_repr():
    text = repr(IntraVideoMixup(alpha=0.5, lambda_law='vtdl', vtdl_scale=0.2,
                                key='x', out_dtype='float32'))
    assert text == ("IntraVideoMixup(alpha=0.5, lambda_law='vtdl', "
                    "vtdl_scale=0.2, key='x', out_dtype='float32')")


@pytest.mark.parametrize('out_dtype', ['uint8', 'float32'])
def test_mix_into_out_and_the_transform_output(out_dtype):
    clip = make_clip()
    dtype = np.dtype(out_dtype)
    out = np.full(clip.shape, 77, dtype=dtype)
    assert IntraVideoMixup.mix(clip, 0.4, 3, out=out,
                               out_dtype=out_dtype) is out
    np.testing.assert_array_equal(
        out, IntraVideoMixup.mix(clip, 0.4, 3, out_dtype=out_dtype))
    other = np.float64 if dtype == np.float32 else np.float32
    with pytest.raises(ValueError, match=out_dtype):
        IntraVideoMixup.mix(clip, 0.4, 3, out=np.empty(clip.shape, other),
                            out_dtype=out_dtype)
    with pytest.raises(ValueError, match=r'\(4, 6, 8, 3\)'):
        IntraVideoMixup.mix(clip, 0.4, 3, out=np.empty((4, 6, 8, 1), dtype),
                            out_dtype=out_dtype)
    np.random.seed(1)
    results = IntraVideoMixup(out_dtype=out_dtype)(
        dict(noise_imgs=list(clip)))
    frames = results['noise_imgs']
    # views of one new T x H x W x C array of the output type
    assert frames[0].base is not None and frames[0].dtype == dtype
    assert all(f.base is frames[0].base for f in frames)
    assert frames[0].base.shape == clip.shape
    assert not np.shares_memory(frames[0].base, clip)
    np.testing.assert_array_equal(
        np.stack(frames), IntraVideoMixup.mix(clip, results['mixup_lambda'],
                                              results['mixup_frame'],
                                              out_dtype=out_dtype))
