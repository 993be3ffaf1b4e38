"""Appearance and rendering of the synthetic motion videos: a textured
elliptic object on a smooth random background with a static clutter disk,
plus sensor noise, in grey levels.

Appearance is drawn in two levels. A *group* (UCF101's ``gXX``) fixes a
style: how coarse the textures are, the object's shape and contrast, the
background's contrast, the noise level. Each video then draws its own
texture, background, clutter disk and motion within its group's style.
Held-out groups therefore test transfer to unseen appearance, as UCF101's
split by group does. The background and clutter are drawn from
distributions invariant to flips and 90-degree rotations, so the whole
video's distribution is (see :mod:`.motions` for the motion).
"""
from dataclasses import dataclass
from typing import Optional, Tuple

import cv2
import numpy as np

from .motions import MotionParams, trajectory

#: Side of the square texture patch of the object, in pixels.
PATCH = 24


@dataclass(frozen=True)
class GroupStyle:
    """The appearance shared by the videos of one group."""
    texture_grid: int  # cells of the object's random texture
    semi_axes: Tuple[float, float]  # object ellipse, pixels at scale 1
    object_contrast: float  # std of the object's texture, grey levels
    background_grid: int  # cells of the smooth background
    background_contrast: float
    noise_std: float  # sensor noise, grey levels


def draw_group_style(rng: np.random.Generator) -> GroupStyle:
    """One group's style."""
    major = rng.uniform(6.5, 8.)
    return GroupStyle(
        texture_grid=int(rng.integers(3, 6)),
        semi_axes=(major, major * rng.uniform(0.5, 0.7)),
        object_contrast=rng.uniform(35., 55.),
        background_grid=int(rng.integers(3, 7)),
        background_contrast=rng.uniform(15., 35.),
        noise_std=rng.uniform(3., 8.))


def _smooth_noise(rng: np.random.Generator, grid: int,
                  size: int) -> np.ndarray:
    """Unit-std smooth random field: ``grid x grid`` normal values resized
    bicubically to ``size x size``."""
    coarse = rng.standard_normal((grid, grid)).astype(np.float32)
    field = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    return (field - field.mean()) / (field.std() + 1e-6)


def draw_texture(style: GroupStyle, rng: np.random.Generator
                 ) -> Tuple[np.ndarray, np.ndarray]:
    """The object: a ``PATCH x PATCH`` grey texture and its alpha mask (an
    ellipse with a soft edge along the patch's x axis)."""
    mean = rng.uniform(90., 170.)
    texture = mean + style.object_contrast * _smooth_noise(
        rng, style.texture_grid, PATCH)
    # a dark notch on one end breaks the ellipse's symmetry: spin shows
    texture[:, :PATCH // 2 - 3] -= 0.5 * style.object_contrast
    centre = (PATCH - 1) / 2.
    ys, xs = np.mgrid[:PATCH, :PATCH].astype(np.float32) - centre
    major, minor = style.semi_axes
    radius = np.sqrt((xs / major)**2 + (ys / minor)**2)
    alpha = np.clip((1. - radius) * major / 1.5, 0., 1.).astype(np.float32)
    return texture.astype(np.float32), alpha


def draw_background(style: GroupStyle, rng: np.random.Generator,
                    size: int) -> np.ndarray:
    """A static ``size x size`` background: a smooth random field and one
    clutter disk at a uniform position."""
    background = rng.uniform(70., 190.) + style.background_contrast * \
        _smooth_noise(rng, style.background_grid, size)
    radius = rng.uniform(3., 6.)
    cx, cy = rng.uniform(0, size - 1, size=2)
    ys, xs = np.mgrid[:size, :size].astype(np.float32)
    disk = np.clip(radius + 0.5 - np.hypot(xs - cx, ys - cy), 0., 1.)
    level = rng.uniform(40., 220.)
    return (background * (1. - disk) + level * disk).astype(np.float32)


def render_frames(params: MotionParams, texture: np.ndarray,
                  alpha: np.ndarray, background: Optional[np.ndarray],
                  size: int, num_frames: int) -> np.ndarray:
    """Composite the moving object over the background: ``T x size x size``
    float32 (no noise, no rounding). ``background=None`` renders on 0."""
    centres, poses = trajectory(params, num_frames)
    img_centre = (size - 1) / 2.
    patch_centre = np.full(2, (PATCH - 1) / 2.)
    frames = np.empty((num_frames, size, size), np.float32)
    for t in range(num_frames):
        pose = poses[t]
        shift = img_centre + centres[t] - pose @ patch_centre
        matrix = np.concatenate([pose, shift[:, None]], axis=1)
        a = cv2.warpAffine(alpha, matrix, (size, size),
                           flags=cv2.INTER_LINEAR, borderValue=0.)
        ta = cv2.warpAffine(texture * alpha, matrix, (size, size),
                            flags=cv2.INTER_LINEAR, borderValue=0.)
        frames[t] = ta if background is None else \
            background * (1. - a) + ta
    return frames


def render_video(params: MotionParams, style: GroupStyle,
                 rng: np.random.Generator, size: int = 40,
                 num_frames: int = 32) -> np.ndarray:
    """One video, ``T x size x size`` uint8 grey: object texture,
    background and noise drawn from ``rng`` within ``style``."""
    texture, alpha = draw_texture(style, rng)
    background = draw_background(style, rng, size)
    frames = render_frames(params, texture, alpha, background, size,
                           num_frames)
    frames += style.noise_std * rng.standard_normal(frames.shape,
                                                    dtype=np.float32)
    return np.clip(np.rint(frames), 0, 255).astype(np.uint8)
