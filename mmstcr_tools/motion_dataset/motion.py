"""The ``'directions'`` class set of the synthetic dataset (the default) and
the affine map of each frame. (The other set, ``'kinds'``, whose labels
survive flips and time reversal, is in :mod:`.kinds`.)

Image coordinates: x to the right, y down (row index). A foreground layer
(textured shapes) moves rigidly over a static textured background; the class
is the motion of that layer:

=====================  =================  ==================================
class (UCF / HMDB)     motion             per frame, speed ``u``
=====================  =================  ==================================
TranslateLeft          shift, -x          ``u * S`` pixels
TranslateRight         shift, +x          ``u * S`` pixels
TranslateUp            shift, -y          ``u * S`` pixels
TranslateDown          shift, +y          ``u * S`` pixels
RotateClockwise        rotation about     ``2u`` radians, clockwise as seen
                       the frame centre   on screen
RotateCounterClockwise rotation           ``2u`` radians, counter-clockwise
Expand                 zoom in about      scale x ``exp(u)``
                       the frame centre
Contract               zoom out           scale x ``exp(-u)``
=====================  =================  ==================================

``S`` is the short side of the frame; ``u`` is drawn per video from the
speed range. For rotation a point at distance ``S / 2`` from the centre
moves ``u * S`` pixels per frame, like a translation; for zoom it moves
about ``u * S / 2``.

Spatial and temporal transforms change the class, as for real actions: a
left-right flip swaps TranslateLeft/Right and RotateClockwise/
CounterClockwise; a temporal flip swaps Left/Right, Up/Down, Clockwise/
CounterClockwise and Expand/Contract; a 90-degree rotation maps the four
translations onto each other. STCR's noise path sees such transformed
motion on purpose, and inverts the transform on the features. Real
action labels do not change under these transforms; the ``'kinds'`` set
(:mod:`.kinds`) mimics that.
"""
import math
from dataclasses import dataclass
from typing import Tuple

import numpy as np


@dataclass(frozen=True)
class MotionClass:
    """One motion class.

    Args:
        name (str): UCF101-style folder name (CamelCase).
        hmdb_name (str): HMDB51-style folder name (snake_case).
        kind (str): ``'translate'``, ``'rotate'`` or ``'zoom'``.
        direction (tuple): Translation: unit ``(dx, dy)`` in image
            coordinates. Rotation: ``(+1,)`` clockwise on screen, ``(-1,)``
            counter-clockwise. Zoom: ``(+1,)`` expand, ``(-1,)`` contract.
    """
    name: str
    hmdb_name: str
    kind: str
    direction: Tuple[int, ...]


MOTION_CLASSES = (
    MotionClass('TranslateLeft', 'translate_left', 'translate', (-1, 0)),
    MotionClass('TranslateRight', 'translate_right', 'translate', (1, 0)),
    MotionClass('TranslateUp', 'translate_up', 'translate', (0, -1)),
    MotionClass('TranslateDown', 'translate_down', 'translate', (0, 1)),
    MotionClass('RotateClockwise', 'rotate_clockwise', 'rotate', (1, )),
    MotionClass('RotateCounterClockwise', 'rotate_counter_clockwise',
                'rotate', (-1, )),
    MotionClass('Expand', 'expand', 'zoom', (1, )),
    MotionClass('Contract', 'contract', 'zoom', (-1, )),
)


def motion_parameters(motion: MotionClass, speed: float, t: float,
                      short_side: int) -> Tuple[float, float, float, float]:
    """Pose of the foreground layer at frame ``t``.

    Returns:
        tuple: ``(dx, dy, angle, scale)``: shift in pixels, rotation angle in
        radians (positive = clockwise on screen) and scale, about the frame
        centre. Frame 0 is the identity for every class.
    """
    dx = dy = angle = 0.
    scale = 1.
    if motion.kind == 'translate':
        dx = motion.direction[0] * speed * short_side * t
        dy = motion.direction[1] * speed * short_side * t
    elif motion.kind == 'rotate':
        angle = motion.direction[0] * 2 * speed * t
    elif motion.kind == 'zoom':
        scale = math.exp(motion.direction[0] * speed * t)
    else:
        raise ValueError(f'unknown motion kind {motion.kind!r}')
    return dx, dy, angle, scale


def layer_to_frame_matrix(motion: MotionClass, speed: float, t: float,
                          height: int, width: int,
                          canvas_size: int) -> np.ndarray:
    """The 2 x 3 affine map from foreground-layer (canvas) pixels to frame
    pixels at frame ``t``, for ``cv2.warpAffine`` (see
    :func:`pose_to_matrix`)."""
    pose = motion_parameters(motion, speed, t, min(height, width))
    return pose_to_matrix(pose, height, width, canvas_size)


def pose_to_matrix(pose: Tuple[float, float, float, float], height: int,
                   width: int, canvas_size: int) -> np.ndarray:
    """The 2 x 3 affine map from canvas pixels to frame pixels of a pose
    ``(dx, dy, angle, scale)``:

    ``p_frame = c_frame + scale * R(angle) (p_canvas - c_canvas) + (dx, dy)``
    with ``R(a) = [[cos a, -sin a], [sin a, cos a]]``, which in image
    coordinates (y down) turns clockwise on screen for ``a > 0``.
    """
    dx, dy, angle, scale = pose
    cos, sin = math.cos(angle), math.sin(angle)
    linear = scale * np.array([[cos, -sin], [sin, cos]])
    c_canvas = np.array([(canvas_size - 1) / 2, (canvas_size - 1) / 2])
    c_frame = np.array([(width - 1) / 2, (height - 1) / 2])
    offset = c_frame + np.array([dx, dy]) - linear @ c_canvas
    return np.concatenate([linear, offset[:, None]], axis=1)  # 2 x 3


def canvas_size_for(height: int, width: int, num_frames: int,
                    max_speed: float) -> int:
    """Side of a square foreground canvas that covers the frame at every
    frame, for every class at speeds up to ``max_speed``.

    It depends on the configuration only, never on the class, so that the
    random draws of the appearance (and so the first frame) do not depend
    on the class.
    """
    half_diag = 0.5 * math.hypot(height, width)
    last = num_frames - 1
    reach = max(half_diag + max_speed * min(height, width) * last,
                half_diag * math.exp(max_speed * last))
    return 2 * int(math.ceil(reach)) + 4
