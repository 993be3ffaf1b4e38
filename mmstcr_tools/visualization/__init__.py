"""Figures of training runs, and the paper's figures 4, 5 and 7 (see
docs/figures.md). Registers nothing: import it explicitly
(``from mmstcr_tools.visualization import plot_curves``)."""
from .curves import (ScalarLog, find_scalars_file, load_curves, plot_curves,
                     read_scalars, series_of)
from .motion_heatmap import motion_heatmap, run_motion_heatmap
from .stt_consistency import (STT_CODES, consistency_errors,
                              run_stt_consistency, transformed_descriptors)
from .tsne_features import run_tsne
from .video_features import build_backbones, list_videos, load_clip

__all__ = [
    'ScalarLog', 'find_scalars_file', 'load_curves', 'plot_curves',
    'read_scalars', 'series_of', 'STT_CODES', 'build_backbones',
    'consistency_errors', 'list_videos', 'load_clip', 'motion_heatmap',
    'run_motion_heatmap', 'run_stt_consistency', 'run_tsne',
    'transformed_descriptors'
]
