"""Build MMAction2 annotation lists for UCF101 from the official split files,
checked against the videos on disk (see tools/data/ucf101/README.md).

    python tools/data/ucf101/build_annotations.py \
        --split-dir data/ucf101/ucfTrainTestlist \
        --video-root data/ucf101/videos --out-dir data/ucf101 --workers 2

Exit status: 0 lists written; 1 some videos missing or unreadable (listed,
no list written; --drop-invalid writes the lists without them); 2 bad split
files or arguments.
"""
import argparse
import sys

from mmstcr.datasets.preparation import (AnnotationError, format_report,
                                         prepare_ucf101)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='UCF101 split files -> MMAction2 annotation lists')
    parser.add_argument(
        '--split-dir',
        default='data/ucf101/ucfTrainTestlist',
        help='folder with classInd.txt, trainlist0N.txt, testlist0N.txt')
    parser.add_argument(
        '--video-root',
        default='data/ucf101/videos',
        help='folder holding <Class>/<video>.avi; the list paths are '
        'relative to it (the configs\' data_prefix)')
    parser.add_argument(
        '--out-dir', default='data/ucf101', help='where the lists go')
    parser.add_argument(
        '--splits', type=int, nargs='+', default=[1, 2, 3],
        choices=[1, 2, 3], help='official splits to build')
    parser.add_argument(
        '--drop-invalid',
        action='store_true',
        help='leave missing/unreadable videos out of the lists (with a '
        'warning) instead of failing')
    parser.add_argument(
        '--workers', type=int, default=1,
        help='processes checking the videos')
    parser.add_argument(
        '--no-decode',
        action='store_true',
        help='only open each video with decord, do not decode its first and '
        'last frame (faster, catches fewer broken files)')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        report = prepare_ucf101(
            args.split_dir,
            args.video_root,
            args.out_dir,
            splits=args.splits,
            drop_invalid=args.drop_invalid,
            decode=not args.no_decode,
            workers=args.workers,
            show_progress=not args.no_progress)
    except (AnnotationError, FileNotFoundError, ValueError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    print(format_report(report))
    return 0 if report.lists_written else 1


if __name__ == '__main__':
    sys.exit(main())
