"""The command line shared by ``tools/data/{ucf101,hmdb51}/
build_annotations.py``: official split files -> MMAction2 annotation lists,
checked against the videos on disk.

Exit status: 0 lists written; 1 some videos missing or unreadable (listed,
no list written; ``--drop-invalid`` writes the lists without them); 2 bad
split files or arguments.
"""
import argparse
import sys
from typing import Callable, Optional, Sequence

from .annotation import AnnotationError
from .prepare import PreparationReport, format_report


def build_annotations_main(prepare: Callable[..., PreparationReport],
                           dataset: str,
                           split_dir: str,
                           split_dir_help: str,
                           video_root_help: str,
                           argv: Optional[Sequence[str]] = None) -> int:
    """Parse ``argv`` and run ``prepare`` (``prepare_ucf101`` or
    ``prepare_hmdb51``).

    Args:
        prepare (callable): The dataset's preparation function.
        dataset (str): ``'ucf101'`` or ``'hmdb51'``: the default folders are
            under ``data/<dataset>``.
        split_dir (str): Default folder of the official split files.
        split_dir_help (str): What that folder holds.
        video_root_help (str): The layout of the video folder.
        argv (Sequence[str], optional): Arguments; ``sys.argv`` if None.

    Returns:
        int: The exit status.
    """
    parser = argparse.ArgumentParser(
        description=f'{dataset.upper()} split files -> MMAction2 annotation '
        'lists')
    parser.add_argument('--split-dir', default=split_dir, help=split_dir_help)
    parser.add_argument(
        '--video-root',
        default=f'data/{dataset}/videos',
        help=f'folder holding {video_root_help}; the list paths are '
        'relative to it (the configs\' data_prefix)')
    parser.add_argument(
        '--out-dir', default=f'data/{dataset}', help='where the lists go')
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
    args = parser.parse_args(argv)
    try:
        report = prepare(
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
