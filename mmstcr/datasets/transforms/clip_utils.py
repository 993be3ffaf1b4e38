"""Helpers shared by the STCR transforms: read one clip out of ``results``
and check it, with errors that name the transform, the key and the video."""
from typing import Dict, List, Sequence, Union

import numpy as np

Clip = Union[Sequence[np.ndarray], np.ndarray]


def video_name(results: Dict) -> str:
    """A suffix naming the video of ``results`` in error messages."""
    for key in ('filename', 'frame_dir'):
        if results.get(key) is not None:
            return f' (video: {results[key]})'
    return ''


def get_clip(results: Dict, key: str, owner: str) -> np.ndarray:
    """Return the clip under ``results[key]`` as one ``T x H x W x C`` array.

    The pipeline keeps a clip as MMAction2 does, a list of ``T`` frames of
    ``H x W x C``; a ``T x H x W x C`` array is accepted too. The returned
    array is a new one when the clip is a list (``np.stack`` copies) and the
    clip itself when it is already an array: callers that write into it must
    copy first.

    Args:
        results (dict): The result dict of the pipeline.
        key (str): Where the clip is.
        owner (str): Name of the calling transform, for error messages.

    Returns:
        np.ndarray: ``T x H x W x C``.
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
        clip = np.stack(clip)
    return clip


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
