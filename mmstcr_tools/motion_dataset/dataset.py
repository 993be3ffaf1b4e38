"""What the UCF101-like and HMDB51-like writers share: the configuration,
UCF101's group structure, seeding, and rendering + writing one video."""
import json
import os
import os.path as osp
import shutil
from dataclasses import asdict, dataclass
from typing import Dict, List, Sequence, Tuple, Union

import numpy as np

from ..preparation.progress import map_with_progress
from ..preparation.validate import check_video
from ..preparation.video_io import check_even_size, write_video
from .appearance import random_background
from .kinds import MOTION_KINDS, MotionKind
from .motion import MOTION_CLASSES, MotionClass
from .render import check_speed_range, render_kind_video, render_motion_video

META_FILE = 'motion_dataset.json'
# The class sets: directions (motion.py) and kinds of motion (kinds.py).
CLASS_SETS = {'directions': MOTION_CLASSES, 'kinds': MOTION_KINDS}
BACKGROUND_KEYS = ('class_group', 'group')
# Background streams keyed by group alone use this in place of the class
# index (class indices are < 8), so they never meet a (class, group) one.
GROUP_BACKGROUND_KEY = 1000


@dataclass(frozen=True)
class MotionDatasetConfig:
    """Settings of a synthetic motion dataset.

    Args:
        num_classes (int): The first ``num_classes`` classes of the class
            set (2 to 8 directions, 2 to 7 kinds). Defaults to 8.
        videos_per_class (int): Videos per class, spread over the groups
            (the first groups get one more when it does not divide).
            Defaults to 24.
        num_groups (int): UCF101-like groups per class (>= 3). Videos of a
            group share their background (see ``background_key``), like the
            clips of one UCF101 group share actor and scene, so splits keep
            groups whole. Defaults to 6.
        num_frames (int): Frames per video. Defaults to 40.
        height (int): Frame height (even). Defaults to 64.
        width (int): Frame width (even). Defaults to 64.
        speed_range (tuple[float, float]): See
            :func:`render_motion_video`. Defaults to (0.01, 0.03).
        seed (int): Seed; the dataset is a function of the configuration.
            Defaults to 0.
        fps (float): Frame rate written in the files. Defaults to 25.
        fourcc (str): Codec. ``'MJPG'`` (every frame a JPEG, so decord's
            random access needs no key-frame search; OpenCV's own encoder,
            present without ffmpeg) in ``.avi``, the extension of the
            official names. Defaults to ``'MJPG'``.
        class_set (str): ``'directions'`` (:data:`.motion.MOTION_CLASSES`:
            a flip or time reversal changes the class) or ``'kinds'``
            (:data:`.kinds.MOTION_KINDS`: kinds of motion with a random
            direction per video; flips, 90-degree rotations and time
            reversal keep the class). Defaults to ``'directions'``.
        background_key (str): ``'class_group'``: one background per (class,
            group); ``'group'``: one per group, shared by the clips of that
            group in every class, so a background never tells the class.
            Defaults to ``'class_group'``.
    """
    num_classes: int = 8
    videos_per_class: int = 24
    num_groups: int = 6
    num_frames: int = 40
    height: int = 64
    width: int = 64
    speed_range: Tuple[float, float] = (0.01, 0.03)
    seed: int = 0
    fps: float = 25.
    fourcc: str = 'MJPG'
    class_set: str = 'directions'
    background_key: str = 'class_group'

    def __post_init__(self):
        if self.class_set not in CLASS_SETS:
            raise ValueError(f'class_set must be one of {tuple(CLASS_SETS)}'
                             f', got {self.class_set!r}')
        if self.background_key not in BACKGROUND_KEYS:
            raise ValueError(f'background_key must be one of '
                             f'{BACKGROUND_KEYS}, got {self.background_key!r}')
        available = len(CLASS_SETS[self.class_set])
        if not 2 <= self.num_classes <= available:
            raise ValueError(f'num_classes must be in 2..{available}, got '
                             f'{self.num_classes} (class_set '
                             f'{self.class_set!r} has {available} classes)')
        if self.num_groups < 3:
            raise ValueError(f'num_groups must be >= 3 (three splits), got '
                             f'{self.num_groups}')
        if self.videos_per_class < self.num_groups:
            raise ValueError(
                f'videos_per_class ({self.videos_per_class}) must be >= '
                f'num_groups ({self.num_groups}): every group needs a video')
        if self.num_frames < 2:
            raise ValueError(f'num_frames must be >= 2, got {self.num_frames}')
        check_even_size(self.width, self.height, what='synthetic video')
        check_speed_range(self.speed_range)
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f'seed must be an int >= 0, got {self.seed!r}')

    @property
    def classes(self) -> Tuple[Union[MotionClass, MotionKind], ...]:
        return CLASS_SETS[self.class_set][:self.num_classes]


def group_sizes(videos_per_class: int, num_groups: int) -> List[int]:
    """Clips in each group (index 0 = group 1)."""
    base, extra = divmod(videos_per_class, num_groups)
    return [base + (g < extra) for g in range(num_groups)]


def split_test_groups(split: int, num_groups: int) -> List[int]:
    """1-based groups in the test set of an official split.

    UCF101 has 25 groups: split 1 tests groups 1-7, split 2 groups 8-14,
    split 3 groups 15-21, and 22-25 are always trained on. Scaled down:
    ``n = num_groups // 3`` groups per split, the remaining
    ``num_groups % 3`` groups always train.
    """
    if split not in (1, 2, 3):
        raise ValueError(f'split must be 1, 2 or 3, got {split!r}')
    n = num_groups // 3
    return list(range((split - 1) * n + 1, split * n + 1))


def video_rng(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream per ``(seed, key)``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


@dataclass(frozen=True)
class VideoJob:
    """One video to render: where, which class, and its random keys."""
    path: str
    class_index: int
    group: int
    clip: int
    dataset_key: int


def background_rng(cfg: MotionDatasetConfig,
                   job: VideoJob) -> np.random.Generator:
    """The random stream of a job's background: keyed by (class, group) or,
    with ``background_key='group'``, by the group alone."""
    if cfg.background_key == 'group':
        return video_rng(cfg.seed, job.dataset_key, GROUP_BACKGROUND_KEY,
                         job.group)
    return video_rng(cfg.seed, job.dataset_key, job.class_index, job.group)


def _render_job(args) -> Dict[str, object]:
    job, cfg = args
    motion = cfg.classes[job.class_index]
    # One background per (class, group) or per group; one appearance, speed
    # (and, for kinds, direction etc.) per clip.
    background = random_background(background_rng(cfg, job), cfg.height,
                                   cfg.width)
    render = render_kind_video if cfg.class_set == 'kinds' \
        else render_motion_video
    frames, drawn = render(
        video_rng(cfg.seed, job.dataset_key, job.class_index, job.group,
                  job.clip),
        motion,
        num_frames=cfg.num_frames,
        height=cfg.height,
        width=cfg.width,
        speed_range=cfg.speed_range,
        background=background)
    write_video(job.path, frames, fps=cfg.fps, fourcc=cfg.fourcc)
    # Read it back as the training pipeline will (decord 0.6 misreads some
    # frame widths, and a fourcc may not suit the container).
    problem = check_video(job.path)
    if problem is not None:
        raise ValueError(f'{job.path} (fourcc {cfg.fourcc!r}, '
                         f'{cfg.width}x{cfg.height}): {problem}')
    if cfg.class_set == 'kinds':
        return dict(speed=drawn.speed, kind=motion.kind,
                    parameters=drawn.metadata(motion.kind))
    return dict(speed=drawn)


def prepare_out_dirs(out_dir: str, subdirs: Sequence[str],
                     overwrite: bool) -> None:
    """Create ``out_dir``; refuse (or, with ``overwrite``, delete) the
    generated sub-folders of an earlier run."""
    for sub in subdirs:
        path = osp.join(out_dir, sub)
        if osp.exists(path):
            if not overwrite:
                raise FileExistsError(
                    f'{path} exists; pass overwrite=True (--overwrite) to '
                    'replace it')
            if osp.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    os.makedirs(out_dir, exist_ok=True)


def render_jobs(jobs: List[VideoJob], cfg: MotionDatasetConfig,
                workers: int,
                show_progress: bool) -> List[Dict[str, object]]:
    """Render and write every job; returns what each drew: ``speed`` and,
    for the ``'kinds'`` set, ``kind`` and its ``parameters``."""
    return map_with_progress(_render_job, [(job, cfg) for job in jobs],
                             workers=workers,
                             show_progress=show_progress)


def write_metadata(out_dir: str, fmt: str, cfg: MotionDatasetConfig,
                   video_root: str, jobs: List[VideoJob],
                   drawn: List[Dict[str, object]]) -> str:
    """Write ``motion_dataset.json``: the configuration and, per video, its
    path (relative to the video root), class, group, clip and speed (and,
    for the ``'kinds'`` set, its kind and drawn parameters, see
    :meth:`.kinds.KindParameters.metadata`)."""
    meta = dict(
        format=fmt,
        config=asdict(cfg),
        classes=[c.name for c in cfg.classes],
        video_root=osp.relpath(video_root, out_dir),
        videos=[
            dict(path=osp.relpath(job.path, video_root).replace(os.sep, '/'),
                 motion=cfg.classes[job.class_index].name,
                 group=job.group,
                 clip=job.clip,
                 **info) for job, info in zip(jobs, drawn)
        ])
    path = osp.join(out_dir, META_FILE)
    with open(path, 'w') as f:
        json.dump(meta, f, indent=1)
    return path
