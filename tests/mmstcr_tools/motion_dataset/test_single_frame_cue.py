"""No single frame tells the class: a permutation test of class effects on
first-frame statistics, with a positive control showing the same test
catches a small class-dependent tint. (test_motion.py checks the exact
statement: one rng state gives one frame 0 for every class.)"""
import cv2
import numpy as np

from mmstcr_tools.motion_dataset import (MOTION_CLASSES, MOTION_KINDS,
                                         render_kind_video,
                                         render_motion_video)


def render(seed, motion, **kwargs):
    return render_motion_video(np.random.default_rng(seed), motion, **kwargs)


def first_frame_features(frame):
    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grad = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0),
                    cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    pixels = frame.reshape(-1, 3).astype(np.float32)
    return np.concatenate([pixels.mean(0), pixels.std(0), [grad.mean()]])


def class_f_statistic(features, labels):
    """Per feature: variance of the class means / mean within-class
    variance (one-way ANOVA's F, up to constant factors)."""
    classes = np.unique(labels)
    means = np.stack([features[labels == c].mean(0) for c in classes])
    between = ((means - features.mean(0))**2).mean(0)
    within = np.stack([features[labels == c].var(0) for c in classes])
    return between / within.mean(0)


def permutation_p_values(features, labels, num=1000, seed=0):
    """P-values of :func:`class_f_statistic` under shuffled labels: small
    if the class changes the distribution of a feature."""
    rng = np.random.default_rng(seed)
    observed = class_f_statistic(features, labels)
    count = np.zeros_like(observed)
    for _ in range(num):
        count += class_f_statistic(features, rng.permutation(labels)) >= \
            observed
    return (count + 1) / (num + 1)


def test_first_frames_do_not_tell_the_class():
    # 8 classes x 24 videos, each from its own seed (as in the datasets).
    frames, labels = [], []
    for c, motion in enumerate(MOTION_CLASSES):
        for k in range(24):
            video, _ = render(1000 + 100 * c + k, motion, num_frames=2,
                              height=32, width=32)
            frames.append(video[0])
            labels.append(c)
    labels = np.array(labels)
    feats = np.array([first_frame_features(f) for f in frames])
    # Colour means and spreads and edge energy: no class differs.
    assert permutation_p_values(feats, labels).min() > 0.01
    # Control: the same test catches a class-dependent tint of 30 grey
    # levels (less than the spread of the random colours).
    tints = [30 * np.array([(c >> i) & 1 for i in range(3)]) for c in labels]
    tinted = np.array([
        first_frame_features(
            np.clip(f.astype(int) + tint, 0, 255).astype(np.uint8))
        for f, tint in zip(frames, tints)
    ])
    assert permutation_p_values(tinted, labels).min() < 0.005


def test_first_frames_do_not_tell_the_kind():
    """The same for the 'kinds' set (7 kinds x 24 videos)."""
    frames, labels = [], []
    for c, kind in enumerate(MOTION_KINDS):
        for k in range(24):
            video, _ = render_kind_video(
                np.random.default_rng(5000 + 100 * c + k), kind,
                num_frames=2, height=32, width=32)
            frames.append(video[0])
            labels.append(c)
    feats = np.array([first_frame_features(f) for f in frames])
    assert permutation_p_values(feats, np.array(labels)).min() > 0.01
