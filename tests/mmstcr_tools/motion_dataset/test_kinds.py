"""The 'kinds' class set at the parameter level: poses, the invariance of
every kind under left-right flips, 90-degree rotations, time reversal and
windowing, the distribution of the draws, and canvas coverage.

A trajectory is the list of 3 x 3 pose matrices (frame-centred
coordinates) of frames 0..T-1. The relative motion of a video is what the
pixels show; a transform acts on it as
- flip: ``F M(t) F`` with ``F = diag(-1, 1)``,
- rotation by 90 degrees: ``R M(t) R^-1``,
- time reversal: ``M(T-1-t) M(T-1)^-1``,
- window from ``t0``: ``M(t0+t) M(t0)^-1``.
Each test maps the parameters by hand (written out here, not taken from
kinds.py) and checks the transformed trajectory is exactly that of the same
kind with the mapped parameters, which are valid draws."""
import dataclasses
import math

import cv2
import numpy as np
import pytest
from scipy import stats

from mmstcr_tools.motion_dataset import (MOTION_KINDS, KindParameters,
                                         draw_kind_parameters, kind_pose)
from mmstcr_tools.motion_dataset.kinds import (CENTRE_RADIUS, PERIOD_RANGE,
                                               kinds_canvas_size)
from mmstcr_tools.motion_dataset.motion import pose_to_matrix

S = 64
T = 31
TWO_PI = 2 * math.pi
KINDS = [k.kind for k in MOTION_KINDS]
PERIODIC = ('oscillate', 'orbit', 'pulse', 'swing')


def pose_matrix(pose):
    dx, dy, angle, scale = pose
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[scale * c, -scale * s, dx], [scale * s, scale * c, dy],
                     [0., 0., 1.]])


def trajectory(kind, params, num=T):
    return [pose_matrix(kind_pose(kind, params, t, S)) for t in range(num)]


def draws(num, seed=0):
    rng = np.random.default_rng(seed)
    return [
        draw_kind_parameters(rng, float(rng.uniform(0.01, 0.03)), S)
        for _ in range(num)
    ]


def check_valid(p):
    """The mapped parameters are in the support of the draws."""
    assert 0 <= p.angle < TWO_PI and 0 <= p.phase < TWO_PI
    assert p.sense in (-1, 1) and p.sign in (-1, 1)
    assert PERIOD_RANGE[0] <= p.period <= PERIOD_RANGE[1]
    assert math.hypot(*p.centre) <= CENTRE_RADIUS * S + 1e-9


def mod(a):
    return a % TWO_PI


# ------------------------------------------------------ hand-mapped params


def flipped(kind, p):
    centre = (-p.centre[0], p.centre[1])
    new = dict(angle=mod(math.pi - p.angle), sense=-p.sense, centre=centre)
    if kind == 'orbit':
        new['phase'] = mod(math.pi - p.phase)
    if kind == 'swing':
        new['phase'] = mod(p.phase + math.pi)
    return dataclasses.replace(p, **new)


def rotated(kind, p):
    # R = [[0, -1], [1, 0]]: (x, y) -> (-y, x), +90 degrees (clockwise on
    # screen, y down).
    centre = (-p.centre[1], p.centre[0])
    new = dict(angle=mod(p.angle + math.pi / 2), centre=centre)
    if kind == 'orbit':
        new['phase'] = mod(p.phase + math.pi / 2)
    return dataclasses.replace(p, **new)


def reversed_(kind, p):
    w = TWO_PI / p.period
    new = dict(angle=mod(p.angle + math.pi), sense=-p.sense, sign=-p.sign)
    if kind == 'orbit':
        new['phase'] = mod(p.phase + p.sense * w * (T - 1))
    elif kind in PERIODIC:
        new['phase'] = mod(math.pi - p.phase - w * (T - 1))
        new['angle'] = p.angle  # the axis stays
        new['sense'] = p.sense
    return dataclasses.replace(p, **new)


def windowed(kind, p, t0):
    w = TWO_PI / p.period
    step = p.sense * w * t0 if kind == 'orbit' else w * t0
    return dataclasses.replace(p, phase=mod(p.phase + step))


FLIP = np.diag([-1., 1., 1.])
ROT = np.array([[0., -1., 0.], [1., 0., 0.], [0., 0., 1.]])


@pytest.mark.parametrize('kind', KINDS)
def test_flip_rotation_reversal_window_keep_the_kind(kind):
    for p in draws(30, seed=KINDS.index(kind)):
        traj = trajectory(kind, p)
        cases = [
            ('flip', [FLIP @ m @ FLIP for m in traj], flipped(kind, p)),
            ('rot90', [ROT @ m @ ROT.T for m in traj], rotated(kind, p)),
            ('reverse',
             [traj[T - 1 - t] @ np.linalg.inv(traj[T - 1])
              for t in range(T)], reversed_(kind, p)),
        ]
        t0 = 7
        longer = trajectory(kind, p, T + t0)
        cases.append(('window', [
            longer[t0 + t] @ np.linalg.inv(longer[t0]) for t in range(T)
        ], windowed(kind, p, t0)))
        for name, got, mapped in cases:
            check_valid(mapped)
            want = trajectory(kind, mapped)
            np.testing.assert_allclose(np.stack(got), np.stack(want),
                                       atol=1e-9, err_msg=f'{kind} {name}')


def test_transforms_change_the_direction_classes_but_not_these():
    """The check above is not vacuous: a flipped Translate is not the same
    trajectory (the direction parameter has to change), and a reversed
    Rotate needs the other sense, which only a random sense provides."""
    p = draws(1)[0]
    traj = trajectory('translate', p)
    got = [FLIP @ m @ FLIP for m in traj]
    assert not np.allclose(np.stack(got), np.stack(traj), atol=1e-3)
    rot = trajectory('rotate', p)
    back = [rot[T - 1 - t] @ np.linalg.inv(rot[T - 1]) for t in range(T)]
    same_sense = trajectory('rotate', dataclasses.replace(p, sense=p.sense))
    assert not np.allclose(np.stack(back), np.stack(same_sense), atol=1e-3)


def test_draws_are_symmetric():
    """Uniform angles and phases, fair signs, centres uniform in the disk,
    periods uniform: the distributions the maps above preserve."""
    ps = draws(2000, seed=5)
    for field in ('angle', 'phase'):
        x = np.array([getattr(p, field) for p in ps])
        assert stats.kstest(x, 'uniform', args=(0, TWO_PI)).pvalue > 1e-3
    periods = np.array([p.period for p in ps])
    lo, hi = PERIOD_RANGE
    assert stats.kstest(periods, 'uniform', args=(lo, hi - lo)).pvalue > 1e-3
    for field in ('sense', 'sign'):
        x = np.array([getattr(p, field) for p in ps])
        assert set(x) == {-1, 1} and abs(x.mean()) < 0.1
    centres = np.array([p.centre for p in ps]) / (CENTRE_RADIUS * S)
    r2 = (centres**2).sum(1)  # uniform in [0, 1] for a uniform disk
    assert r2.max() <= 1 and stats.kstest(r2, 'uniform').pvalue > 1e-3
    direction = np.arctan2(centres[:, 1], centres[:, 0]) % TWO_PI
    assert stats.kstest(direction, 'uniform',
                        args=(0, TWO_PI)).pvalue > 1e-3


# ------------------------------------------------------------ poses


def params(**kwargs):
    base = dict(speed=0.02, angle=0., sense=1, sign=1, phase=0., period=20.,
                centre=(0., 0.))
    base.update(kwargs)
    return KindParameters(**base)


@pytest.mark.parametrize('kind, kwargs, t, expected', [
    # u S t = 0.02 * 64 * 2 = 2.56 px down (angle pi / 2).
    ('translate', dict(angle=math.pi / 2), 2, (0., 2.56, 0., 1.)),
    # About the frame centre: 2 u t = 0.08 rad, counter-clockwise.
    ('rotate', dict(sense=-1), 2, (0., 0., -0.08, 1.)),
    ('zoom', dict(sign=-1), 2, (0., 0., 0., math.exp(-0.04))),
    # Quarter period (t = 5 of 20), phase 0: s(t) = 1. A = 2 u S / w
    # = 2.56 * 20 / (2 pi), along +x.
    ('oscillate', {}, 5, (2.56 * 20 / TWO_PI, 0., 0., 1.)),
    # Orbit, radius 2.56 * 20 / (2 pi) = r, quarter turn clockwise from
    # phase 0: from (r, 0) to (0, r), a shift of (-r, r).
    ('orbit', {}, 5, (-2.56 * 20 / TWO_PI, 2.56 * 20 / TWO_PI, 0., 1.)),
    # B = 2 u / w = 0.04 * 20 / (2 pi) (pulse), 4 u / w for swing.
    ('pulse', {}, 5, (0., 0., 0., math.exp(0.8 / TWO_PI))),
    ('swing', {}, 5, (0., 0., 1.6 / TWO_PI, 1.)),
])
def test_kind_pose_hand_computed(kind, kwargs, t, expected):
    got = kind_pose(kind, params(**kwargs), t, S)
    assert got == pytest.approx(expected, abs=1e-12)


def test_rotation_about_the_centre_keeps_it_fixed():
    p = params(centre=(10., -5.))
    for kind in ('rotate', 'zoom', 'pulse', 'swing'):
        m = pose_matrix(kind_pose(kind, p, 3, S))
        np.testing.assert_allclose(m @ [10., -5., 1.], [10., -5., 1.],
                                   atol=1e-12)


@pytest.mark.parametrize('kind', KINDS)
def test_frame_zero_is_the_identity(kind):
    for p in draws(20):
        assert kind_pose(kind, p, 0, S) == (0., 0., 0., 1.)


def test_unknown_kind():
    with pytest.raises(ValueError, match="'spin'"):
        kind_pose('spin', params(), 1, S)


def test_class_table():
    assert [(k.name, k.hmdb_name) for k in MOTION_KINDS] == [
        ('Translate', 'translate'), ('Rotate', 'rotate'), ('Zoom', 'zoom'),
        ('Oscillate', 'oscillate'), ('Orbit', 'orbit'), ('Pulse', 'pulse'),
        ('Swing', 'swing')
    ]


@pytest.mark.parametrize('height, width', [(64, 64), (32, 64)])
def test_canvas_covers_every_frame(height, width):
    """At the highest speed, for every kind and many draws (with the centre
    pushed to the edge of its disk), every frame corner of every frame maps
    back inside the canvas."""
    num_frames, max_speed = 24, 0.03
    short = min(height, width)
    canvas = kinds_canvas_size(height, width, num_frames, max_speed)
    corners = np.array([[0, 0], [width - 1, 0], [0, height - 1],
                        [width - 1, height - 1]], float)
    rng = np.random.default_rng(0)
    for kind in KINDS:
        for _ in range(40):
            p = draw_kind_parameters(rng, max_speed, short)
            r = math.hypot(*p.centre) or 1.
            edge = CENTRE_RADIUS * short / r
            p = dataclasses.replace(
                p, centre=(p.centre[0] * edge, p.centre[1] * edge),
                period=float(rng.choice(PERIOD_RANGE)))
            for t in range(num_frames):
                mat = pose_to_matrix(kind_pose(kind, p, t, short), height,
                                     width, canvas)
                inv = cv2.invertAffineTransform(mat)
                src = corners @ inv[:, :2].T + inv[:, 2]
                assert src.min() >= 0 and src.max() <= canvas - 1, (kind, t)
