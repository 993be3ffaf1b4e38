"""Helpers shared by the STCR transforms: read one clip out of ``results``
and check it, with errors that name the transform, the key and the video."""
from typing import Dict, List, Sequence, Tuple, Union

import cv2
import numpy as np

Clip = Union[Sequence[np.ndarray], np.ndarray]


def video_name(results: Dict) -> str:
    """A suffix naming the video of ``results`` in error messages."""
    for key in ('filename', 'frame_dir'):
        if results.get(key) is not None:
            return f' (video: {results[key]})'
    return ''


def get_frames(results: Dict, key: str, owner: str) -> List[np.ndarray]:
    """Return the clip under ``results[key]`` as a list of ``T`` frames
    ``H x W x C``, checked, without copying a pixel.

    The pipeline keeps a clip as MMAction2 does, a list of ``T`` frames of
    ``H x W x C``; a ``T x H x W x C`` array is accepted too (its frames are
    views of it). The frames may be any NumPy views (crops, flips,
    rotations).

    Args:
        results (dict): The result dict of the pipeline.
        key (str): Where the clip is.
        owner (str): Name of the calling transform, for error messages.

    Returns:
        list[np.ndarray]: ``T`` frames of one shape.
    """
    if key not in results:
        raise KeyError(f'{owner}: results has no key {key!r}'
                       f'{video_name(results)}; present keys: '
                       f'{sorted(results)}')
    clip = results[key]
    if isinstance(clip, np.ndarray):
        frames_ok = clip.ndim == 4
    else:
        frames_ok = (isinstance(clip, (list, tuple))
                     and all(isinstance(f, np.ndarray) and f.ndim == 3
                             for f in clip))
    if not frames_ok:
        raise ValueError(
            f'{owner}: results[{key!r}] must be a list of H x W x C frames '
            f'or a T x H x W x C array{video_name(results)}; got '
            f'{_describe(clip)}')
    if len(clip) == 0:
        raise ValueError(f'{owner}: results[{key!r}] holds no frame'
                         f'{video_name(results)}')
    if not isinstance(clip, np.ndarray):
        shapes = {f.shape for f in clip}
        if len(shapes) > 1:
            raise ValueError(
                f'{owner}: the frames of results[{key!r}] differ in shape '
                f'{sorted(shapes)}{video_name(results)}')
    return list(clip)


def get_clip(results: Dict, key: str, owner: str) -> np.ndarray:
    """Return the clip under ``results[key]`` as one ``T x H x W x C`` array.

    As :func:`get_frames`, checked the same way. The returned array is a new
    one when the clip is a list (``np.stack`` copies) and the clip itself
    when it is already an array: callers that write into it must copy first.

    Args:
        results (dict): The result dict of the pipeline.
        key (str): Where the clip is.
        owner (str): Name of the calling transform, for error messages.

    Returns:
        np.ndarray: ``T x H x W x C``.
    """
    clip = results.get(key)
    if isinstance(clip, np.ndarray) and clip.ndim == 4 and len(clip):
        return clip
    return np.stack(get_frames(results, key, owner))


def _plain_view(frame: np.ndarray) -> Tuple[np.ndarray, bool, int]:
    """Write ``frame`` as ``flip(transpose?(base))`` with ``base`` a view
    with row-major positive strides (a crop, say).

    Returns ``(base, transposed, flip)``; ``flip`` is ``cv2.flip``'s code
    (0 rows, 1 columns, -1 both) or None.
    """
    base = frame
    flip_rows = base.strides[0] < 0
    if flip_rows:
        base = base[::-1]
    flip_cols = base.strides[1] < 0
    if flip_cols:
        base = base[:, ::-1]
    transposed = base.strides[0] < base.strides[1]
    if transposed:
        base = base.transpose(1, 0, 2)
    flip = {(True, True): -1, (True, False): 0,
            (False, True): 1}.get((flip_rows, flip_cols))
    return base, transposed, flip


def _is_row_major(frame: np.ndarray) -> bool:
    """Positive strides, pixels of a row adjacent, channels adjacent: NumPy
    copies (and casts) such a frame at memory speed."""
    step_h, step_w, step_c = frame.strides
    item = frame.itemsize
    return (step_c == item and step_w == item * frame.shape[2]
            and step_h >= step_w * frame.shape[1])


def as_row_major(frame: np.ndarray) -> np.ndarray:
    """``frame`` itself if NumPy reads it at memory speed (see
    :func:`write_frames`), else a contiguous copy made by OpenCV."""
    return frame if _is_row_major(frame) else _contiguous_copy(frame)


def write_frames(out: np.ndarray, frames: Sequence[np.ndarray]) -> None:
    """Copy ``frames`` into ``out`` (``T x H x W x C``, any dtype: the copy
    casts), frame by frame.

    A row-major frame (e.g. a crop) is copied by NumPy. A flipped or
    rotated view (``np.flip`` / ``np.rot90``) is first made contiguous with
    OpenCV's ``flip`` / ``transpose``, which are faster than NumPy's strided
    copy of the same view (docs/performance.md, "Views until the one copy at
    pack time"). The values are the same either way.
    """
    for j, frame in enumerate(frames):
        out[j] = as_row_major(frame)


def _contiguous_copy(frame: np.ndarray) -> np.ndarray:
    base, transposed, flip = _plain_view(frame)
    if (base.shape[2] > 4 or not _is_row_major(base)
            or not (transposed or flip is not None)):
        return np.ascontiguousarray(frame)  # layouts OpenCV cannot take
    copy = np.empty(frame.shape, frame.dtype)
    _write_in_layout(base, transposed, flip, copy)
    return copy


def _as_rows(frame: np.ndarray) -> np.ndarray:
    """A row-major ``H x W x C`` frame as the 2-D ``H x (W * C)`` view
    OpenCV's element-wise functions take for any ``C`` (no copy)."""
    height, width, channels = frame.shape
    rows = frame.view()
    rows.shape = (height, width * channels)  # raises rather than copy
    return rows


def _landed(result: np.ndarray, out: np.ndarray) -> None:
    """Make sure an OpenCV result is in ``out``: OpenCV writes into ``dst``
    when it fits and silently allocates a new array when it does not."""
    if not np.may_share_memory(result, out):
        out[...] = result.reshape(out.shape)


def _write_in_layout(src: np.ndarray, transposed: bool, flip,
                     out: np.ndarray) -> None:
    """``out[...] = flip(transpose?(src))`` (the layout of
    :func:`_plain_view`), with OpenCV where it takes the frame."""
    try:
        if transposed and flip is None:
            _landed(cv2.transpose(src, dst=out), out)
        elif transposed:
            turned = cv2.transpose(src).reshape(out.shape)
            _landed(cv2.flip(turned, flip, dst=out), out)
        else:
            _landed(cv2.flip(src, flip, dst=out), out)
        return
    except cv2.error:  # a dtype or channel count OpenCV does not take
        pass
    view = src.transpose(1, 0, 2) if transposed else src
    if flip in (0, -1):
        view = view[::-1]
    if flip in (1, -1):
        view = view[:, ::-1]
    out[...] = view


def blend_uint8(frames: Sequence[np.ndarray], alpha: float, beta: float,
                frame: int, out: np.ndarray) -> None:
    """``out[j] = saturate(round(alpha * frames[j] + beta * frames[frame]))``
    in uint8, computed by OpenCV's ``addWeighted`` (float32 arithmetic,
    rounded to nearest).

    ``frames`` are uint8 ``H x W x C`` views of any layout (crops, flips,
    rotations) and ``out`` a ``T x H x W x C`` uint8 array. A blend is
    element-wise, so it commutes with flips and transpositions: when frame
    ``j`` and frame ``frame`` are the same flip/transposition of row-major
    frames (what ``SpatioTemporalTransform`` leaves), the row-major frames
    are blended and the result is written in the views' layout in one
    more pass, instead of copying each view first.
    """
    mixed_in = frames[frame]
    base_k, transposed_k, flip_k = _plain_view(mixed_in)
    row_major_k = None  # mixed_in copied row-major, if a layout differs
    scratch = None
    for j, x_j in enumerate(frames):
        base_j, transposed_j, flip_j = _plain_view(x_j)
        same_layout = (transposed_j == transposed_k and flip_j == flip_k
                       and base_j.shape == base_k.shape
                       and _is_row_major(base_j) and _is_row_major(base_k))
        if not same_layout:
            if row_major_k is None:
                row_major_k = as_row_major(mixed_in)
            base_j, base_k_j = as_row_major(x_j), row_major_k
            transposed_j, flip_j = False, None
        else:
            base_k_j = base_k
        if not transposed_j and flip_j is None:  # straight into out
            rows = _as_rows(out[j])
            _landed(cv2.addWeighted(_as_rows(base_j), alpha,
                                    _as_rows(base_k_j), beta, 0.0, dst=rows),
                    rows)
            continue
        if scratch is None or scratch.shape != base_j.shape:
            scratch = np.empty(base_j.shape, np.uint8)
        rows = _as_rows(scratch)
        _landed(cv2.addWeighted(_as_rows(base_j), alpha, _as_rows(base_k_j),
                                beta, 0.0, dst=rows), rows)
        _write_in_layout(scratch, transposed_j, flip_j, out[j])


def frame_views(clip: np.ndarray) -> List[np.ndarray]:
    """``T x H x W x C`` array -> list of ``T`` frames that are views of it.

    No pixel is copied. The frames may have negative strides (``np.flip`` /
    ``np.rot90`` views); they are copied once, by ``IntraVideoMixup``'s
    blend or by ``PackSTCRInputs``.
    """
    return list(clip)


def to_frames(clip: np.ndarray) -> List[np.ndarray]:
    """``T x H x W x C`` array -> list of ``T`` frames (MMAction2's layout).

    The frames are views of ``clip``; ``clip`` is made C-contiguous first so
    that no frame has negative strides (``np.flip``/``np.rot90`` return such
    views, which ``torch.from_numpy`` rejects).
    """
    return list(np.ascontiguousarray(clip))


def _describe(clip) -> str:
    if isinstance(clip, np.ndarray):
        return f'an array of shape {clip.shape}'
    if isinstance(clip, (list, tuple)):
        kinds = sorted({
            f'ndarray{f.shape}' if isinstance(f, np.ndarray) else
            type(f).__name__
            for f in clip
        })
        return f'a {type(clip).__name__} of {kinds}'
    return type(clip).__name__
