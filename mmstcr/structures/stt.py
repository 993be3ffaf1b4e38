"""The Spatio-Temporal Transformation (STT) of the paper, eq. 3, and its
exact inverse.

``T(x) = Rot(Flip(x, z1), z2)`` with

* ``z1`` (flip code) indexing :data:`FLIP_MODES`:
  0 ``'none'``, 1 ``'horizontal'`` (left-right), 2 ``'temporal'``,
  3 ``'temporal_horizontal'``;
* ``z2`` (rotation code): the number of 90-degree counter-clockwise quarter
  turns in the (H, W) plane, i.e. 0, 90, 180 or 270 degrees.

One code, one pair of ints ``(z1, z2)``: a transform samples it, writes it
into ``results['stt_code']``, and the model inverts the same code on its
feature maps. This module is the one definition of the 16 codes: the same
functions work on NumPy arrays (frames stacked as ``T x H x W x C`` in the
pipeline) and on torch tensors (clips and features ``N x C x T x H x W``
on the model's device); the caller names the axes. :func:`apply_stt_frames`
is the pipeline's form of :func:`apply_stt` on a list of frames, as views.

The inverse undoes the operations in reverse order: first rotate back by
``-z2``, then undo the flips. A left-right flip and a 90-degree rotation do
not commute, so the order matters (the authors' public code gets it wrong).
"""
from typing import List, Sequence, Tuple, Union

import numpy as np
import torch

FLIP_MODES = ('none', 'horizontal', 'temporal', 'temporal_horizontal')
ROTATION_DEGREES = (0, 90, 180, 270)

ArrayLike = Union[np.ndarray, torch.Tensor]


def flip_code(name: str) -> int:
    """Flip name -> code ``z1``; raises ``ValueError`` naming a bad name."""
    if name not in FLIP_MODES:
        raise ValueError(f'unknown STT flip {name!r}; expected one of '
                         f'{FLIP_MODES}')
    return FLIP_MODES.index(name)


def rotation_code(degrees: int) -> int:
    """Rotation in degrees -> code ``z2`` (quarter turns)."""
    if degrees not in ROTATION_DEGREES:
        raise ValueError(f'unknown STT rotation {degrees!r}; expected one of '
                         f'{ROTATION_DEGREES} (degrees)')
    return ROTATION_DEGREES.index(degrees)


def check_code(code: Sequence[int]) -> Tuple[int, int]:
    """Validate an STT code ``(z1, z2)`` and return it as a tuple of ints."""
    if len(code) != 2:
        raise ValueError(f'an STT code is a pair (flip, rotation); got {code}')
    z1, z2 = int(code[0]), int(code[1])
    if not (0 <= z1 < len(FLIP_MODES) and 0 <= z2 < len(ROTATION_DEGREES)):
        raise ValueError(f'STT code {tuple(code)} out of range: flip must be '
                         f'in [0, 3], rotation in [0, 3]')
    return z1, z2


def _flip(x: ArrayLike, axis: int) -> ArrayLike:
    if isinstance(x, torch.Tensor):
        return torch.flip(x, dims=(axis, ))
    return np.flip(x, axis=axis)


def _rot90(x: ArrayLike, k: int, h_axis: int, w_axis: int) -> ArrayLike:
    """Rotate by ``k`` counter-clockwise quarter turns in the (H, W) plane.

    ``torch.rot90`` and ``np.rot90`` agree: with ``k=1`` the top-right
    element moves to the top-left.
    """
    if isinstance(x, torch.Tensor):
        return torch.rot90(x, k, dims=(h_axis, w_axis))
    return np.rot90(x, k, axes=(h_axis, w_axis))


# Counter-clockwise quarter turns of an ``H x W x C`` frame by basic slicing
# (views, no copy), equal to ``np.rot90(frame, k, axes=(0, 1))``: k=1 flips
# the transposed frame's rows, k=3 transposes the row-flipped frame.
_QUARTER_TURN_VIEWS = (
    lambda f: f,
    lambda f: f.swapaxes(0, 1)[::-1],
    lambda f: f[::-1, ::-1],
    lambda f: f[::-1].swapaxes(0, 1),
)


def stt_codes(flips: Sequence[str],
              rotations: Sequence[int]) -> Tuple[Tuple[int, ...],
                                                 Tuple[int, ...]]:
    """Flip names and rotations in degrees -> their codes ``(z1s, z2s)``;
    raises ``ValueError`` naming an unknown one."""
    return (tuple(flip_code(f) for f in flips),
            tuple(rotation_code(r) for r in rotations))


def _flips_of(z1: int) -> Tuple[bool, bool]:
    """Return ``(temporal, horizontal)`` for a flip code."""
    return z1 in (2, 3), z1 in (1, 3)


def apply_stt(x: ArrayLike,
              code: Sequence[int],
              t_axis: int,
              h_axis: int,
              w_axis: int) -> ArrayLike:
    """Apply ``T(x) = Rot(Flip(x, z1), z2)`` (eq. 3) to one clip.

    Args:
        x: one clip or one feature map, as an array or a tensor.
        code: the STT code ``(z1, z2)``.
        t_axis, h_axis, w_axis: positions of time, height and width in ``x``.

    Returns:
        The transformed clip, same type. For odd ``z2`` height and width swap.
    """
    z1, z2 = check_code(code)
    temporal, horizontal = _flips_of(z1)
    if horizontal:
        x = _flip(x, w_axis)
    if temporal:
        x = _flip(x, t_axis)
    if z2:
        x = _rot90(x, z2, h_axis, w_axis)
    return x


def apply_stt_frames(frames: Sequence[np.ndarray],
                     code: Sequence[int]) -> List[np.ndarray]:
    """:func:`apply_stt` on a list of ``T`` frames ``H x W x C``, as views.

    The frame order is reversed for a temporal flip; each frame is flipped
    left-right, then turned, by basic slicing, which copies nothing (the
    views ``np.flip`` and ``np.rot90`` return, without their per-call
    overhead). Equal to ``apply_stt(np.stack(frames), code, 0, 1, 2)``
    frame by frame for all 16 codes.
    """
    z1, z2 = check_code(code)
    temporal, horizontal = _flips_of(z1)
    if temporal:
        frames = frames[::-1]
    turn = _QUARTER_TURN_VIEWS[z2]
    if horizontal:  # before the rotation
        return [turn(frame[:, ::-1]) for frame in frames]
    return [turn(frame) for frame in frames]


def invert_stt(x: ArrayLike,
               code: Sequence[int],
               t_axis: int,
               h_axis: int,
               w_axis: int) -> ArrayLike:
    """Undo :func:`apply_stt`: rotate back by ``-z2``, then undo the flips.

    ``invert_stt(apply_stt(x, c, ...), c, ...)`` equals ``x`` exactly for all
    16 codes.
    """
    z1, z2 = check_code(code)
    temporal, horizontal = _flips_of(z1)
    if z2:
        x = _rot90(x, -z2, h_axis, w_axis)
    if temporal:
        x = _flip(x, t_axis)
    if horizontal:
        x = _flip(x, w_axis)
    return x


def invert_stt_batch(feats: torch.Tensor,
                     codes: Union[torch.Tensor, Sequence[Sequence[int]]]
                     ) -> torch.Tensor:
    """Invert each sample's STT on a batch of feature maps.

    Args:
        feats: noise-path features, ``N x C' x T' x H' x W'`` with
            ``H' == W'`` (a quarter turn must keep the shape).
        codes: ``N`` codes ``(z1, z2)``, as a list or an ``N x 2`` tensor.

    Returns:
        ``N x C' x T' x H' x W'``: features aligned with the clean path.
    """
    if feats.dim() != 5:
        raise ValueError('invert_stt_batch expects N x C x T x H x W '
                         f'features; got shape {tuple(feats.shape)}')
    if isinstance(codes, torch.Tensor):
        codes = codes.tolist()
    if len(codes) != feats.size(0):
        raise ValueError(f'{len(codes)} STT codes for a batch of '
                         f'{feats.size(0)} feature maps')
    if feats.size(3) != feats.size(4) and any(c[1] % 2 for c in codes):
        raise ValueError('a 90/270-degree STT needs square feature maps; got '
                         f'H x W = {feats.size(3)} x {feats.size(4)}')
    # Each sample: C' x T' x H' x W', so t=1, h=2, w=3.
    return torch.stack([
        invert_stt(f, code, t_axis=1, h_axis=2, w_axis=3)
        for f, code in zip(feats, codes)
    ])
