"""Two square random crops of one decoded clip: STCR's clean and noise views
(docs/method.md, decision 1)."""
from typing import Dict, List

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from .clip_utils import get_clip, video_name


@TRANSFORMS.register_module()
class TwoViewRandomCrop(BaseTransform):
    """Crop the clean view and the noise view of STCR from the same frames.

    The temporal window is decoded once. This transform takes two independent
    random square crops of those frames: the clean view replaces
    ``results['imgs']``, the noise view goes to ``results[noise_key]``. Both
    views hold the same frames in the same order; only the spatial location
    differs. Every crop position is equally likely, from the top-left corner
    to the bottom-right one inclusive.

    Each view is a copy (not a view of the decoded frames nor of the other
    crop), so a later in-place transform on one view (e.g. MMAction2's
    ``Flip``, which flips frames in place) leaves the other unchanged.

    Required Keys:

        - imgs: a list of ``T`` frames ``H x W x C`` (or a ``T x H x W x C``
          array), as left by ``DecordDecode`` / ``Resize``.
        - filename (optional): named in error messages.

    Added or Modified Keys:

        - imgs: the clean view, ``T`` frames of ``size x size x C``.
        - <noise_key>: the noise view, ``T`` frames of ``size x size x C``.
        - crop_bbox: clean crop box ``[x1, y1, x2, y2]`` in the input frames
          (``np.ndarray``, as MMAction2's ``RandomCrop`` writes it).
        - noise_crop_bbox: noise crop box ``[x1, y1, x2, y2]``.
        - img_shape: ``(size, size)``.

    Args:
        size (int): Side of both square crops. Defaults to 112.
        noise_key (str): Key of the noise view. Defaults to ``'noise_imgs'``.
    """

    def __init__(self, size: int = 112, noise_key: str = 'noise_imgs') -> None:
        if (not isinstance(size, (int, np.integer)) or isinstance(size, bool)
                or size <= 0):
            raise ValueError(
                f'TwoViewRandomCrop: size must be a positive int; got '
                f'{size!r}')
        if not isinstance(noise_key, str) or not noise_key \
                or noise_key == 'imgs':
            raise ValueError(
                'TwoViewRandomCrop: noise_key must be a non-empty str other '
                f"than 'imgs' (the clean view); got {noise_key!r}")
        self.size = int(size)
        self.noise_key = noise_key

    @staticmethod
    def get_crop_bbox(img_h: int, img_w: int, size: int) -> np.ndarray:
        """Sample one square crop box uniformly over all positions.

        Args:
            img_h (int): Frame height, at least ``size``.
            img_w (int): Frame width, at least ``size``.
            size (int): Side of the crop.

        Returns:
            np.ndarray: ``[x1, y1, x2, y2]``, with ``x2 - x1 == y2 - y1 ==
            size``.
        """
        # randint's upper bound is exclusive: offsets 0 .. img - size.
        y1 = int(np.random.randint(0, img_h - size + 1))
        x1 = int(np.random.randint(0, img_w - size + 1))
        return np.array([x1, y1, x1 + size, y1 + size])

    @staticmethod
    def crop_frames(clip: np.ndarray, bbox: np.ndarray) -> List[np.ndarray]:
        """Crop a ``T x H x W x C`` clip to ``bbox``; returns ``T`` frames
        that own their memory."""
        x1, y1, x2, y2 = (int(v) for v in bbox)
        view = clip[:, y1:y2, x1:x2]  # T x size x size x C
        return list(view.copy())

    def transform(self, results: Dict) -> Dict:
        """Crop the clean and the noise view.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        clip = get_clip(results, 'imgs', 'TwoViewRandomCrop')
        img_h, img_w = clip.shape[1:3]
        if img_h < self.size or img_w < self.size:
            raise ValueError(
                f'TwoViewRandomCrop: frames of H x W = {img_h} x {img_w} are '
                f'smaller than the crop size {self.size}'
                f'{video_name(results)}; resize them first (e.g. '
                f'Resize(scale=(-1, {self.size})))')

        clean_bbox = self.get_crop_bbox(img_h, img_w, self.size)
        noise_bbox = self.get_crop_bbox(img_h, img_w, self.size)

        results['imgs'] = self.crop_frames(clip, clean_bbox)
        results[self.noise_key] = self.crop_frames(clip, noise_bbox)
        results['crop_bbox'] = clean_bbox
        results['noise_crop_bbox'] = noise_bbox
        results['img_shape'] = (self.size, self.size)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(size={self.size}, '
                f'noise_key={self.noise_key!r})')
