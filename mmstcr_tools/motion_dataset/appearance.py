"""Random appearance: a textured background and a layer of textured shapes
with random colours. Nothing here knows the motion class."""
import math
from typing import Tuple

import cv2
import numpy as np

PATTERNS = ('stripes', 'checker', 'noise')


def smooth_noise(rng: np.random.Generator, height: int, width: int,
                 period: float) -> np.ndarray:
    """H x W float32 noise in [0, 1] with features about ``period`` pixels
    wide (a random grid upsampled with bicubic interpolation)."""
    cells_h = max(2, int(round(height / period)) + 1)
    cells_w = max(2, int(round(width / period)) + 1)
    grid = rng.random((cells_h, cells_w)).astype(np.float32)
    noise = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
    return np.clip(noise, 0., 1.)


def random_pattern(rng: np.random.Generator, height: int, width: int,
                   period_range: Tuple[float, float]) -> np.ndarray:
    """H x W float32 in [0, 1]: stripes, a checkerboard or smooth noise at a
    random angle, period and phase."""
    kind = PATTERNS[rng.integers(len(PATTERNS))]
    period = rng.uniform(*period_range)
    angle = rng.uniform(0, math.pi)
    phase = rng.uniform(0, 2 * math.pi, size=2)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    u = (xs * math.cos(angle) + ys * math.sin(angle)) * 2 * math.pi / period
    v = (-xs * math.sin(angle) + ys * math.cos(angle)) * 2 * math.pi / period
    if kind == 'stripes':
        return 0.5 + 0.5 * np.sin(u + phase[0])
    if kind == 'checker':
        return ((np.sin(u + phase[0]) * np.sin(v + phase[1])) > 0).astype(
            np.float32)
    return smooth_noise(rng, height, width, period)


def random_colour(rng: np.random.Generator) -> np.ndarray:
    """A random RGB colour, float32 in [0, 255]."""
    return rng.uniform(0, 255, size=3).astype(np.float32)


def two_colour_texture(rng: np.random.Generator, pattern: np.ndarray,
                       contrast: float = 1.) -> np.ndarray:
    """H x W x 3 float32 RGB: two random colours mixed by a pattern."""
    first = random_colour(rng)
    second = first + contrast * (random_colour(rng) - first)
    return (first + pattern[..., None] * (second - first)).astype(np.float32)


def random_background(rng: np.random.Generator, height: int,
                      width: int) -> np.ndarray:
    """H x W x 3 float32 RGB background: a smooth two-colour field plus a
    finer, fainter random pattern."""
    short = min(height, width)
    field = smooth_noise(rng, height, width, rng.uniform(0.3, 0.8) * short)
    base = two_colour_texture(rng, field)
    detail = random_pattern(rng, height, width, (0.05 * short, 0.2 * short))
    strength = rng.uniform(20, 60)
    return np.clip(base + strength * (detail[..., None] - 0.5), 0, 255)


def _shape_mask(rng: np.random.Generator, radius: float,
                size: int) -> np.ndarray:
    """size x size float32 alpha of a random ellipse, rectangle or triangle
    centred in the patch, anti-aliased."""
    mask = np.zeros((size, size), np.uint8)
    centre = (size - 1) / 2
    angle = rng.uniform(0, 360)
    kind = rng.integers(3)
    aspect = rng.uniform(0.4, 1.0)
    if kind == 0:  # ellipse
        axes = (radius, radius * aspect)
        box = ((centre, centre), (2 * axes[0], 2 * axes[1]), angle)
        cv2.ellipse(mask, box, 255, -1, cv2.LINE_AA)
    else:  # rectangle (4 corners) or triangle (3 corners)
        corners = 4 if kind == 1 else 3
        start = math.radians(angle)
        pts = []
        for i in range(corners):
            a = start + 2 * math.pi * i / corners
            r = radius * (aspect if i % 2 and corners == 4 else 1.)
            pts.append((centre + r * math.cos(a), centre + r * math.sin(a)))
        pts = np.round(np.array(pts) * 16).astype(np.int32)  # 4 fractional
        cv2.fillPoly(mask, [pts], 255, cv2.LINE_AA, shift=4)
    return mask.astype(np.float32) / 255.


def random_foreground(rng: np.random.Generator, canvas_size: int,
                      short_side: int, num_shapes: int,
                      radius_range: Tuple[float, float] = (0.06, 0.25)
                      ) -> Tuple[np.ndarray, np.ndarray]:
    """A square layer of textured shapes at uniform random positions.

    Args:
        rng (np.random.Generator): Random source.
        canvas_size (int): Side of the layer in pixels.
        short_side (int): Short side of the video frame; sizes and texture
            periods are relative to it.
        num_shapes (int): Number of shapes, painted in order (later ones on
            top).
        radius_range (tuple[float, float]): Shape radius range, as fractions
            of ``short_side``; radii are log-uniform in it. Defaults to
            (0.06, 0.25).

    Returns:
        tuple: ``colour`` (L x L x 3 float32 RGB, premultiplied by alpha)
        and ``alpha`` (L x L float32 in [0, 1]); composite over a background
        as ``colour + (1 - alpha) * background``.
    """
    colour = np.zeros((canvas_size, canvas_size, 3), np.float32)
    alpha = np.zeros((canvas_size, canvas_size), np.float32)
    log_lo, log_hi = np.log(radius_range[0]), np.log(radius_range[1])
    for _ in range(num_shapes):
        radius = float(np.exp(rng.uniform(log_lo, log_hi))) * short_side
        size = 2 * int(math.ceil(radius)) + 3
        patch_alpha = _shape_mask(rng, radius, size)
        texture = two_colour_texture(
            rng,
            random_pattern(rng, size, size,
                           (0.05 * short_side, 0.2 * short_side)))
        # Top-left corner of the patch; the patch may hang over the edge.
        y0, x0 = (rng.uniform(0, canvas_size, size=2) - size / 2).astype(int)
        ys = slice(max(y0, 0), min(y0 + size, canvas_size))
        xs = slice(max(x0, 0), min(x0 + size, canvas_size))
        if ys.start >= ys.stop or xs.start >= xs.stop:
            continue
        pa = patch_alpha[ys.start - y0:ys.stop - y0,
                         xs.start - x0:xs.stop - x0, None]
        tex = texture[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0]
        colour[ys, xs] = pa * tex + (1 - pa) * colour[ys, xs]
        alpha[ys, xs] = pa[..., 0] + (1 - pa[..., 0]) * alpha[ys, xs]
    return colour, alpha
