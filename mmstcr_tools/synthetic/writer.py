"""Write the synthetic motion dataset in UCF101's layout::

    <root>/UCF-101/<Class>/v_<Class>_g<GG>_c<CC>.avi
    <root>/ucfTrainTestlist/classInd.txt      "1 Translate"
    <root>/ucfTrainTestlist/trainlist01.txt   "Translate/v_..._g06_c01.avi 1"
    <root>/ucfTrainTestlist/testlist01.txt    "Translate/v_..._g01_c01.avi"

Groups ``1 .. test_groups`` are the test split, the others the pool
(trainlist01), as UCF101's split 1 holds out groups 1-7.
"""
import os
import os.path as osp
import time
from dataclasses import dataclass
from multiprocessing import Pool
from typing import Callable, List, Optional, Tuple

import cv2
import numpy as np

from .motions import MOTION_KINDS, draw_params
from .render import draw_group_style, render_video


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate.

    The defaults give a pool of 2,520 videos (groups 6-25, 21 clips per
    class and group) and 600 test videos (groups 1-5, 20 clips), 32 grey
    frames of 40 x 40, written as MJPG AVI files.
    """
    size: int = 40
    num_frames: int = 32
    test_groups: int = 5
    pool_groups: int = 20
    test_clips: int = 20  # per class and group
    pool_clips: int = 21
    fps: int = 25
    fourcc: str = 'MJPG'
    seed: int = 0

    @property
    def num_pool(self) -> int:
        return self.pool_groups * self.pool_clips * len(MOTION_KINDS)

    @property
    def num_test(self) -> int:
        return self.test_groups * self.test_clips * len(MOTION_KINDS)


def video_name(kind: str, group: int, clip: int) -> str:
    """``<Class>/v_<Class>_gGG_cCC.avi``, relative to ``UCF-101``."""
    return f'{kind}/v_{kind}_g{group:02d}_c{clip:02d}.avi'


def _jobs(cfg: GeneratorConfig) -> List[Tuple[str, int, int, int]]:
    """``(kind, label, group, clip)`` of every video."""
    jobs = []
    for label, kind in enumerate(MOTION_KINDS):
        for group in range(1, cfg.test_groups + cfg.pool_groups + 1):
            clips = (cfg.test_clips
                     if group <= cfg.test_groups else cfg.pool_clips)
            jobs += [(kind, label, group, c) for c in range(1, clips + 1)]
    return jobs


def write_video(path: str, frames: np.ndarray, fps: int,
                fourcc: str) -> None:
    """``T x H x W`` uint8 grey frames -> one video file (3 equal
    channels, as most readers expect colour)."""
    height, width = frames.shape[1:]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), fps,
                             (width, height), True)
    if not writer.isOpened():
        raise RuntimeError(f'cannot open a {fourcc} writer for {path}')
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
    writer.release()


def _render_one(args) -> None:
    root, cfg, (kind, label, group, clip) = args
    # One generator per video, from (seed, group, label, clip): the same
    # video whatever the worker count or order.
    style = draw_group_style(np.random.default_rng([cfg.seed, group]))
    rng = np.random.default_rng([cfg.seed, group, label, clip, 1])
    params = draw_params(kind, rng)
    frames = render_video(params, style, rng, cfg.size, cfg.num_frames)
    write_video(
        osp.join(root, 'UCF-101', video_name(kind, group, clip)), frames,
        cfg.fps, cfg.fourcc)


def generate_dataset(root: str,
                     cfg: GeneratorConfig = GeneratorConfig(),
                     workers: int = 2,
                     progress: Optional[Callable[[int, int], None]] = None
                     ) -> float:
    """Render and write every video and the split files under ``root``.

    Returns:
        float: Seconds taken.
    """
    start = time.perf_counter()
    jobs = _jobs(cfg)
    for kind in MOTION_KINDS:
        os.makedirs(osp.join(root, 'UCF-101', kind), exist_ok=True)
    lists = osp.join(root, 'ucfTrainTestlist')
    os.makedirs(lists, exist_ok=True)
    with open(osp.join(lists, 'classInd.txt'), 'w') as f:
        f.writelines(f'{i + 1} {k}\n' for i, k in enumerate(MOTION_KINDS))
    with open(osp.join(lists, 'trainlist01.txt'), 'w') as train, \
            open(osp.join(lists, 'testlist01.txt'), 'w') as test:
        for kind, label, group, clip in jobs:
            name = video_name(kind, group, clip)
            if group <= cfg.test_groups:
                test.write(f'{name}\n')
            else:
                train.write(f'{name} {label + 1}\n')
    tasks = [(root, cfg, job) for job in jobs]
    if workers > 1:
        with Pool(workers) as pool:
            for i, _ in enumerate(
                    pool.imap_unordered(_render_one, tasks, chunksize=32)):
                if progress is not None:
                    progress(i + 1, len(tasks))
    else:
        for i, task in enumerate(tasks):
            _render_one(task)
            if progress is not None:
                progress(i + 1, len(tasks))
    return time.perf_counter() - start
