"""Writing videos with OpenCV (no ffmpeg binary needed).

Measured with opencv-python 5.0 and decord 0.6 on this project's machines:
``cv2.VideoWriter`` writes ``.avi`` with the ``'MJPG'`` and ``'mp4v'``
fourccs and decord reads both back with every frame. Both silently crop an
odd width or height to the even number below, so the writers here refuse odd
sizes instead of producing a video of an unexpected size.
"""
import os
import os.path as osp
from typing import Union

import cv2
import numpy as np


def check_even_size(width: int, height: int, what: str = 'video') -> None:
    """Raise ``ValueError`` unless both sides are positive even ints."""
    for name, value in (('width', width), ('height', height)):
        if not isinstance(value, (int, np.integer)) or value < 2 or value % 2:
            raise ValueError(
                f'{what} {name} must be an even int >= 2 (OpenCV writers '
                f'crop odd sizes), got {value!r}')


def open_writer(path: str, width: int, height: int, fps: float,
                fourcc: str) -> cv2.VideoWriter:
    """Open a ``cv2.VideoWriter``; the container follows the file extension.

    Raises:
        ValueError: For an odd size, a bad fps or a fourcc that is not four
            characters.
        IOError: If OpenCV cannot open a writer for that path and fourcc.
    """
    check_even_size(width, height, what=f'video {path}:')
    if not (isinstance(fourcc, str) and len(fourcc) == 4):
        raise ValueError(f'fourcc must be 4 characters, got {fourcc!r}')
    if not fps > 0:
        raise ValueError(f'fps must be > 0, got {fps!r}')
    parent = osp.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc),
                             float(fps), (int(width), int(height)))
    if not writer.isOpened():
        raise IOError(f'OpenCV cannot write {path!r} with fourcc {fourcc!r}')
    return writer


def write_video(path: str,
                frames: Union[np.ndarray, list],
                fps: float = 25.,
                fourcc: str = 'MJPG') -> None:
    """Write RGB frames to a video file.

    Args:
        path (str): Output file; its extension picks the container.
        frames (np.ndarray | list): ``T x H x W x 3`` uint8 RGB frames.
        fps (float): Frame rate. Defaults to 25.
        fourcc (str): Codec. Defaults to ``'MJPG'``.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f'frames for {path!r} must be a T x H x W x 3 uint8 '
                         f'array, got shape {frames.shape} and dtype '
                         f'{frames.dtype}')
    if frames.shape[0] == 0:
        raise ValueError(f'no frames to write to {path!r}')
    _, height, width, _ = frames.shape
    writer = open_writer(path, width, height, fps, fourcc)
    try:
        for frame in frames:  # H x W x 3, RGB -> BGR for OpenCV
            writer.write(np.ascontiguousarray(frame[..., ::-1]))
    finally:
        writer.release()
