"""The Spatio-Temporal Transformation (STT, eq. 3) as a pipeline step."""
from typing import Dict, List, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from mmstcr.structures import (FLIP_MODES, ROTATION_DEGREES,
                               apply_stt_frames, stt_codes)
from .clip_utils import get_frames, video_name


@TRANSFORMS.register_module()
class SpatioTemporalTransform(BaseTransform):
    """Apply one random STT ``T(x) = Rot(Flip(x, z1), z2)`` to a whole clip.

    One flip and one rotation are drawn uniformly and independently from the
    configured subsets (all ``4 x 4 = 16`` combinations by default) and
    applied with :func:`mmstcr.structures.apply_stt`, the same operation on
    every frame: flip first (left-right and/or frame order), then rotate
    counter-clockwise by the drawn angle. The code ``(z1, z2)`` is recorded so
    that the model can invert it on its feature maps. Smaller subsets give
    the paper's ablations; ``flips=('none', ), rotations=(0, )`` is the
    identity (code ``(0, 0)`` on every sample).

    Required Keys:

        - <key>: a list of ``T`` frames ``H x W x C`` (or a ``T x H x W x C``
          array). Frames must be square if a 90 or 270-degree rotation is
          configured.

    Added or Modified Keys:

        - <key>: the transformed clip, ``T`` frames (height and width swap
          for odd quarter turns; equal for square frames). The frames are
          NumPy views of the input (they may have negative strides),
          read-only if the input was.
        - stt_code: ``(z1, z2)``, two ints: ``z1`` indexes
          ``FLIP_MODES = ('none', 'horizontal', 'temporal',
          'temporal_horizontal')``, ``z2`` is the number of 90-degree
          counter-clockwise turns (see ``mmstcr/structures/stt.py``).
        - stt_flip: the flip name, e.g. ``'temporal_horizontal'``.
        - stt_rotation: the rotation in degrees, e.g. ``90``.

    Args:
        flips (Sequence[str]): The flips to draw from, names from
            ``FLIP_MODES``. Defaults to all four,
            ``('none', 'horizontal', 'temporal', 'temporal_horizontal')``.
        rotations (Sequence[int]): The counter-clockwise rotations to draw
            from, in degrees from ``(0, 90, 180, 270)``. Defaults to all four.
        key (str): Key of the clip to transform. Defaults to
            ``'noise_imgs'``.
    """

    def __init__(self,
                 flips: Sequence[str] = FLIP_MODES,
                 rotations: Sequence[int] = ROTATION_DEGREES,
                 key: str = 'noise_imgs') -> None:
        self.flips = self._check_choices('flips', flips, str)
        self.rotations = tuple(
            int(r) for r in self._check_choices('rotations', rotations, (
                int, np.integer)))
        try:  # stt_codes names an unknown flip or rotation
            self._flip_codes, self._rotation_codes = stt_codes(
                self.flips, self.rotations)
        except ValueError as exc:
            raise ValueError(f'SpatioTemporalTransform: {exc}') from None
        if not isinstance(key, str) or not key:
            raise ValueError('SpatioTemporalTransform: key must be a '
                             f'non-empty str; got {key!r}')
        self.key = key

    @staticmethod
    def _check_choices(name: str, values, kind) -> tuple:
        if isinstance(values, (str, bytes)) or not isinstance(
                values, Sequence):
            raise ValueError(
                f'SpatioTemporalTransform: {name} must be a list or tuple; '
                f'got {values!r}')
        if len(values) == 0:
            raise ValueError(
                f'SpatioTemporalTransform: {name} is empty; give at least '
                f'one choice (the identity is flips=(\'none\', ), '
                f'rotations=(0, ))')
        for value in values:
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(
                    f'SpatioTemporalTransform: bad entry {value!r} in '
                    f'{name}={tuple(values)!r}')
        if len(set(values)) != len(values):
            raise ValueError(
                f'SpatioTemporalTransform: duplicate entries in '
                f'{name}={tuple(values)!r} would bias the sampling')
        return tuple(values)

    def _sample_code(self) -> Tuple[int, int]:
        """Draw ``(z1, z2)`` uniformly from the configured flips and
        rotations."""
        z1 = self._flip_codes[np.random.randint(len(self._flip_codes))]
        z2 = self._rotation_codes[np.random.randint(
            len(self._rotation_codes))]
        return z1, z2

    @staticmethod
    def apply_to_frames(frames: Sequence[np.ndarray],
                        code: Tuple[int, int]) -> List[np.ndarray]:
        """The STT of ``code`` on a list of ``H x W x C`` frames, as views
        (:func:`mmstcr.structures.apply_stt_frames`). The one copy comes
        later (``IntraVideoMixup`` or ``PackSTCRInputs``)."""
        return apply_stt_frames(frames, code)

    def transform(self, results: Dict) -> Dict:
        """Draw an STT code and apply it to ``results[self.key]``.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        frames = get_frames(results, self.key, 'SpatioTemporalTransform')
        img_h, img_w = frames[0].shape[:2]
        if img_h != img_w and any(z2 % 2 for z2 in self._rotation_codes):
            raise ValueError(
                f'SpatioTemporalTransform: a 90/270-degree rotation needs '
                f'square frames; results[{self.key!r}] has T x H x W x C = '
                f'{(len(frames), ) + frames[0].shape}{video_name(results)}')
        code = self._sample_code()
        results[self.key] = self.apply_to_frames(frames, code)
        results['stt_code'] = code
        results['stt_flip'] = FLIP_MODES[code[0]]
        results['stt_rotation'] = ROTATION_DEGREES[code[1]]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(flips={self.flips!r}, '
                f'rotations={self.rotations!r}, key={self.key!r})')
