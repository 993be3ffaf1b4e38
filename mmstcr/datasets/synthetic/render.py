"""Render one motion-only video: a layer of random textured shapes moving by
its class's motion over a static random textured background."""
from typing import Optional, Tuple

import cv2
import numpy as np

from .appearance import random_background, random_foreground
from .motion import MotionClass, canvas_size_for, layer_to_frame_matrix


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
    if num_frames < 2:
        raise ValueError(f'num_frames must be >= 2, got {num_frames}')
    if height < 8 or width < 8:
        raise ValueError(f'frames must be at least 8x8, got {width}x{height}')
    check_speed_range(speed_range)
    short = min(height, width)
    canvas = canvas_size_for(height, width, num_frames, speed_range[1])
    num_shapes = max(1, int(round(shape_density * canvas**2 /
                                  (height * width))))
    colour, alpha = random_foreground(rng, canvas, short, num_shapes)
    if background is None:
        background = random_background(rng, height, width)
    elif background.shape != (height, width, 3):
        raise ValueError(f'background must be {height} x {width} x 3, got '
                         f'{background.shape}')
    speed = float(rng.uniform(*speed_range))

    frames = np.empty((num_frames, height, width, 3), np.uint8)
    for t in range(num_frames):
        matrix = layer_to_frame_matrix(motion, speed, t, height, width,
                                       canvas)
        warp = dict(dsize=(width, height), flags=cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        fg = cv2.warpAffine(colour, matrix, **warp)  # H x W x 3
        fg_alpha = cv2.warpAffine(alpha, matrix, **warp)  # H x W
        frame = fg + (1 - fg_alpha[..., None]) * background
        frames[t] = np.clip(np.round(frame), 0, 255).astype(np.uint8)
    return frames, speed
