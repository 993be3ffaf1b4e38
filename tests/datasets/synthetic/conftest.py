"""An estimate of the motion in a video from its pixels alone, independent
of the generator's code: dense optical flow (Farneback) between frames, then
a least-squares fit of a similarity motion field about the frame centre,

    v(r) = (tx, ty) + sigma * r + omega * (-r_y, r_x),

with image coordinates (x right, y down), so omega > 0 is clockwise on
screen and sigma > 0 an expansion. The largest of |t| / S, |omega| / 2 and
|sigma| (the per-frame speed u of each kind, see motion.py) names the kind;
the signs name the class.
"""
import cv2
import numpy as np
import pytest


def fit_similarity(frames, step=2, border=4):
    """frames: T x H x W x 3 uint8 RGB -> (tx, ty, sigma, omega) per
    frame."""
    num, height, width, _ = frames.shape
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    rx, ry = xs - (width - 1) / 2, ys - (height - 1) / 2
    inner = (slice(border, -border), slice(border, -border))
    rows, rhs = [], []
    for t in range(0, num - step, step):
        flow = cv2.calcOpticalFlowFarneback(gray[t], gray[t + step], None,
                                            0.5, 2, 9, 3, 5, 1.1, 0) / step
        changed = np.abs(gray[t + step].astype(int) - gray[t]) > 8
        mask = changed[inner]
        vx, vy = flow[..., 0][inner][mask], flow[..., 1][inner][mask]
        px, py = rx[inner][mask], ry[inner][mask]
        one, zero = np.ones_like(px), np.zeros_like(px)
        rows += [np.stack([one, zero, px, -py], 1),
                 np.stack([zero, one, py, px], 1)]
        rhs += [vx, vy]
    params, *_ = np.linalg.lstsq(np.concatenate(rows), np.concatenate(rhs),
                                 rcond=None)
    return params


def estimate_motion(frames):
    """-> (class name, estimated speed u)."""
    tx, ty, sigma, omega = fit_similarity(frames)
    short = min(frames.shape[1:3])
    scores = dict(translate=np.hypot(tx, ty) / short, rotate=abs(omega) / 2,
                  zoom=abs(sigma))
    kind = max(scores, key=scores.get)
    if kind == 'translate':
        if abs(tx) > abs(ty):
            name = 'TranslateRight' if tx > 0 else 'TranslateLeft'
        else:
            name = 'TranslateDown' if ty > 0 else 'TranslateUp'
    elif kind == 'rotate':
        name = 'RotateClockwise' if omega > 0 else 'RotateCounterClockwise'
    else:
        name = 'Expand' if sigma > 0 else 'Contract'
    return name, scores[kind]


@pytest.fixture
def motion_of():
    """``motion_of(frames) -> (class name, speed)`` from pixels alone."""
    return estimate_motion
