"""Intra-Video Mixup (eq. 4): blend every frame of a clip with one frame of
the same clip."""
from numbers import Real
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from .clip_utils import (Clip, as_row_major, blend_uint8,
                         frame_views, get_frames)


#: The laws of ``lambda``: the paper's Beta, the authors' code's scaled
#: uniform (docs/method.md, decision 8).
LAMBDA_LAWS = ('beta', 'vtdl')

#: The output types of the blend: rounded to the nearest uint8 (the default)
#: or kept in float32 (docs/performance.md, "uint8 mixup").
OUT_DTYPES = ('uint8', 'float32')


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

    By default (``out_dtype='uint8'``) the blend is rounded to the nearest
    integer (a tie to even) and stored as uint8, like the clean view and the
    frames MMAction2 packs::

        out_j = uint8(round((1 - lambda) * x_j + lambda * x_k))

    computed by OpenCV's ``addWeighted`` in float32 arithmetic. A pixel is
    within 0.5 of the real-number blend; where that blend is within float32
    rounding of a .5, it may round to the other side from NumPy's float32
    blend, never further (how often: docs/performance.md, "uint8 mixup"). The
    noise view then takes a quarter of the bytes of a float32 one, in the
    pack buffer, the DataLoader's transfer and on the way to the device
    (docs/performance.md, "uint8 mixup"; docs/method.md, decision 15). The
    paper (eq. 4) names no precision. ``out_dtype='float32'`` keeps the
    unrounded float32 blend, computed once, in place::

        a, b = float32(1 - lambda), float32(lambda)
        out_j = float32(a * x_j) + float32(b * x_k)   # each op rounded

    Input that is not uint8 (e.g. after ``VideoGaussianNoise``) is blended
    in float32 whatever ``out_dtype`` says, since its values need not lie
    in ``[0, 255]``.

    Either way the noise view can be recomputed bit for bit from
    ``mixup_lambda`` and ``mixup_frame`` (``mix`` is that definition); the
    float32 blend differs from the exact real-number one by a few float32
    ulps (relative error < 1e-6 for uint8 input).

    Required Keys:

        - <key>: a list of ``T`` frames ``H x W x C`` (or a ``T x H x W x C``
          array).

    Added or Modified Keys:

        - <key>: the blended clip, ``T`` uint8 (or float32) frames
          ``H x W x C``.
        - mixup_lambda: ``lambda`` (float).
        - mixup_frame: ``k`` (int, in ``[0, T)``).

    Args:
        alpha (float): Parameter of ``Beta(alpha, alpha)``; must be > 0.
            Defaults to 1.0 (``lambda`` uniform on ``[0, 1]``).
        lambda_law (str): ``'beta'`` or ``'vtdl'``. Defaults to ``'beta'``.
        vtdl_scale (float): Upper bound of ``lambda`` for ``'vtdl'``; must be
            in ``(0, 1]``. Unused by ``'beta'``. Defaults to 0.3.
        key (str): Key of the clip to blend. Defaults to ``'noise_imgs'``.
        out_dtype (str): ``'uint8'`` (rounded) or ``'float32'``, for uint8
            input. Defaults to ``'uint8'``.
    """

    lambda_laws = LAMBDA_LAWS

    def __init__(self,
                 alpha: float = 1.0,
                 lambda_law: str = 'beta',
                 vtdl_scale: float = 0.3,
                 key: str = 'noise_imgs',
                 out_dtype: str = 'uint8') -> None:
        check_mixup_law('IntraVideoMixup', alpha, lambda_law, vtdl_scale)
        if not isinstance(key, str) or not key:
            raise ValueError('IntraVideoMixup: key must be a non-empty str; '
                             f'got {key!r}')
        check_out_dtype('IntraVideoMixup', out_dtype)
        self.out_dtype = out_dtype
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
            out: np.ndarray = None,
            out_dtype: str = 'uint8') -> np.ndarray:
        """Eq. 4 on a ``T x H x W x C`` clip (or ``T`` frames), in float32,
        or rounded to uint8 if ``out_dtype`` is ``'uint8'`` (see the class
        doc); returns ``out``, by default a new C-contiguous array of
        ``out_dtype``.

        ``clip`` may be any views (crops, flips, rotations). ``out``
        (optional) is a ``T x H x W x C`` array of ``out_dtype`` to write
        into; it must not overlap ``clip``.
        """
        check_out_dtype('IntraVideoMixup.mix', out_dtype)
        frames = list(clip)
        shape = (len(frames), ) + frames[0].shape
        dtype = np.dtype(out_dtype)
        if dtype == np.uint8 and frames[0].dtype != np.uint8:
            raise ValueError(
                f'IntraVideoMixup.mix: out_dtype uint8 needs uint8 frames '
                f'(their blend is then in [0, 255]); got {frames[0].dtype}')
        if out is None:
            out = np.empty(shape, dtype=dtype)
        elif out.dtype != dtype or out.shape != shape:
            raise ValueError(f'IntraVideoMixup.mix: out must be {out_dtype} '
                             f'{shape}; got {out.dtype} {out.shape}')
        if dtype == np.uint8:
            blend_uint8(frames, 1.0 - lam, lam, frame, out)
        else:
            _blend_float32(frames, lam, frame, out)
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
        out_dtype = (self.out_dtype
                     if clip[0].dtype == np.uint8 else 'float32')
        results[self.key] = frame_views(  # T x H x W x C, a new array
            self.mix(clip, lam, frame, out_dtype=out_dtype))
        results['mixup_lambda'] = lam
        results['mixup_frame'] = frame
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(alpha={self.alpha}, '
                f'lambda_law={self.lambda_law!r}, '
                f'vtdl_scale={self.vtdl_scale}, key={self.key!r}, '
                f'out_dtype={self.out_dtype!r})')


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


def check_out_dtype(owner: str, out_dtype) -> None:
    """Check an ``out_dtype`` argument (``owner`` names the caller in the
    error)."""
    if out_dtype not in OUT_DTYPES:
        raise ValueError(f'{owner}: out_dtype must be one of {OUT_DTYPES}; '
                         f'got out_dtype={out_dtype!r}')


def _blend_float32(frames, lam: float, frame: int, out: np.ndarray) -> None:
    """The float32 blend into ``out``, frame by frame, in place: one cast,
    one multiply, one add per frame, with ``b x_k`` computed once."""
    frames = [as_row_major(f) for f in frames]  # views, or fast copies
    a, b = np.float32(1.0 - lam), np.float32(lam)
    mixed_in = frames[frame].astype(np.float32)
    mixed_in *= b  # b x_k
    for j, x_j in enumerate(frames):  # frame by frame, in the cache
        out_j = out[j]
        out_j[...] = x_j  # the one cast
        out_j *= a  # a x_j
        out_j += mixed_in
