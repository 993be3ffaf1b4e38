"""Write a synthetic motion dataset in HMDB51's official layout::

    out_dir/
      videos/<class>/motion_<class>_g<GG>_c<CC>.avi
      testTrainMulti_7030_splits/<class>_test_split{1,2,3}.txt
                                     "<video>.avi <0|1|2>"
      motion_dataset.json

Class folders are the snake_case names (``translate_left``, ... or, for
the kinds set, ``translate``, ...), so the labels of the preparation tool
(sorted class names) are NOT the order of the class set;
``motion_dataset.json`` lists each video's class.
"""
import os
import os.path as osp
from typing import Dict, Optional

from .dataset import (MotionDatasetConfig, VideoJob, group_sizes,
                      prepare_out_dirs, render_jobs, split_test_groups,
                      write_metadata)

HMDB51_VIDEO_DIR = 'videos'
HMDB51_SPLIT_DIR = 'testTrainMulti_7030_splits'


def hmdb51_split_id(group: int, clip: int, clips_in_group: int, split: int,
                    num_groups: int) -> int:
    """The id of a video in a split file: 2 (test) if its group is a test
    group of the split (:func:`split_test_groups`); otherwise 0 (unused)
    for the last clip of a group of two or more clips, mimicking the few
    unused clips of HMDB51's splits; otherwise 1 (train)."""
    if group in split_test_groups(split, num_groups):
        return 2
    if clips_in_group >= 2 and clip == clips_in_group:
        return 0
    return 1


def make_motion_hmdb51(out_dir: str,
                       cfg: Optional[MotionDatasetConfig] = None,
                       workers: int = 1,
                       show_progress: bool = True,
                       overwrite: bool = False) -> Dict[str, str]:
    """Generate the dataset (same arguments as :func:`make_motion_ucf101`).

    Returns:
        dict: ``video_root``, ``split_dir`` and ``metadata`` paths.
    """
    cfg = cfg or MotionDatasetConfig()
    prepare_out_dirs(out_dir, (HMDB51_VIDEO_DIR, HMDB51_SPLIT_DIR),
                     overwrite)
    video_root = osp.join(out_dir, HMDB51_VIDEO_DIR)
    split_dir = osp.join(out_dir, HMDB51_SPLIT_DIR)
    sizes = group_sizes(cfg.videos_per_class, cfg.num_groups)
    jobs = []
    for class_index, motion in enumerate(cfg.classes):
        for group, clips in enumerate(sizes, start=1):
            for clip in range(1, clips + 1):
                name = (f'motion_{motion.hmdb_name}_g{group:02d}_'
                        f'c{clip:02d}.avi')
                jobs.append(
                    VideoJob(
                        osp.join(video_root, motion.hmdb_name, name),
                        class_index, group, clip, dataset_key=1))
    drawn = render_jobs(jobs, cfg, workers, show_progress)

    os.makedirs(split_dir, exist_ok=True)
    for class_index, motion in enumerate(cfg.classes):
        class_jobs = [j for j in jobs if j.class_index == class_index]
        for split in (1, 2, 3):
            path = osp.join(split_dir,
                            f'{motion.hmdb_name}_test_split{split}.txt')
            with open(path, 'w') as f:
                for job in class_jobs:
                    split_id = hmdb51_split_id(job.group, job.clip,
                                               sizes[job.group - 1], split,
                                               cfg.num_groups)
                    # HMDB51's files end each line with a space.
                    f.write(f'{osp.basename(job.path)} {split_id} \n')
    meta = write_metadata(out_dir, 'hmdb51', cfg, video_root, jobs, drawn)
    return dict(video_root=video_root, split_dir=split_dir, metadata=meta)
