"""Two square random crops of one decoded clip: STCR's clean and noise views
(docs/method.md, decision 1)."""
from typing import Dict, List, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from .clip_utils import get_frames, video_name


@TRANSFORMS.register_module()
class TwoViewRandomCrop(BaseTransform):
    """Crop the clean view and the noise view of STCR from the same frames.

    The temporal window is decoded once. This transform takes two independent
    random square crops of those frames: the clean view replaces
    ``results['imgs']``, the noise view goes to ``results[noise_key]``. Both
    views hold the same frames in the same order; only the spatial location
    differs. Every crop position is equally likely, from the top-left corner
    to the bottom-right one inclusive.

    By default both views are read-only NumPy views of the input frames: no
    pixel is copied here; each view is copied once, when it is written into
    the pack buffer (by ``PackSTCRInputs``, or for the noise view by
    ``IntraVideoMixup``'s blend when it runs). The two views overlap in
    memory, so they are marked read-only: a later in-place transform (e.g.
    MMAction2's ``Flip``, which flips frames in place) raises instead of
    silently changing the other view. Pass ``copy=True`` to get views that
    own their memory, for such pipelines.

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
        copy (bool): Copy each view into memory of its own (writable)
            instead of returning read-only views. Defaults to False.
    """

    def __init__(self,
                 size: int = 112,
                 noise_key: str = 'noise_imgs',
                 copy: bool = False) -> None:
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
        if not isinstance(copy, bool):
            raise ValueError(
                f'TwoViewRandomCrop: copy must be a bool; got copy={copy!r}')
        self.size = int(size)
        self.noise_key = noise_key
        self.copy = copy

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
    def crop_frames(frames: Sequence[np.ndarray],
                    bbox: np.ndarray,
                    copy: bool = False) -> List[np.ndarray]:
        """Crop ``T`` frames ``H x W x C`` (or a ``T x H x W x C`` array) to
        ``bbox``; returns ``T`` frames, read-only views of the input (or,
        with ``copy=True``, frames that own their memory)."""
        x1, y1, x2, y2 = (int(v) for v in bbox)
        views = []
        for frame in frames:
            view = frame[y1:y2, x1:x2]  # size x size x C, no copy
            if copy:
                view = view.copy()
            else:
                view.flags.writeable = False  # the input keeps its flags
            views.append(view)
        return views

    def transform(self, results: Dict) -> Dict:
        """Crop the clean and the noise view.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        frames = get_frames(results, 'imgs', 'TwoViewRandomCrop')
        img_h, img_w = frames[0].shape[:2]
        if img_h < self.size or img_w < self.size:
            raise ValueError(
                f'TwoViewRandomCrop: frames of H x W = {img_h} x {img_w} are '
                f'smaller than the crop size {self.size}'
                f'{video_name(results)}; resize them first (e.g. '
                f'Resize(scale=(-1, {self.size})))')

        clean_bbox = self.get_crop_bbox(img_h, img_w, self.size)
        noise_bbox = self.get_crop_bbox(img_h, img_w, self.size)

        results['imgs'] = self.crop_frames(frames, clean_bbox, self.copy)
        results[self.noise_key] = self.crop_frames(frames, noise_bbox,
                                                   self.copy)
        results['crop_bbox'] = clean_bbox
        results['noise_crop_bbox'] = noise_bbox
        results['img_shape'] = (self.size, self.size)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(size={self.size}, '
                f'noise_key={self.noise_key!r}, copy={self.copy})')
