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


# ------------------------------------------------------- kinds of motion
#
# For the 'kinds' set (kinds.py): a similarity fit per frame pair (robust:
# refit twice on the 70 % smallest residuals; pairs where under 1 % of the
# pixels change are skipped), then
# - family: translation energy |t|^2 / S^2 against rotation (omega / 2)^2
#   plus scale sigma^2 (medians over the pairs), then rotation against
#   scale;
# - steady or periodic: |mean| / rms of the dominant part (> 0.7 steady);
# - for periodic translations, a line (Oscillate) or a circle (Orbit): the
#   ratio of the eigenvalues of the second moment of t (< 0.3 a line).


def similarity_series(frames, border=4, min_changed=0.01):
    """frames: T x H x W x 3 uint8 RGB -> N x 4 ``(tx, ty, sigma, omega)``
    between consecutive frames."""
    num, height, width, _ = frames.shape
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    rx, ry = xs - (width - 1) / 2, ys - (height - 1) / 2
    inner = (slice(border, -border), slice(border, -border))
    out = []
    for t in range(num - 1):
        flow = cv2.calcOpticalFlowFarneback(gray[t], gray[t + 1], None, 0.5,
                                            3, 9, 5, 5, 1.1, 0)
        mask = (np.abs(gray[t + 1].astype(int) - gray[t]) > 8)[inner]
        if mask.mean() < min_changed:
            continue
        px, py = rx[inner][mask], ry[inner][mask]
        one, zero = np.ones_like(px), np.zeros_like(px)
        a = np.concatenate([np.stack([one, zero, px, -py], 1),
                            np.stack([zero, one, py, px], 1)])
        b = np.concatenate([flow[..., 0][inner][mask],
                            flow[..., 1][inner][mask]])
        keep = np.ones(len(b), bool)
        for _ in range(3):
            params, *_ = np.linalg.lstsq(a[keep], b[keep], rcond=None)
            residual = np.abs(a @ params - b)
            keep = residual <= np.quantile(residual, 0.7)
        out.append(params)
    return np.array(out).reshape(-1, 4)


def steadiness(series):
    """|mean| / rms of a series of scalars or vectors: 1 if constant."""
    x = series.reshape(len(series), -1)
    return np.linalg.norm(x.mean(0)) / np.sqrt((x**2).sum(1).mean())


def estimate_kind(frames):
    """-> (kind name or None if too few frames move, dict of estimates:
    ``angle`` of a steady translation, ``sense`` of a turning motion,
    ``sign`` of a scaling)."""
    series = similarity_series(frames)
    if len(series) < 3:
        return None, {}
    trans = series[:, :2] / min(frames.shape[1:3])
    sigma, omega = series[:, 2], series[:, 3] / 2
    e_t = np.median((trans**2).sum(1))
    e_z, e_r = np.median(sigma**2), np.median(omega**2)
    if e_t > e_z + e_r:
        mean = trans.mean(0)
        # Turning sense of the velocity (> 0 clockwise on screen, y down).
        cross = trans[:-1, 0] * trans[1:, 1] - trans[:-1, 1] * trans[1:, 0]
        info = dict(angle=float(np.arctan2(mean[1], mean[0]) % (2 * np.pi)),
                    sense=int(np.sign(cross.mean())))
        if steadiness(trans) > 0.7:
            return 'translate', info
        low, high = np.linalg.eigvalsh(trans.T @ trans)
        return ('oscillate' if low < 0.3 * high else 'orbit'), info
    info = dict(sense=int(np.sign(omega.mean())),
                sign=int(np.sign(sigma.mean())))
    if e_r > e_z:
        return ('rotate' if steadiness(omega) > 0.7 else 'swing'), info
    return ('zoom' if steadiness(sigma) > 0.7 else 'pulse'), info


@pytest.fixture
def kind_of():
    """``kind_of(frames) -> (kind, estimates)`` from pixels alone."""
    return estimate_kind
