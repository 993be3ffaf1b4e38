"""The motion classes, their affine maps, and the rendered videos.

The motion of a rendered clip is measured from its pixels, independently of
the renderer: phase correlation for translations, and for rotation and zoom
a brute-force search for the similarity (about the frame centre) that best
maps frame 0 onto frame ``k``. The clips use a uniform background so that
the only texture in the frame is the moving layer.
"""
import math

import cv2
import numpy as np
import pytest

from mmstcr_tools.motion_dataset import (MOTION_CLASSES,
                                         layer_to_frame_matrix,
                                         motion_parameters,
                                         render_motion_video)
from mmstcr_tools.motion_dataset.motion import MotionClass, canvas_size_for

BY_NAME = {m.name: m for m in MOTION_CLASSES}
SIZE = 64  # frame side for the rendered clips
NUM_FRAMES = 12
K = 8  # frame compared with frame 0
SPEED_RANGE = (0.02, 0.03)


def gray(frame):
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float64)


def render(motion, seed, background=128.):
    bg = None
    if background is not None:
        bg = np.full((SIZE, SIZE, 3), background, np.float32)
    return render_motion_video(
        np.random.default_rng(seed),
        motion,
        num_frames=NUM_FRAMES,
        height=SIZE,
        width=SIZE,
        speed_range=SPEED_RANGE,
        background=bg)


def fit_similarity(first, later):
    """Grid search of ``(angle, scale)`` about the frame centre minimising
    the mean absolute difference on a central disk (whose source stays in
    the frame for every candidate). Steps: 0.025 rad, 0.025 in log-scale.
    """
    g0 = gray(first).astype(np.float32)
    gk = gray(later).astype(np.float32)
    c = (SIZE - 1) / 2
    ys, xs = np.mgrid[0:SIZE, 0:SIZE]
    disk = (ys - c)**2 + (xs - c)**2 <= (0.35 * SIZE)**2
    best = (np.inf, None, None)
    for angle in np.linspace(-0.6, 0.6, 49):
        for log_scale in np.linspace(-0.4, 0.4, 33):
            s = math.exp(log_scale)
            lin = s * np.array([[math.cos(angle), -math.sin(angle)],
                                [math.sin(angle), math.cos(angle)]])
            mat = np.concatenate(
                [lin, (np.array([c, c]) - lin @ np.array([c, c]))[:, None]],
                axis=1)
            warped = cv2.warpAffine(g0, mat, (SIZE, SIZE),
                                    flags=cv2.INTER_LINEAR)
            err = float(np.abs(warped - gk)[disk].mean())
            if err < best[0]:
                best = (err, angle, s)
    return best


# ---------------------------------------------------------------- parameters


def test_class_table():
    assert [m.name for m in MOTION_CLASSES] == [
        'TranslateLeft', 'TranslateRight', 'TranslateUp', 'TranslateDown',
        'RotateClockwise', 'RotateCounterClockwise', 'Expand', 'Contract'
    ]
    assert [m.hmdb_name for m in MOTION_CLASSES] == [
        'translate_left', 'translate_right', 'translate_up', 'translate_down',
        'rotate_clockwise', 'rotate_counter_clockwise', 'expand', 'contract'
    ]


@pytest.mark.parametrize('name, expected', [
    # u = 0.02, t = 2, S = 64: shift u*S*t = 2.56 px, angle 2*u*t = 0.08 rad,
    # scale exp(+-u*t) = exp(+-0.04).
    ('TranslateLeft', (-2.56, 0., 0., 1.)),
    ('TranslateRight', (2.56, 0., 0., 1.)),
    ('TranslateUp', (0., -2.56, 0., 1.)),
    ('TranslateDown', (0., 2.56, 0., 1.)),
    ('RotateClockwise', (0., 0., 0.08, 1.)),
    ('RotateCounterClockwise', (0., 0., -0.08, 1.)),
    ('Expand', (0., 0., 0., 1.0408107741923882)),
    ('Contract', (0., 0., 0., 0.9607894391523232)),
])
def test_motion_parameters_hand_computed(name, expected):
    got = motion_parameters(BY_NAME[name], 0.02, 2, 64)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # Frame 0 is the identity for every class.
    assert motion_parameters(BY_NAME[name], 0.02, 0, 64) == (0., 0., 0., 1.)


def test_motion_parameters_unknown_kind():
    bad = MotionClass('Spin', 'spin', 'spin', (1, ))
    with pytest.raises(ValueError, match="'spin'"):
        motion_parameters(bad, 0.02, 1, 64)


def test_layer_to_frame_matrix_translation_hand_computed():
    # 32 x 64 frame (S = 32, centre (31.5, 15.5)), canvas 100 (centre 49.5),
    # u = 0.02, t = 2: dx = 0.02 * 32 * 2 = 1.28.
    mat = layer_to_frame_matrix(BY_NAME['TranslateRight'], 0.02, 2, 32, 64,
                                100)
    expected = np.array([[1., 0., 31.5 + 1.28 - 49.5],
                         [0., 1., 15.5 - 49.5]])
    np.testing.assert_allclose(mat, expected, rtol=0, atol=1e-12)
    mat = layer_to_frame_matrix(BY_NAME['TranslateUp'], 0.02, 2, 32, 64, 100)
    expected = np.array([[1., 0., 31.5 - 49.5], [0., 1., 15.5 - 1.28 - 49.5]])
    np.testing.assert_allclose(mat, expected, rtol=0, atol=1e-12)


def test_layer_to_frame_matrix_rotation_is_clockwise_on_screen():
    # a = 0.08 rad. The canvas centre lands on the frame centre; a point 10 px
    # right of it lands at (31.5 + 10 cos a, 31.5 + 10 sin a): below the
    # horizontal (y grows downwards), i.e. right -> down = clockwise.
    a = 0.08
    mat = layer_to_frame_matrix(BY_NAME['RotateClockwise'], 0.02, 2, 64, 64,
                                100)
    np.testing.assert_allclose(mat[:, :2],
                               [[math.cos(a), -math.sin(a)],
                                [math.sin(a), math.cos(a)]],
                               atol=1e-12)
    np.testing.assert_allclose(mat @ [49.5, 49.5, 1], [31.5, 31.5],
                               atol=1e-12)
    np.testing.assert_allclose(mat @ [59.5, 49.5, 1],
                               [31.5 + 10 * math.cos(a),
                                31.5 + 10 * math.sin(a)],
                               atol=1e-12)
    ccw = layer_to_frame_matrix(BY_NAME['RotateCounterClockwise'], 0.02, 2,
                                64, 64, 100)
    assert (ccw @ [59.5, 49.5, 1])[1] == pytest.approx(
        31.5 - 10 * math.sin(a), abs=1e-12)


def test_layer_to_frame_matrix_zoom_hand_computed():
    s = math.exp(0.04)
    mat = layer_to_frame_matrix(BY_NAME['Expand'], 0.02, 2, 64, 64, 100)
    np.testing.assert_allclose(
        mat, [[s, 0, 31.5 - s * 49.5], [0, s, 31.5 - s * 49.5]], atol=1e-12)


@pytest.mark.parametrize('height, width', [(64, 64), (32, 64)])
def test_canvas_covers_every_frame(height, width):
    """At the highest speed and the last frame, every frame corner maps back
    inside the canvas, for every class (no empty border ever shows)."""
    num_frames, max_speed = 16, 0.03
    canvas = canvas_size_for(height, width, num_frames, max_speed)
    corners = np.array([[0, 0], [width - 1, 0], [0, height - 1],
                        [width - 1, height - 1]], float)
    for motion in MOTION_CLASSES:
        for t in (0, num_frames - 1):
            mat = layer_to_frame_matrix(motion, max_speed, t, height, width,
                                        canvas)
            inv = cv2.invertAffineTransform(mat)
            src = corners @ inv[:, :2].T + inv[:, 2]
            assert src.min() >= 0 and src.max() <= canvas - 1, (
                motion.name, t, src)


# ------------------------------------------------------------ rendered clips


# Written out here, not read from MotionClass.direction, so that a wrong
# entry in the class table fails these tests too.
@pytest.mark.parametrize('name, direction', [
    ('TranslateLeft', (-1, 0)),
    ('TranslateRight', (1, 0)),
    ('TranslateUp', (0, -1)),
    ('TranslateDown', (0, 1)),
])
@pytest.mark.parametrize('seed', [0, 1, 2])
def test_rendered_translation_matches_class(name, direction, seed):
    frames, speed = render(BY_NAME[name], seed)
    assert frames.shape == (NUM_FRAMES, SIZE, SIZE, 3)
    assert SPEED_RANGE[0] <= speed <= SPEED_RANGE[1]
    (dx, dy), _ = cv2.phaseCorrelate(gray(frames[0]), gray(frames[K]))
    shift = speed * SIZE * K  # 10-16 px
    np.testing.assert_allclose([dx, dy], np.array(direction) * shift, atol=1.)
    if direction[0]:
        assert abs(dx) > 5 * abs(dy)
    else:
        assert abs(dy) > 5 * abs(dx)


@pytest.mark.parametrize('name, kind, sign', [
    ('RotateClockwise', 'rotate', 1),
    ('RotateCounterClockwise', 'rotate', -1),
    ('Expand', 'zoom', 1),
    ('Contract', 'zoom', -1),
])
@pytest.mark.parametrize('seed', [0, 1])
def test_rendered_rotation_and_zoom_match_class(name, kind, sign, seed):
    frames, speed = render(BY_NAME[name], seed)
    err, angle, scale = fit_similarity(frames[0], frames[K])
    assert err < 1.  # grey levels: the similarity explains frame K
    if kind == 'rotate':
        # Positive = clockwise on screen; 2 * u * K = 0.32-0.48 rad.
        assert angle == pytest.approx(sign * 2 * speed * K, abs=0.02)
        assert scale == pytest.approx(1., abs=0.02)
    else:
        # exp(+-u * K): 1.17-1.27 or 0.79-0.85.
        assert scale == pytest.approx(math.exp(sign * speed * K), abs=0.02)
        assert angle == pytest.approx(0., abs=0.02)


# ------------------------------------------------------------- determinism


def test_same_seed_same_frames_other_seed_other_frames():
    motion = BY_NAME['RotateClockwise']
    first, speed1 = render(motion, 7, background=None)
    again, speed2 = render(motion, 7, background=None)
    other, _ = render(motion, 8, background=None)
    assert speed1 == speed2
    assert first.tobytes() == again.tobytes()
    assert np.abs(first.astype(int) - other).mean() > 10


# ------------------------------------------- no single frame tells the class


def test_first_frame_and_speed_do_not_depend_on_class():
    """With one rng state every class shows the same frame 0 (the layer
    unmoved, same appearance draws) and the same speed; later frames
    differ, so the motion is the only difference."""
    for seed in (3, 4):
        outs = [
            render_motion_video(np.random.default_rng(seed), m,
                                num_frames=6, height=32, width=32)
            for m in MOTION_CLASSES
        ]
        frame0 = outs[0][0][0]
        for (frames, speed), motion in zip(outs, MOTION_CLASSES):
            assert np.array_equal(frames[0], frame0), motion.name
            assert speed == outs[0][1]
        last = [frames[-1] for frames, _ in outs]
        for i in range(len(last)):
            for j in range(i + 1, len(last)):
                assert not np.array_equal(last[i], last[j]), (i, j)


def test_first_frame_statistics_same_across_classes():
    """Over independent seeds (disjoint per class, since equal seeds give
    equal frames), the frame-0 mean colour and contrast of three classes
    have the same distribution: the averages over 40 clips agree within 3
    standard errors. (A weak check; the test above is the exact one.)"""
    num = 40
    stats = []
    for c, name in enumerate(('TranslateLeft', 'RotateClockwise', 'Expand')):
        rows = []
        for i in range(num):
            frames, _ = render_motion_video(
                np.random.default_rng(1000 * (c + 1) + i), BY_NAME[name],
                num_frames=2, height=16, width=16)
            f0 = frames[0].astype(float)
            rows.append([*f0.mean(axis=(0, 1)), f0.std()])
        stats.append(np.array(rows))  # num x 4: mean R, G, B and std
    for i in range(3):
        for j in range(i + 1, 3):
            a, b = stats[i], stats[j]
            se = np.sqrt((a.var(0, ddof=1) + b.var(0, ddof=1)) / num)
            diff = np.abs(a.mean(0) - b.mean(0))
            assert np.all(diff < 3 * se), (i, j, diff, se)


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_frames=1), 'num_frames must be >= 2, got 1'),
    (dict(height=4), '64x4'),
    (dict(width=6), '6x64'),
    (dict(speed_range=(0.03, 0.01)), r'\(0.03, 0.01\)'),
    (dict(speed_range=(0., 0.01)), r'\(0.0, 0.01\)'),
    (dict(background=np.zeros((32, 64, 3), np.float32)), r'\(32, 64, 3\)'),
])
def test_render_bad_arguments(kwargs, match):
    args = dict(num_frames=4, height=64, width=64)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        render_motion_video(np.random.default_rng(0), MOTION_CLASSES[0],
                            **args)
