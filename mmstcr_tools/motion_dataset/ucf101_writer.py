"""Write a synthetic motion dataset in UCF101's official layout, so that it
goes through the same preparation tool as the real dataset::

    out_dir/
      UCF-101/<Class>/v_<Class>_g<GG>_c<CC>.avi
      ucfTrainTestlist/classInd.txt            "1 TranslateLeft" (or
                                               "1 Translate" for kinds)
      ucfTrainTestlist/trainlist0{1,2,3}.txt   "<Class>/v_..._g03_c01.avi 1"
      ucfTrainTestlist/testlist0{1,2,3}.txt    "<Class>/v_..._g01_c01.avi"
      motion_dataset.json                      config + draws of each video
"""
import os
import os.path as osp
from typing import Dict, Optional

from .dataset import (MotionDatasetConfig, VideoJob, group_sizes,
                      prepare_out_dirs, render_jobs, split_test_groups,
                      write_metadata)

UCF101_VIDEO_DIR = 'UCF-101'
UCF101_SPLIT_DIR = 'ucfTrainTestlist'


def make_motion_ucf101(out_dir: str,
                       cfg: Optional[MotionDatasetConfig] = None,
                       workers: int = 1,
                       show_progress: bool = True,
                       overwrite: bool = False) -> Dict[str, str]:
    """Generate the dataset.

    Class ``i`` of the class set (``cfg.classes``) gets id ``i + 1`` in
    ``classInd.txt``. Group ``g`` is in the test list of split ``k`` if
    ``g`` is in :func:`split_test_groups` ``(k)``, else in its train list.

    Args:
        out_dir (str): Output folder.
        cfg (MotionDatasetConfig, optional): Dataset settings. Defaults to
            ``MotionDatasetConfig()``.
        workers (int): Processes rendering videos. Defaults to 1.
        show_progress (bool): Draw a progress bar. Defaults to True.
        overwrite (bool): Replace the ``UCF-101`` and ``ucfTrainTestlist``
            folders of an earlier run. Defaults to False.

    Returns:
        dict: ``video_root``, ``split_dir`` and ``metadata`` paths.
    """
    cfg = cfg or MotionDatasetConfig()
    prepare_out_dirs(out_dir, (UCF101_VIDEO_DIR, UCF101_SPLIT_DIR),
                     overwrite)
    video_root = osp.join(out_dir, UCF101_VIDEO_DIR)
    split_dir = osp.join(out_dir, UCF101_SPLIT_DIR)
    sizes = group_sizes(cfg.videos_per_class, cfg.num_groups)
    jobs = []
    for class_index, motion in enumerate(cfg.classes):
        for group, clips in enumerate(sizes, start=1):
            for clip in range(1, clips + 1):
                name = f'v_{motion.name}_g{group:02d}_c{clip:02d}.avi'
                jobs.append(
                    VideoJob(
                        osp.join(video_root, motion.name, name), class_index,
                        group, clip, dataset_key=0))
    drawn = render_jobs(jobs, cfg, workers, show_progress)

    os.makedirs(split_dir, exist_ok=True)
    with open(osp.join(split_dir, 'classInd.txt'), 'w') as f:
        f.writelines(f'{i + 1} {c.name}\n' for i, c in enumerate(cfg.classes))
    for split in (1, 2, 3):
        tested = set(split_test_groups(split, cfg.num_groups))
        with open(osp.join(split_dir, f'trainlist0{split}.txt'), 'w') as tr, \
                open(osp.join(split_dir, f'testlist0{split}.txt'), 'w') as te:
            for job in jobs:
                motion = cfg.classes[job.class_index]
                rel = f'{motion.name}/{osp.basename(job.path)}'
                if job.group in tested:
                    te.write(f'{rel}\n')
                else:
                    tr.write(f'{rel} {job.class_index + 1}\n')
    meta = write_metadata(out_dir, 'ucf101', cfg, video_root, jobs, drawn)
    return dict(video_root=video_root, split_dir=split_dir, metadata=meta)
