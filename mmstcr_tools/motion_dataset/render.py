"""Render one motion-only video: a layer of random textured shapes moving by
its class's motion over a static random textured background."""
from typing import List, Optional, Tuple

import cv2
import numpy as np

from .appearance import random_background, random_foreground
from .kinds import (KindParameters, MotionKind, draw_kind_parameters,
                    kind_pose, kinds_canvas_size)
from .motion import (MotionClass, canvas_size_for, layer_to_frame_matrix,
                     pose_to_matrix)


def check_speed_range(speed_range: Tuple[float, float]) -> None:
    lo, hi = speed_range
    if not 0 < lo <= hi:
        raise ValueError(f'speed_range must satisfy 0 < low <= high, got '
                         f'{speed_range!r}')


def render_motion_video(rng: np.random.Generator,
                        motion: MotionClass,
                        num_frames: int = 40,
                        height: int = 64,
                        width: int = 64,
                        speed_range: Tuple[float, float] = (0.01, 0.03),
                        shape_density: float = 6.,
                        background: Optional[np.ndarray] = None
                        ) -> Tuple[np.ndarray, float]:
    """Render one video.

    The random draws happen in a fixed order that does not depend on
    ``motion``: the foreground layer, then the background (if not given),
    then the speed. Frame 0 shows the layer unmoved for every class, so with
    the same ``rng`` state every class gives the same first frame, and over
    random states the first frames of all classes have one distribution.

    Args:
        rng (np.random.Generator): Random source.
        motion (MotionClass): The class (see :mod:`.motion`).
        num_frames (int): Frames. Defaults to 40.
        height (int): Frame height. Defaults to 64.
        width (int): Frame width. Defaults to 64.
        speed_range (tuple[float, float]): Range of the speed ``u`` (a
            fraction of the short side per frame, see :mod:`.motion`), drawn
            uniformly. Defaults to (0.01, 0.03).
        shape_density (float): Mean number of shape centres per frame area.
            Defaults to 6.
        background (np.ndarray, optional): H x W x 3 RGB background to use
            instead of a random one (videos of one UCF101-like group share
            theirs). Defaults to None.

    Returns:
        tuple: ``frames`` (T x H x W x 3 uint8 RGB) and the speed ``u``.
    """
    _check_video_args(num_frames, height, width, speed_range)
    canvas = canvas_size_for(height, width, num_frames, speed_range[1])
    colour, alpha, background = _draw_appearance(rng, height, width, canvas,
                                                 shape_density, background)
    speed = float(rng.uniform(*speed_range))
    matrices = [
        layer_to_frame_matrix(motion, speed, t, height, width, canvas)
        for t in range(num_frames)
    ]
    return _composite(colour, alpha, background, matrices), speed


def render_kind_video(rng: np.random.Generator,
                      kind: MotionKind,
                      num_frames: int = 40,
                      height: int = 64,
                      width: int = 64,
                      speed_range: Tuple[float, float] = (0.01, 0.03),
                      shape_density: float = 6.,
                      background: Optional[np.ndarray] = None
                      ) -> Tuple[np.ndarray, KindParameters]:
    """Render one video of the ``'kinds'`` set (see :mod:`.kinds`).

    Same arguments and draw order as :func:`render_motion_video`, then the
    kind's parameters (:func:`.kinds.draw_kind_parameters`, the same draws
    for every kind). Frame 0 shows the layer unmoved for every kind.

    Returns:
        tuple: ``frames`` (T x H x W x 3 uint8 RGB) and the drawn
        :class:`.kinds.KindParameters` (with the speed).
    """
    _check_video_args(num_frames, height, width, speed_range)
    canvas = kinds_canvas_size(height, width, num_frames, speed_range[1])
    colour, alpha, background = _draw_appearance(rng, height, width, canvas,
                                                 shape_density, background)
    speed = float(rng.uniform(*speed_range))
    params = draw_kind_parameters(rng, speed, min(height, width))
    matrices = [
        pose_to_matrix(
            kind_pose(kind.kind, params, t, min(height, width)), height,
            width, canvas) for t in range(num_frames)
    ]
    return _composite(colour, alpha, background, matrices), params


def _check_video_args(num_frames, height, width, speed_range):
    if num_frames < 2:
        raise ValueError(f'num_frames must be >= 2, got {num_frames}')
    if height < 8 or width < 8:
        raise ValueError(f'frames must be at least 8x8, got {width}x{height}')
    check_speed_range(speed_range)


def _draw_appearance(rng, height, width, canvas, shape_density, background):
    """The foreground layer, then the background unless given."""
    num_shapes = max(1, int(round(shape_density * canvas**2 /
                                  (height * width))))
    colour, alpha = random_foreground(rng, canvas, min(height, width),
                                      num_shapes)
    if background is None:
        background = random_background(rng, height, width)
    elif background.shape != (height, width, 3):
        raise ValueError(f'background must be {height} x {width} x 3, got '
                         f'{background.shape}')
    return colour, alpha, background


def _composite(colour: np.ndarray, alpha: np.ndarray,
               background: np.ndarray,
               matrices: List[np.ndarray]) -> np.ndarray:
    """Warp the layer by each frame's matrix over the background."""
    height, width = background.shape[:2]
    frames = np.empty((len(matrices), height, width, 3), np.uint8)
    warp = dict(dsize=(width, height), flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    for t, matrix in enumerate(matrices):
        fg = cv2.warpAffine(colour, matrix, **warp)  # H x W x 3
        fg_alpha = cv2.warpAffine(alpha, matrix, **warp)  # H x W
        frame = fg + (1 - fg_alpha[..., None]) * background
        frames[t] = np.clip(np.round(frame), 0, 255).astype(np.uint8)
    return frames
