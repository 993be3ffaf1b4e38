"""Figure 5 of the paper: where the features look, before and after
pretraining.

For a clip ``x`` (section 4.5 of the paper)::

    f = F(x)                              # C' x T' x H' x W'
    g = max over T' of f                  # C' x H' x W'
    G = bilinear upsampling of g to H x W # C' x H x W (the frame size)
    heat = mean over channels of G        # H x W

drawn over the clip's frames, min-max scaled to [0, 1] per map (so random
init and checkpoint share one colour scale although their magnitudes
differ). One block per video: its frames, then the random-init heatmap,
then the checkpoint heatmap over them.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .video_features import backbone_map, save_figure


def motion_heatmap(feats: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    """``N x C' x T' x H' x W'`` map -> ``N x H x W`` heatmaps (not scaled):
    max over time, bilinear upsampling to ``size``, mean over channels."""
    if feats.dim() != 5:
        raise ValueError("motion_heatmap needs N x C' x T' x H' x W' "
                         f'features; got shape {tuple(feats.shape)}')
    pooled = feats.amax(dim=2)  # N x C' x H' x W'
    upsampled = F.interpolate(
        pooled.float(), size=tuple(size), mode='bilinear',
        align_corners=False)  # N x C' x H x W
    return upsampled.mean(dim=1)


def scale_01(heat: np.ndarray) -> np.ndarray:
    """Min-max scale to [0, 1]; a constant map becomes all zeros."""
    low, high = float(heat.min()), float(heat.max())
    if high - low <= 0:
        return np.zeros_like(heat, dtype=np.float64)
    return (heat - low) / (high - low)


def video_heatmaps(models: Dict[str, nn.Module],
                   clip: torch.Tensor) -> Dict[str, np.ndarray]:
    """Each model's heatmap of one normalised ``C x T x H x W`` clip, scaled
    to [0, 1]: ``{name: H x W array}``."""
    size = clip.shape[-2:]
    return {
        name: scale_01(
            motion_heatmap(backbone_map(model, clip[None]), size)[0].numpy())
        for name, model in models.items()
    }


def shown_frames(num_frames: int, count: int) -> List[int]:
    """``count`` frame indices spread evenly over a clip (all if fewer)."""
    count = min(count, num_frames)
    return sorted({int(round(i)) for i in
                   np.linspace(0, num_frames - 1, count)})


def plot_heatmaps(videos: Sequence[Tuple[str, np.ndarray,
                                         Dict[str, np.ndarray]]],
                  out_file: str,
                  num_shown: int = 4,
                  alpha: float = 0.5,
                  dpi: int = 100) -> str:
    """Draw each video as rows: frames, then one row of overlays per model.

    Args:
        videos: ``(name, frames T x H x W x 3 uint8, {model: heat H x W})``.
        out_file (str): Image path.
        num_shown (int): Frames per row. Defaults to 4.
        alpha (float): Opacity of the heatmap. Defaults to 0.5.
    """
    from matplotlib.figure import Figure

    model_names = list(videos[0][2])
    rows_per_video = 1 + len(model_names)
    cols = min(num_shown, videos[0][1].shape[0])
    fig = Figure(
        figsize=(1.9 * cols + 1.2, 1.9 * rows_per_video * len(videos)),
        dpi=dpi, layout='constrained')
    axes = fig.subplots(rows_per_video * len(videos), cols, squeeze=False)
    for v, (name, frames, heats) in enumerate(videos):
        index = shown_frames(frames.shape[0], cols)
        for col in range(cols):
            t = index[col] if col < len(index) else index[-1]
            top = axes[v * rows_per_video, col]
            top.imshow(frames[t])
            top.set_title(f'{name} t={t}' if col == 0 else f't={t}',
                          fontsize=8)
            for m, model in enumerate(model_names, 1):
                ax = axes[v * rows_per_video + m, col]
                ax.imshow(frames[t])
                ax.imshow(heats[model], cmap='jet', alpha=alpha, vmin=0,
                          vmax=1)
                if col == 0:
                    ax.set_ylabel(model, fontsize=8)
        for ax in axes[v * rows_per_video:(v + 1) * rows_per_video].ravel():
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle('backbone map: max over time, upsampled, mean over '
                 'channels', fontsize=10)
    return save_figure(fig, out_file, dpi)


def run_motion_heatmap(pair, items, out_file: str, clip_len: int = 16,
                       frame_interval: int = 4, size: int = 112,
                       short_side: Optional[int] = None, num_shown: int = 4,
                       alpha: float = 0.5, dpi: int = 100) -> str:
    """Figure 5 for ``items`` under a
    :class:`~.video_features.BackbonePair`; returns the image path."""
    from .video_features import load_clip, normalise
    videos = []
    for item in items:
        frames, clip = load_clip(item.path, clip_len, frame_interval, size,
                                 short_side)
        heats = video_heatmaps(pair.models(),
                               normalise(clip, pair.mean, pair.std))
        videos.append((item.name, frames, heats))
    return plot_heatmaps(videos, out_file, num_shown, alpha, dpi)


__all__ = [
    'motion_heatmap', 'scale_01', 'video_heatmaps', 'shown_frames',
    'plot_heatmaps', 'run_motion_heatmap'
]
