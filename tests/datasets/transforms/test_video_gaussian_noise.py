import numpy as np
import pytest

import mmstcr  # noqa: F401  (registers the transforms)
from mmaction.registry import TRANSFORMS
from mmstcr.datasets.transforms import VideoGaussianNoise


def make_clip(t=4, h=16, w=16, c=3):
    rng = np.random.default_rng(3)
    return rng.integers(0, 256, size=(t, h, w, c), dtype=np.uint8)


def test_same_noise_on_every_frame_rebuilt_from_seed():
    clip = make_clip()
    noise_tf = TRANSFORMS.build(dict(type='VideoGaussianNoise', std=5.0))
    np.random.seed(0)
    results = noise_tf(dict(noise_imgs=list(clip)))
    seed = results['gaussian_noise_seed']
    assert type(seed) is int and results['gaussian_noise_std'] == 5.0
    out = np.stack(results['noise_imgs'])
    assert out.dtype == np.float32 and out.shape == clip.shape
    added = out.astype(np.float64) - clip
    for t in range(1, 4):  # identical noise image on each frame
        np.testing.assert_allclose(added[t], added[0], atol=1e-4)
    expected = np.random.default_rng(seed).normal(0.0, 5.0, size=(16, 16, 3))
    np.testing.assert_allclose(added[0], expected, atol=1e-4)
    # not clipped to [0, 255]
    assert out.min() < 0 or out.max() > 255


def test_noise_statistics_and_fresh_seeds():
    clip = np.full((2, 32, 32, 3), 100, dtype=np.uint8)
    noise_tf = VideoGaussianNoise(std=8.0, key='imgs')
    np.random.seed(1)
    seeds = set()
    for _ in range(5):
        results = noise_tf(dict(imgs=list(clip)))
        seeds.add(results['gaussian_noise_seed'])
        added = np.stack(results['imgs'])[0] - 100.0  # 3072 samples
        assert abs(added.mean()) < 0.6  # std of the mean: 8 / 55 = 0.14
        assert abs(added.std() - 8.0) < 0.5
    assert len(seeds) == 5


@pytest.mark.parametrize('std', [0, -1.0, float('nan'), float('inf'), '5',
                                 True])
def test_bad_std(std):
    with pytest.raises(ValueError, match=f'std={std!r}'):
        VideoGaussianNoise(std=std)


def test_bad_key_and_missing_std():
    with pytest.raises(ValueError, match="key.*''"):
        VideoGaussianNoise(std=1.0, key='')
    with pytest.raises(TypeError, match='std'):
        VideoGaussianNoise()


def test_repr():
    assert repr(VideoGaussianNoise(std=2, key='v')) == \
        "VideoGaussianNoise(std=2.0, key='v')"
