"""Rescale every video of a tree so that its short side is N pixels (aspect
ratio kept, long side rounded to an even number), into the same relative
layout under another folder. OpenCV only, no ffmpeg binary needed.

    python tools/data/rescale_videos.py data/ucf101/UCF-101 \
        data/ucf101/UCF-101-128 --short-side 128 --workers 2

Resumable: outputs that already exist and are valid (decord reads them,
short side as asked) are skipped; each output is written under a hidden
temporary name and renamed when complete, so a killed run leaves no
half-written file. Exit status 1 if any video failed (all are named).
"""
import argparse
import sys

from mmstcr_tools.preparation import rescale_tree


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Rescale a video tree')
    parser.add_argument('src_root', help='input folder')
    parser.add_argument('dst_root', help='output folder (same layout)')
    parser.add_argument(
        '--short-side', type=int, default=128,
        help='output short side in pixels (even)')
    parser.add_argument(
        '--workers', type=int, default=1, help='worker processes')
    parser.add_argument(
        '--ext', nargs='+', default=['.avi', '.mp4'],
        help='video file extensions to take')
    parser.add_argument(
        '--fourcc', default='mp4v',
        help='output codec (mp4v: MPEG-4 part 2, small; MJPG: larger, '
        'every frame a key frame)')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        report = rescale_tree(
            args.src_root,
            args.dst_root,
            short_side=args.short_side,
            workers=args.workers,
            extensions=args.ext,
            fourcc=args.fourcc,
            show_progress=not args.no_progress)
    except (FileNotFoundError, ValueError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    print(f'rescaled {len(report.done)}, skipped {len(report.skipped)} '
          f'(already done), failed {len(report.failed)}')
    for rel, reason in report.failed.items():
        print(f'  FAILED {rel}: {reason}')
    return 1 if report.failed else 0


if __name__ == '__main__':
    sys.exit(main())
