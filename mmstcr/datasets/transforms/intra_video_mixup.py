"""Intra-Video Mixup (eq. 4): blend every frame of a clip with one frame of
the same clip."""
from numbers import Real
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from .clip_utils import (TWO_VIEW_BUFFER_KEY, Clip, as_row_major,
                         frame_views, get_frames)


#: The laws of ``lambda``: the paper's Beta, the authors' code's scaled
#: uniform (docs/method.md, decision 8).
LAMBDA_LAWS = ('beta', 'vtdl')


@TRANSFORMS.register_module()
class IntraVideoMixup(BaseTransform):
    """Intra-Video Mixup: ``x_j <- (1 - lambda) * x_j + lambda * x_k``.

    One frame index ``k`` is drawn uniformly from the ``T`` frames of the
    clip (``k`` may be any frame, including the one being blended), and one
    ``lambda`` per clip; every frame ``j`` is blended with frame ``k``. This
    adds a static, spatially structured perturbation without changing the
    motion (paper, eq. 4). ``k`` indexes the clip as this transform sees it,
    i.e. after the Spatio-Temporal Transformation when that runs first
    (``phi(T(x))``, docs/method.md, decision 2).

    ``lambda`` follows one of two laws:

    - ``'beta'`` (the paper): ``lambda ~ Beta(alpha, alpha)``.
    - ``'vtdl'`` (the authors' public VTDL code, docs/method.md, decision 8):
      ``lambda = U(0, 1) * vtdl_scale``, so ``lambda`` lies in
      ``[0, vtdl_scale)``.

    The output frames are float32 and are not rounded back to uint8: rounding
    would add a quantisation error of up to 0.5 per pixel, and the data
    preprocessor casts to float anyway. The blend is defined in float32, so
    that it is computed once, in place, in one float32 buffer::

        a, b = float32(1 - lambda), float32(lambda)
        out_j = float32(a * x_j) + float32(b * x_k)   # each op rounded

    It can be recomputed bit for bit from ``mixup_lambda`` and
    ``mixup_frame`` (``mix`` is that definition); it differs from the exact
    real-number blend by a few float32 ulps (relative error < 1e-6 for
    uint8 input). Input that is not float32 is cast to float32 first.

    The blend is written into slot 1 of a new float32 ``2 x T x H x W x C``
    buffer, handed on in ``results['two_view_buffer']``: ``PackSTCRInputs``
    then writes only the clean view, into slot 0, instead of copying the
    blended clip a second time. If a transform in between replaces the
    noise view, the pack sees that and copies as usual.

    Required Keys:

        - <key>: a list of ``T`` frames ``H x W x C`` (or a ``T x H x W x C``
          array).

    Added or Modified Keys:

        - <key>: the blended clip, ``T`` float32 frames ``H x W x C``.
        - mixup_lambda: ``lambda`` (float).
        - mixup_frame: ``k`` (int, in ``[0, T)``).
        - two_view_buffer: float32 ``2 x T x H x W x C``; slot 1 is the
          blended clip (the frames of <key> are views of it), slot 0 is
          not written (``PackSTCRInputs`` writes the clean view there).

    Args:
        alpha (float): Parameter of ``Beta(alpha, alpha)``; must be > 0.
            Defaults to 1.0 (``lambda`` uniform on ``[0, 1]``).
        lambda_law (str): ``'beta'`` or ``'vtdl'``. Defaults to ``'beta'``.
        vtdl_scale (float): Upper bound of ``lambda`` for ``'vtdl'``; must be
            in ``(0, 1]``. Unused by ``'beta'``. Defaults to 0.3.
        key (str): Key of the clip to blend. Defaults to ``'noise_imgs'``.
    """

    lambda_laws = LAMBDA_LAWS

    def __init__(self,
                 alpha: float = 1.0,
                 lambda_law: str = 'beta',
                 vtdl_scale: float = 0.3,
                 key: str = 'noise_imgs') -> None:
        check_mixup_law('IntraVideoMixup', alpha, lambda_law, vtdl_scale)
        if not isinstance(key, str) or not key:
            raise ValueError('IntraVideoMixup: key must be a non-empty str; '
                             f'got {key!r}')
        self.alpha = float(alpha)
        self.lambda_law = lambda_law
        self.vtdl_scale = float(vtdl_scale)
        self.key = key

    def _sample_lambda(self) -> float:
        """Draw ``lambda`` from the configured law."""
        if self.lambda_law == 'beta':
            return float(np.random.beta(self.alpha, self.alpha))
        return float(np.random.uniform(0.0, 1.0) * self.vtdl_scale)

    @staticmethod
    def _sample_frame(num_frames: int) -> int:
        """Draw the mixed-in frame index ``k`` uniformly in ``[0, T)``."""
        return int(np.random.randint(num_frames))

    @staticmethod
    def mix(clip: Clip, lam: float, frame: int,
            out: np.ndarray = None) -> np.ndarray:
        """Eq. 4 on a ``T x H x W x C`` clip (or ``T`` frames), in float32
        (see the class doc); returns ``out``, by default a new C-contiguous
        float32 array.

        ``clip`` may be any views (crops, flips, rotations): it is read
        once, when it is cast into the output buffer; the blend then runs in
        place in that buffer. ``out`` (optional) is a float32
        ``T x H x W x C`` array to write into; it must not overlap ``clip``.
        """
        frames = [as_row_major(f) for f in clip]  # views, or fast copies
        a, b = np.float32(1.0 - lam), np.float32(lam)
        mixed_in = frames[frame].astype(np.float32)
        mixed_in *= b  # b x_k
        shape = (len(frames), ) + mixed_in.shape
        if out is None:
            out = np.empty(shape, dtype=np.float32)
        elif out.dtype != np.float32 or out.shape != shape:
            raise ValueError(f'IntraVideoMixup.mix: out must be float32 '
                             f'{shape}; got {out.dtype} {out.shape}')
        for j, x_j in enumerate(frames):  # frame by frame, in the cache
            out_j = out[j]
            out_j[...] = x_j  # the one cast
            out_j *= a  # a x_j
            out_j += mixed_in
        return out

    def transform(self, results: Dict) -> Dict:
        """Draw ``lambda`` and ``k`` and blend ``results[self.key]``.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        clip = get_frames(results, self.key, 'IntraVideoMixup')
        lam = self._sample_lambda()
        frame = self._sample_frame(len(clip))
        # 2 x T x H x W x C; slot 1 now, slot 0 in PackSTCRInputs
        buffer = np.empty((2, len(clip)) + clip[0].shape, dtype=np.float32)
        results[self.key] = frame_views(
            self.mix(clip, lam, frame, out=buffer[1]))
        results[TWO_VIEW_BUFFER_KEY] = buffer
        results['mixup_lambda'] = lam
        results['mixup_frame'] = frame
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(alpha={self.alpha}, '
                f'lambda_law={self.lambda_law!r}, '
                f'vtdl_scale={self.vtdl_scale}, key={self.key!r})')


def _is_real(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def check_mixup_law(owner: str, alpha, lambda_law, vtdl_scale) -> None:
    """Check the ``lambda`` law arguments of an Intra-Video Mixup
    (``owner`` names the class in the error)."""
    if not _is_real(alpha) or not alpha > 0 or not np.isfinite(alpha):
        raise ValueError(f'{owner}: alpha must be a finite number > 0; got '
                         f'alpha={alpha!r}')
    if lambda_law not in LAMBDA_LAWS:
        raise ValueError(f'{owner}: unknown lambda_law {lambda_law!r}; '
                         f'expected one of {LAMBDA_LAWS}')
    if not _is_real(vtdl_scale) or not 0 < vtdl_scale <= 1:
        raise ValueError(f'{owner}: vtdl_scale must be in (0, 1]; got '
                         f'vtdl_scale={vtdl_scale!r}')
