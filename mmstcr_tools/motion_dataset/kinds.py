"""The second class set, ``'kinds'``: each class is a kind of motion, and
each video draws its own direction, sense, phase and centre, so that the
label survives left-right flips, 90-degree rotations and time reversal, as
the labels of real actions do.

Coordinates as in :mod:`.motion`: x right, y down, frame centre at the
origin, angles positive clockwise on screen. ``u`` is the speed drawn per
video, ``S`` the short side, ``w = 2 pi / period``, ``q`` the centre (a
point drawn uniformly in a disk of radius ``CENTRE_RADIUS * S`` about the
frame centre) and ``s(t) = sin(w t + phase) - sin(phase)``. Every pose is
the identity at frame 0.

=========  ==========================  =====================  ==========
class      motion (pose at frame t)    drawn per video        peak speed
=========  ==========================  =====================  ==========
Translate  shift by ``u S t`` along    ``angle`` (direction)  ``u S``
           ``angle``
Rotate     rotation by ``2 u t`` rad   ``sense`` (+1          ``u S``
           about ``q``                 clockwise), ``centre``
Zoom       scale ``exp(u t)`` about    ``sign`` (+1 expand),  ``u S / 2``
           ``q``                       ``centre``
Oscillate  shift by ``A s(t)`` along   ``angle`` (axis),      ``2 u S``
           ``angle``, ``A = 2uS / w``  ``phase``, ``period``
Orbit      the layer goes round a      ``sense``, ``phase``,  ``2 u S``
           circle of radius            ``period``
           ``2uS / w`` (no turning)
Pulse      scale ``exp(B s(t))``       ``phase``, ``period``, ``u S``
           about ``q``, ``B = 2u / w`` ``centre``
Swing      rotation by ``B s(t)`` rad  ``phase``, ``period``, ``2 u S``
           about ``q``, ``B = 4u / w`` ``centre``
=========  ==========================  =====================  ==========

HMDB51 folder names are the lower-case class names (``translate``, ...).
The peak speed is that of a point ``S / 2`` from the centre, in pixels per
frame, to compare with :mod:`.motion`'s classes.

Why the labels survive
(``tests/mmstcr_tools/motion_dataset/test_kinds.py`` checks each map): the
draws are uniform angles and phases, fair signs and a centre
uniform in a disk, and each transform maps the parameters of a kind onto
other parameters of the same kind, one to one and keeping their
distribution:

- left-right flip: ``angle -> pi - angle``, centre mirrored, ``sense ->
  -sense``; Orbit's ``phase -> pi - phase``, Swing's ``phase -> phase +
  pi``;
- 90-degree rotation: ``angle -> angle + pi / 2``, centre rotated; Orbit's
  ``phase -> phase + pi / 2``;
- time reversal of a ``T``-frame clip: ``angle -> angle + pi`` (Translate),
  ``sense -> -sense``, ``sign -> -sign``; a periodic ``phase -> pi - phase
  - w (T - 1)``, but Orbit's ``phase -> phase + sense w (T - 1)`` (and its
  sense reverses);
- a window starting at frame ``t0``: a periodic ``phase -> phase + w t0``
  (Orbit: ``+ sense w t0``), so clips sampled anywhere keep the label.
"""
import math
from dataclasses import dataclass
from typing import Dict, Tuple

import numpy as np

# Centres of rotation and scaling: uniform in a disk of this radius (a
# fraction of the short side) about the frame centre.
CENTRE_RADIUS = 0.25
# Periods of the periodic kinds, in frames, drawn uniformly. A training clip
# of 16 frames at stride 2 spans 31 frames, so at least 1.3 periods.
PERIOD_RANGE = (16., 24.)


@dataclass(frozen=True)
class MotionKind:
    """One class of the ``'kinds'`` set.

    Args:
        name (str): UCF101-style folder name (CamelCase).
        hmdb_name (str): HMDB51-style folder name (snake_case).
        kind (str): One of :data:`KIND_NAMES`.
    """
    name: str
    hmdb_name: str
    kind: str


MOTION_KINDS = (
    MotionKind('Translate', 'translate', 'translate'),
    MotionKind('Rotate', 'rotate', 'rotate'),
    MotionKind('Zoom', 'zoom', 'zoom'),
    MotionKind('Oscillate', 'oscillate', 'oscillate'),
    MotionKind('Orbit', 'orbit', 'orbit'),
    MotionKind('Pulse', 'pulse', 'pulse'),
    MotionKind('Swing', 'swing', 'swing'),
)
KIND_NAMES = tuple(k.kind for k in MOTION_KINDS)

# The draws each kind uses (all are drawn for every video, see
# draw_kind_parameters); the others are left out of the metadata.
KIND_FIELDS = {
    'translate': ('angle', ),
    'rotate': ('sense', 'centre'),
    'zoom': ('sign', 'centre'),
    'oscillate': ('angle', 'phase', 'period'),
    'orbit': ('sense', 'phase', 'period'),
    'pulse': ('phase', 'period', 'centre'),
    'swing': ('phase', 'period', 'centre'),
}


@dataclass(frozen=True)
class KindParameters:
    """The random parameters of one video of the ``'kinds'`` set.

    Args:
        speed (float): ``u``, a fraction of the short side per frame.
        angle (float): Direction (Translate) or axis (Oscillate), radians
            in ``[0, 2 pi)``, 0 = +x, ``pi / 2`` = +y (down).
        sense (int): +1 clockwise on screen, -1 counter-clockwise (Rotate,
            Orbit).
        sign (int): +1 expand, -1 contract (Zoom).
        phase (float): Phase of the periodic kinds, radians in
            ``[0, 2 pi)``.
        period (float): Period of the periodic kinds, in frames.
        centre (tuple[float, float]): Centre of rotation or scaling,
            pixels from the frame centre.
    """
    speed: float
    angle: float
    sense: int
    sign: int
    phase: float
    period: float
    centre: Tuple[float, float]

    def metadata(self, kind: str) -> Dict[str, object]:
        """The parameters ``kind`` uses, for ``motion_dataset.json``."""
        return {
            field: (list(self.centre) if field == 'centre' else getattr(
                self, field))
            for field in KIND_FIELDS[kind]
        }


def draw_kind_parameters(rng: np.random.Generator, speed: float,
                         short_side: int) -> KindParameters:
    """Draw every parameter, in a fixed order and number of draws that do
    not depend on the kind (so the random stream, and the distribution of
    the parameters, are the same for every class)."""
    angle = float(rng.uniform(0, 2 * math.pi))
    sense = 1 if rng.random() < 0.5 else -1
    sign = 1 if rng.random() < 0.5 else -1
    phase = float(rng.uniform(0, 2 * math.pi))
    period = float(rng.uniform(*PERIOD_RANGE))
    # Uniform in the disk: radius ~ sqrt(uniform).
    radius = CENTRE_RADIUS * short_side * math.sqrt(rng.random())
    direction = rng.uniform(0, 2 * math.pi)
    centre = (float(radius * math.cos(direction)),
              float(radius * math.sin(direction)))
    return KindParameters(speed, angle, sense, sign, phase, period, centre)


def _about(centre: Tuple[float, float], angle: float,
           scale: float) -> Tuple[float, float, float, float]:
    """The pose of a rotation by ``angle`` and scaling by ``scale`` about
    ``centre``: ``p -> scale R (p - q) + q = scale R p + (q - scale R q)``.
    """
    qx, qy = centre
    cos, sin = math.cos(angle), math.sin(angle)
    dx = qx - scale * (cos * qx - sin * qy)
    dy = qy - scale * (sin * qx + cos * qy)
    return dx, dy, angle, scale


def kind_pose(kind: str, params: KindParameters, t: float,
              short_side: int) -> Tuple[float, float, float, float]:
    """Pose of the foreground layer at frame ``t``.

    Returns:
        tuple: ``(dx, dy, angle, scale)`` about the frame centre, as
        :func:`.motion.motion_parameters` (so :func:`.motion.pose_to_matrix`
        turns it into a warp). Frame 0 is the identity for every kind.
    """
    u, S = params.speed, short_side
    w = 2 * math.pi / params.period
    wave = math.sin(w * t + params.phase) - math.sin(params.phase)
    if kind == 'translate':
        step = u * S * t
        return (step * math.cos(params.angle), step * math.sin(params.angle),
                0., 1.)
    if kind == 'rotate':
        return _about(params.centre, params.sense * 2 * u * t, 1.)
    if kind == 'zoom':
        return _about(params.centre, 0., math.exp(params.sign * u * t))
    if kind == 'oscillate':
        amplitude = 2 * u * S / w
        return (amplitude * wave * math.cos(params.angle),
                amplitude * wave * math.sin(params.angle), 0., 1.)
    if kind == 'orbit':
        radius = 2 * u * S / w
        a = params.sense * w * t + params.phase
        return (radius * (math.cos(a) - math.cos(params.phase)),
                radius * (math.sin(a) - math.sin(params.phase)), 0., 1.)
    if kind == 'pulse':
        return _about(params.centre, 0., math.exp(2 * u / w * wave))
    if kind == 'swing':
        return _about(params.centre, 4 * u / w * wave, 1.)
    raise ValueError(f'unknown motion kind {kind!r}; expected one of '
                     f'{KIND_NAMES}')


def kinds_canvas_size(height: int, width: int, num_frames: int,
                      max_speed: float) -> int:
    """Side of a square canvas that covers the frame at every frame, for
    every kind and every parameter draw at speeds up to ``max_speed``.

    A pose ``p -> scale R p + d`` pulls a frame point ``p`` back to
    ``R^-1 (p - d) / scale``, at most ``(|p| + |d|) / scale`` from the
    centre; each kind's worst case bounds that. Like
    :func:`.motion.canvas_size_for` it depends on the configuration only,
    never on the class.
    """
    half_diag = 0.5 * math.hypot(height, width)
    short = min(height, width)
    last = num_frames - 1
    centre = CENTRE_RADIUS * short
    w_min = 2 * math.pi / PERIOD_RANGE[1]

    def about_centre(scale):  # |d| <= (1 + scale) |q|
        return (half_diag + (1 + scale) * centre) / scale

    reach = max(
        half_diag + max_speed * short * last,  # translate
        about_centre(1.),  # rotate, swing
        about_centre(math.exp(-max_speed * last)),  # zoom
        half_diag + 2 * (2 * max_speed * short / w_min),  # oscillate, orbit
        about_centre(math.exp(-2 * (2 * max_speed / w_min))),  # pulse
    )
    return 2 * int(math.ceil(reach)) + 4
