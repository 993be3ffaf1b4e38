"""Six kinds of motion of one object, drawn so that the class of a video
survives flips, 90-degree rotations and time reversal.

Every kind is a *canonical* motion in a local frame: an offset ``g(u)``
from the video's centre point, a local rotation ``beta(u)`` and a scale
``s(u)``, for ``u = 0 .. T - 1``. A video places it in the image with an
orthogonal 2x2 matrix ``F = R(theta) M(sigma)`` (a rotation by ``theta``
uniform in ``[0, 2 pi)`` after a mirror ``M(sigma) = diag(1, sigma)``,
``sigma = +-1`` equally likely) and a time direction ``tau = +-1``::

    u(t)      = t if tau = 1 else T - 1 - t
    centre(t) = c + o + F g(u(t))           # c: image centre, o: offset
    pose(t)   = s(u(t)) F R(beta(u(t)))     # maps object to image

A flip or a rotation ``G`` of the image (about its centre) gives the video
with ``F' = G F`` and ``o' = G o``, and the reversed video the one with
``tau' = -tau``. ``F`` is uniform over the orthogonal group and ``o``
over a disc, so each transformed video is a video of the same kind, drawn
with the same probability: the labels are invariant by construction.
"""
import math
from dataclasses import dataclass, replace
from typing import Dict, Tuple

import numpy as np

#: The class names, in label order.
MOTION_KINDS: Tuple[str, ...] = ('Translate', 'Spin', 'Zoom', 'Oscillate',
                                 'Orbit', 'Pulse')


@dataclass(frozen=True)
class MotionParams:
    """One video's motion.

    Attributes:
        kind (str): One of :data:`MOTION_KINDS`.
        frame (tuple): ``F`` as ``(f00, f01, f10, f11)``, orthogonal.
        tau (int): Time direction, ``1`` or ``-1``.
        offset (tuple): ``o``, the centre point's offset from the image
            centre, in pixels ``(x, y)``.
        beta0 (float): Initial local rotation (radians).
        scale0 (float): Base scale.
        rate (float): Speed (px/frame for Translate), angular speed
            (rad/frame for Spin, Oscillate, Orbit, Pulse) or log-scale
            rate (per frame, Zoom).
        phase (float): Phase (radians) of periodic kinds.
        amplitude (float): Amplitude in pixels (Oscillate, Orbit) or
            relative (Pulse).
    """
    kind: str
    frame: Tuple[float, float, float, float]
    tau: int
    offset: Tuple[float, float]
    beta0: float
    scale0: float
    rate: float
    phase: float = 0.
    amplitude: float = 0.

    @property
    def frame_matrix(self) -> np.ndarray:
        return np.asarray(self.frame, dtype=np.float64).reshape(2, 2)

    def transformed(self, matrix: np.ndarray = None,
                    reverse: bool = False) -> 'MotionParams':
        """The parameters of this video after the image transform
        ``matrix`` (orthogonal 2x2, acting on ``(x, y)`` about the image
        centre) and, if ``reverse``, time reversal."""
        params = self
        if matrix is not None:
            matrix = np.asarray(matrix, dtype=np.float64)
            frame = matrix @ self.frame_matrix
            offset = matrix @ np.asarray(self.offset)
            params = replace(
                params,
                frame=tuple(float(v) for v in frame.ravel()),
                offset=(float(offset[0]), float(offset[1])))
        if reverse:
            params = replace(params, tau=-params.tau)
        return params


#: Ranges of the per-video draws, per kind: ``rate`` and ``amplitude``.
RANGES: Dict[str, Dict[str, Tuple[float, float]]] = {
    'Translate': dict(rate=(0.5, 0.85)),
    'Spin': dict(rate=(0.12, 0.22)),
    'Zoom': dict(rate=(0.025, 0.035)),
    'Oscillate': dict(rate=(2 * math.pi / 16, 2 * math.pi / 10),
                      amplitude=(7., 10.)),
    'Orbit': dict(rate=(2 * math.pi / 22, 2 * math.pi / 14),
                  amplitude=(6., 9.)),
    'Pulse': dict(rate=(2 * math.pi / 16, 2 * math.pi / 10),
                  amplitude=(0.3, 0.45)),
}


def random_orthogonal(rng: np.random.Generator) -> np.ndarray:
    """``R(theta) M(sigma)``: uniform over the 2x2 orthogonal matrices."""
    theta = rng.uniform(0, 2 * math.pi)
    sigma = 1. if rng.random() < 0.5 else -1.
    rot = np.array([[math.cos(theta), -math.sin(theta)],
                    [math.sin(theta), math.cos(theta)]])
    return rot @ np.diag([1., sigma])


def draw_params(kind: str, rng: np.random.Generator,
                max_offset: float = 3.) -> MotionParams:
    """Draw one video's motion of ``kind``."""
    if kind not in MOTION_KINDS:
        raise ValueError(f'unknown motion kind {kind!r}; expected one of '
                         f'{MOTION_KINDS}')
    ranges = RANGES[kind]
    radius = max_offset * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    frame = random_orthogonal(rng)
    return MotionParams(
        kind=kind,
        frame=tuple(float(v) for v in frame.ravel()),
        tau=1 if rng.random() < 0.5 else -1,
        offset=(radius * math.cos(angle), radius * math.sin(angle)),
        beta0=float(rng.uniform(0, 2 * math.pi)),
        scale0=float(rng.uniform(0.9, 1.1)),
        rate=float(rng.uniform(*ranges['rate'])),
        phase=float(rng.uniform(0, 2 * math.pi)),
        amplitude=float(rng.uniform(*ranges.get('amplitude', (0., 0.)))))


def _canonical(params: MotionParams, u: np.ndarray):
    """``g(u)`` (``T x 2``), ``beta(u)`` and ``s(u)`` (``T``) of the
    canonical motion."""
    kind, rate, phase, amp = (params.kind, params.rate, params.phase,
                              params.amplitude)
    mid = (len(u) - 1) / 2.
    zeros = np.zeros_like(u)
    offset = np.stack([zeros, zeros], axis=1)
    beta = np.full_like(u, params.beta0)
    scale = np.full_like(u, params.scale0)
    if kind == 'Translate':
        offset[:, 0] = rate * (u - mid)
    elif kind == 'Spin':
        beta = params.beta0 + rate * u
    elif kind == 'Zoom':
        scale = params.scale0 * np.exp(rate * (u - mid))
    elif kind == 'Oscillate':
        offset[:, 0] = amp * np.sin(rate * u + phase)
    elif kind == 'Orbit':
        offset[:, 0] = amp * np.cos(rate * u + phase)
        offset[:, 1] = amp * np.sin(rate * u + phase)
    elif kind == 'Pulse':
        scale = params.scale0 * (1. + amp * np.sin(rate * u + phase))
    else:
        raise ValueError(f'unknown motion kind {kind!r}')
    return offset, beta, scale


def trajectory(params: MotionParams, num_frames: int
               ) -> Tuple[np.ndarray, np.ndarray]:
    """Where the object is in each frame.

    Returns:
        tuple[np.ndarray]: ``centres`` (``T x 2``, ``(x, y)`` relative to
        the image centre) and ``poses`` (``T x 2 x 2``, mapping object
        coordinates to image coordinates).
    """
    t = np.arange(num_frames, dtype=np.float64)
    u = t if params.tau == 1 else (num_frames - 1) - t
    offset, beta, scale = _canonical(params, u)
    frame = params.frame_matrix
    centres = np.asarray(params.offset)[None] + offset @ frame.T
    cos, sin = np.cos(beta), np.sin(beta)
    rot = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], 1)
    poses = scale[:, None, None] * np.einsum('ij,tjk->tik', frame, rot)
    return centres, poses
