"""Plot training curves of one or more runs into an image file.

Usage::

    python tools/analysis/plot_curves.py WORK_DIR [WORK_DIR ...] \\
        --keys loss loss_tw loss_cw feat_std_ratio lr --out curves.png

    # STCR-initialised vs scratch finetuning, accuracy per epoch
    python tools/analysis/plot_curves.py work_dirs/ft_stcr \\
        work_dirs/ft_scratch --keys acc/top1 loss --labels STCR scratch \\
        --by epoch --out ft.png

Each WORK_DIR is a work dir (its newest run is read, or the one picked with
``--timestamps``), a run dir ``WORK_DIR/<timestamp>`` or a
``vis_data/scalars.json`` file, as written by MMEngine's ``LocalVisBackend``.
One subplot per key, one line per work dir. ``--by iter`` puts training
values at their iteration (validation values at the end of their epoch);
``--by epoch`` averages the training values of each epoch.
"""
import argparse
import sys

from mmstcr_tools.visualization import plot_curves


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Plot logged scalars of MMEngine runs (LocalVisBackend).')
    parser.add_argument(
        'work_dirs',
        nargs='+',
        metavar='WORK_DIR',
        help='work dirs, run dirs or scalars.json files')
    parser.add_argument(
        '--keys',
        nargs='+',
        default=['loss', 'lr'],
        help='logged keys to plot, one subplot each (default: loss lr)')
    parser.add_argument(
        '--out', default='curves.png', help='output image (default: '
        'curves.png; the extension picks the format)')
    parser.add_argument(
        '--labels',
        nargs='+',
        help='legend label of each work dir (default: folder names)')
    parser.add_argument(
        '--by',
        choices=['iter', 'epoch'],
        default='iter',
        help='x axis (default: iter)')
    parser.add_argument(
        '--timestamps',
        nargs='+',
        help='run (timestamp folder) of each work dir; "latest" takes the '
        'newest (default: the newest of each)')
    parser.add_argument(
        '--ncols', type=int, default=3, help='subplots per row (default: 3)')
    parser.add_argument(
        '--dpi', type=int, default=100, help='pixels per inch (default: 100)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    timestamps = None
    if args.timestamps is not None:
        timestamps = [None if t == 'latest' else t for t in args.timestamps]
    plotted = plot_curves(
        args.work_dirs,
        args.keys,
        args.out,
        labels=args.labels,
        by=args.by,
        timestamps=timestamps,
        ncols=args.ncols,
        dpi=args.dpi)
    for key, runs in plotted.items():
        for label, (steps, values) in runs.items():
            print(f'{key} [{label}]: {len(steps)} points, last '
                  f'{values[-1]:.6g} at {args.by} {steps[-1]}')
    print(f'saved {args.out}')


if __name__ == '__main__':
    sys.exit(main())
