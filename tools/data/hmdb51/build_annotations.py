"""Build MMAction2 annotation lists for HMDB51 from the official split files,
checked against the videos on disk (see tools/data/hmdb51/README.md).

    python tools/data/hmdb51/build_annotations.py \
        --split-dir data/hmdb51/testTrainMulti_7030_splits \
        --video-root data/hmdb51/videos --out-dir data/hmdb51 --workers 2

Exit status: 0 lists written; 1 some videos missing or unreadable (listed,
no list written; --drop-invalid writes the lists without them); 2 bad split
files or arguments.
"""
import argparse
import sys

from mmstcr.datasets.preparation import (AnnotationError, format_report,
                                         prepare_hmdb51)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='HMDB51 split files -> MMAction2 annotation lists')
    parser.add_argument(
        '--split-dir',
        default='data/hmdb51/testTrainMulti_7030_splits',
        help='folder with the <class>_test_split<N>.txt files')
    parser.add_argument(
        '--video-root',
        default='data/hmdb51/videos',
        help='folder holding <class>/<video>.avi; the list paths are '
        'relative to it (the configs\' data_prefix)')
    parser.add_argument(
        '--out-dir', default='data/hmdb51', help='where the lists go')
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
        report = prepare_hmdb51(
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
