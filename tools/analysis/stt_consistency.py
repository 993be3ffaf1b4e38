"""Figure 4 of the paper: the transformation-consistency matrix, random
initialisation beside a checkpoint, and the consistency error.

Usage::

    python tools/analysis/stt_consistency.py \\
        configs/stcr/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb.py \\
        work_dirs/stcr_i3d-inception-v1_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth \\
        --videos data/hmdb51/hmdb51_val_split_1_videos.txt \\
        --video-root data/hmdb51/videos --max-videos 4 --out-dir figures

For each clip and each of the 16 STT codes c: psi(T_c^-1(F(T_c(x)))),
averaged over channels (or ``--channel K``), as a T' x 16 heatmap; the
consistency error E is the mean over the 15 non-identity codes of
||psi(f_c) - psi(f_0)||^2 / ||psi(f_0)||^2 (docs/figures.md). Writes
``OUT_DIR/stt_consistency.png`` and prints the errors as a table.
"""
import argparse
import os.path as osp
import sys

from mmstcr_tools.visualization.stt_consistency import run_stt_consistency
from mmstcr_tools.visualization.video_features import (add_common_arguments,
                                                       setup_from_args)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='STT consistency matrix (the paper\'s Figure 4).')
    add_common_arguments(parser, default_videos=4)
    parser.add_argument(
        '--channel', type=int, help='draw this channel of psi instead of the '
        'mean over channels (the error always uses all channels)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    pair, items = setup_from_args(args)
    image, table, _ = run_stt_consistency(
        pair, items, osp.join(args.out_dir, 'stt_consistency.png'),
        args.clip_len, args.frame_interval, args.size, args.short_side,
        args.channel, args.dpi)
    print(table)
    print(f'saved {image}')


if __name__ == '__main__':
    sys.exit(main())
