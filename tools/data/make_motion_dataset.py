"""Generate a synthetic dataset whose classes differ only by motion, in
UCF101's official layout (default) or HMDB51's.

Two class sets (``--class-set``):

- ``directions`` (default): translate left/right/up/down, rotate
  clockwise/counter-clockwise, expand, contract. A left-right flip or a
  time reversal changes the class (mmstcr_tools/motion_dataset/motion.py).
- ``kinds``: Translate, Rotate, Zoom, Oscillate, Orbit, Pulse, Swing,
  each video with its own random direction, sense, phase and centre, so
  that flips, 90-degree rotations and time reversal keep the class, as
  for real actions (mmstcr_tools/motion_dataset/kinds.py).

``--background-key group`` gives all clips of a group one background in
every class, so a background never tells the class (the default,
``class_group``, gives each (class, group) its own).

    python tools/data/make_motion_dataset.py data/motion_ucf101
    python tools/data/make_motion_dataset.py data/kinds_ucf101 \
        --class-set kinds --background-key group
    python tools/data/ucf101/build_annotations.py \
        --split-dir data/motion_ucf101/ucfTrainTestlist \
        --video-root data/motion_ucf101/UCF-101 --out-dir data/motion_ucf101

The dataset is a function of its settings: the same seed gives the same
videos. motion_dataset.json records the settings and, per video, what it
drew (speed; for kinds also the kind and its parameters).
"""
import argparse
import sys

from mmstcr_tools.motion_dataset import (BACKGROUND_KEYS, CLASS_SETS,
                                         MotionDatasetConfig,
                                         make_motion_hmdb51,
                                         make_motion_ucf101)


def parse_args(argv=None):
    defaults = MotionDatasetConfig()
    parser = argparse.ArgumentParser(
        description='Generate a synthetic motion-only video dataset')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--layout', choices=['ucf101', 'hmdb51'], default='ucf101',
        help='official layout to write')
    parser.add_argument(
        '--num-classes', type=int, default=None,
        help='number of motion classes, the first ones of the class set '
        '(2-8 directions, 2-7 kinds); default: all of them')
    parser.add_argument(
        '--videos-per-class', type=int, default=defaults.videos_per_class)
    parser.add_argument(
        '--num-groups', type=int, default=defaults.num_groups,
        help='UCF101-like groups per class (>= 3); split N tests the N-th '
        'third of them')
    parser.add_argument(
        '--frames', type=int, default=defaults.num_frames,
        help='frames per video')
    parser.add_argument(
        '--height', type=int, default=defaults.height, help='even')
    parser.add_argument(
        '--width', type=int, default=defaults.width, help='even')
    parser.add_argument(
        '--speed-range', type=float, nargs=2,
        default=list(defaults.speed_range), metavar=('LOW', 'HIGH'),
        help='speed range, fraction of the short side per frame')
    parser.add_argument(
        '--class-set', choices=sorted(CLASS_SETS), default=defaults.class_set,
        help='directions: a flip or time reversal changes the class; '
        'kinds: kinds of motion with a random direction per video')
    parser.add_argument(
        '--background-key', choices=list(BACKGROUND_KEYS),
        default=defaults.background_key,
        help='one background per (class, group), or per group across all '
        'classes')
    parser.add_argument('--seed', type=int, default=defaults.seed)
    parser.add_argument('--fps', type=float, default=defaults.fps)
    parser.add_argument('--fourcc', default=defaults.fourcc)
    parser.add_argument(
        '--workers', type=int, default=1, help='processes rendering videos')
    parser.add_argument(
        '--overwrite', action='store_true',
        help='replace the video and split folders of an earlier run')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        cfg = MotionDatasetConfig(
            num_classes=(args.num_classes
                         or len(CLASS_SETS[args.class_set])),
            videos_per_class=args.videos_per_class,
            num_groups=args.num_groups,
            num_frames=args.frames,
            height=args.height,
            width=args.width,
            speed_range=tuple(args.speed_range),
            seed=args.seed,
            fps=args.fps,
            fourcc=args.fourcc,
            class_set=args.class_set,
            background_key=args.background_key)
        make = make_motion_ucf101 if args.layout == 'ucf101' \
            else make_motion_hmdb51
        paths = make(
            args.out_dir,
            cfg,
            workers=args.workers,
            show_progress=not args.no_progress,
            overwrite=args.overwrite)
    except (FileExistsError, ValueError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    total = cfg.num_classes * cfg.videos_per_class
    print(f'wrote {total} videos of {cfg.num_classes} classes '
          f'({cfg.class_set}) to {paths["video_root"]}; split files in '
          f'{paths["split_dir"]}; settings and per-video draws in '
          f'{paths["metadata"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
