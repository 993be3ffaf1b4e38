"""Figure 5 of the paper: heatmaps of the backbone features over the
frames, random initialisation vs a checkpoint.

Usage::

    python tools/analysis/motion_heatmap.py \\
        configs/finetune/i3d-inception-v1_stcr-pretrained_8xb8-16x4x1-45e_hmdb51-split1-rgb.py \\
        work_dirs/i3d-inception-v1_stcr-pretrained_8xb8-16x4x1-45e_hmdb51-split1-rgb/epoch_45.pth \\
        --videos data/hmdb51/hmdb51_val_split_1_videos.txt \\
        --video-root data/hmdb51/videos --max-videos 4 --out-dir figures

Heatmap: the backbone map max-pooled over time, upsampled to the frame
size, averaged over channels, min-max scaled (docs/figures.md). Per video:
a row of frames, then a row of overlays per model. Writes
``OUT_DIR/motion_heatmap.png``.
"""
import argparse
import os.path as osp
import sys

from mmstcr_tools.visualization.motion_heatmap import run_motion_heatmap
from mmstcr_tools.visualization.video_features import (add_common_arguments,
                                                       setup_from_args)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Feature heatmaps over frames (the paper\'s Figure 5).')
    add_common_arguments(parser, default_videos=4)
    parser.add_argument('--frames-shown', type=int, default=4,
                        help='frames per row (default: 4)')
    parser.add_argument('--alpha', type=float, default=0.5,
                        help='heatmap opacity (default: 0.5)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    pair, items = setup_from_args(args)
    image = run_motion_heatmap(
        pair, items, osp.join(args.out_dir, 'motion_heatmap.png'),
        args.clip_len, args.frame_interval, args.size, args.short_side,
        args.frames_shown, args.alpha, args.dpi)
    print(f'{len(items)} videos; saved {image}')


if __name__ == '__main__':
    sys.exit(main())
