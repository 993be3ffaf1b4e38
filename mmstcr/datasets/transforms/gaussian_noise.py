"""White Gaussian noise on a clip: the "Gaussian Noise" variant of the
paper's Table 1, an alternative to Intra-Video Mixup on the noise path."""
from numbers import Real
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from .clip_utils import get_clip, to_frames


@TRANSFORMS.register_module()
class VideoGaussianNoise(BaseTransform):
    """Add one white Gaussian noise image to every frame of a clip.

    Table 1 (a) of the paper "maps identical spatial white Gaussian noise to
    each frame": one noise image ``n ~ N(0, std^2)`` of ``H x W x C`` is drawn
    per clip and added to all ``T`` frames, so, like Intra-Video Mixup, the
    perturbation is static and the motion is unchanged.

    The noise is drawn from a fresh generator seeded with a seed drawn from
    NumPy's global generator (so the worker seeding of MMEngine applies);
    the seed is recorded, and ``n`` can be rebuilt exactly with
    ``np.random.default_rng(seed).normal(0, std, (H, W, C))``. The output is
    float32 and is neither clipped to ``[0, 255]`` nor rounded (the noise
    must stay zero-mean; see also :class:`IntraVideoMixup`).

    Required Keys:

        - <key>: a list of ``T`` frames ``H x W x C`` (or a ``T x H x W x C``
          array).

    Added or Modified Keys:

        - <key>: the noisy clip, ``T`` float32 frames ``H x W x C``.
        - gaussian_noise_seed: the seed of the noise (int).
        - gaussian_noise_std: ``std`` (float).

    Args:
        std (float): Standard deviation of the noise, in pixel units (0-255
            for uint8 frames); must be > 0. The paper gives no value, so it
            has no default.
        key (str): Key of the clip. Defaults to ``'noise_imgs'``.
    """

    def __init__(self, std: float, key: str = 'noise_imgs') -> None:
        if (not isinstance(std, Real) or isinstance(std, bool)
                or not 0 < std < float('inf')):
            raise ValueError('VideoGaussianNoise: std must be a finite '
                             f'number > 0; got std={std!r}')
        if not isinstance(key, str) or not key:
            raise ValueError('VideoGaussianNoise: key must be a non-empty '
                             f'str; got {key!r}')
        self.std = float(std)
        self.key = key

    @staticmethod
    def _sample_seed() -> int:
        """Draw the seed of this clip's noise from NumPy's global RNG."""
        return int(np.random.randint(2**31 - 1))

    @staticmethod
    def make_noise(seed: int, std: float, shape: tuple) -> np.ndarray:
        """The noise image of ``seed``: float64, ``shape = (H, W, C)``."""
        return np.random.default_rng(seed).normal(0.0, std, size=shape)

    def transform(self, results: Dict) -> Dict:
        """Draw a noise image and add it to every frame.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        clip = get_clip(results, self.key, 'VideoGaussianNoise')
        seed = self._sample_seed()
        noise = self.make_noise(seed, self.std, clip.shape[1:])  # H x W x C
        noisy = clip.astype(np.float64) + noise[None]  # T x H x W x C
        results[self.key] = to_frames(noisy.astype(np.float32))
        results['gaussian_noise_seed'] = seed
        results['gaussian_noise_std'] = self.std
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(std={self.std}, '
                f'key={self.key!r})')
