"""Figure 7 of the paper: t-SNE of pooled backbone features coloured by
class, random initialisation beside a checkpoint. Needs scikit-learn
(``pip install scikit-learn``), an optional dependency.

Usage::

    python tools/analysis/tsne_features.py \\
        configs/stcr/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb.py \\
        work_dirs/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth \\
        --videos data/hmdb51/hmdb51_val_split_1_videos.txt \\
        --video-root data/hmdb51/videos --max-videos 300 --out-dir figures

One vector per video (centre clip, global average pool, or ``--pool
max``); a silhouette score by class (cosine) is printed for each model.
Writes ``OUT_DIR/tsne_features.png``.
"""
import argparse
import os.path as osp
import sys

from mmstcr_tools.visualization.tsne_features import POOLS, run_tsne
from mmstcr_tools.visualization.video_features import (add_common_arguments,
                                                       setup_from_args)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='t-SNE of features by class (the paper\'s Figure 7).')
    add_common_arguments(parser, default_videos=500)
    parser.add_argument('--pool', choices=POOLS, default='avg',
                        help='pooling of the map (default: avg)')
    parser.add_argument('--normalize', action='store_true',
                        help='L2-normalise the vectors before t-SNE')
    parser.add_argument('--perplexity', type=float, default=30.0,
                        help='t-SNE perplexity, capped at (N - 1) / 3 '
                        '(default: 30)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    pair, items = setup_from_args(args)
    image, scores, _ = run_tsne(
        pair, items, osp.join(args.out_dir, 'tsne_features.png'),
        args.clip_len, args.frame_interval, args.size, args.short_side,
        args.pool, args.normalize, args.perplexity, args.seed, args.dpi)
    classes = len({item.label for item in items})
    print(f'| model | silhouette (cosine), {len(items)} videos, {classes} '
          'classes |')
    print('|---|---:|')
    for name, score in scores.items():
        print(f'| {name} | {score:.4f} |')
    print(f'saved {image}')


if __name__ == '__main__':
    sys.exit(main())
