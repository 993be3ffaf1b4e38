"""Tiny fake UCF101 and HMDB51 trees in the official formats.

UCF101: 3 classes x 3 groups x 2 clips (8 frames, 32x32). ``classInd.txt``
is deliberately NOT alphabetical (1 Basketball, 2 ApplyEyeMakeup, 3 Archery)
so that a tool that sorts names instead of reading the ids gets the labels
wrong. Split k tests group k (``g0k``), trains on the two other groups.
The official files end lines with CRLF; so do these.

HMDB51: 3 classes (``climb_stairs``, ``brush_hair``, ``climb``: sorted
labels brush_hair 0, climb 1, climb_stairs 2), 6 videos each; the split ids
are in :data:`HMDB_IDS`.
"""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

UCF_CLASSES = ['Basketball', 'ApplyEyeMakeup', 'Archery']  # classInd order
HMDB_CLASSES = ['climb_stairs', 'brush_hair', 'climb']
# Split ids of the 6 videos of every HMDB class, per split (1 train,
# 2 test, 0 unused).
HMDB_IDS = {
    1: [1, 1, 2, 2, 1, 0],
    2: [2, 1, 1, 0, 2, 1],
    3: [1, 2, 0, 1, 1, 2],
}


def write_tiny_video(path, num_frames=8, width=32, height=32, seed=0):
    """Write a small MJPG .avi of random smooth frames with cv2 directly."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'MJPG'), 25,
                             (width, height))
    assert writer.isOpened(), path
    rng = np.random.default_rng(seed)
    for _ in range(num_frames):
        frame = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        writer.write(cv2.GaussianBlur(frame, (5, 5), 1.5))
    writer.release()


def ucf_video(cls, group, clip):
    return f'{cls}/v_{cls}_g{group:02d}_c{clip:02d}.avi'


def write_ucf101_tree(root, classes=UCF_CLASSES):
    """Returns ``(split_dir, video_root)``."""
    split_dir = osp.join(root, 'ucfTrainTestlist')
    video_root = osp.join(root, 'videos')
    os.makedirs(split_dir)
    seed = 0
    for cls in classes:
        for group in (1, 2, 3):
            for clip in (1, 2):
                seed += 1
                write_tiny_video(
                    osp.join(video_root, ucf_video(cls, group, clip)),
                    seed=seed)
    with open(osp.join(split_dir, 'classInd.txt'), 'w', newline='') as f:
        f.writelines(f'{i + 1} {c}\r\n' for i, c in enumerate(classes))
    for split in (1, 2, 3):
        train, test = [], []
        for class_id, cls in enumerate(classes, start=1):
            for group in (1, 2, 3):
                for clip in (1, 2):
                    rel = ucf_video(cls, group, clip)
                    if group == split:
                        test.append(f'{rel}\r\n')
                    else:
                        train.append(f'{rel} {class_id}\r\n')
        with open(osp.join(split_dir, f'trainlist0{split}.txt'), 'w',
                  newline='') as f:
            f.writelines(train)
        with open(osp.join(split_dir, f'testlist0{split}.txt'), 'w',
                  newline='') as f:
            f.writelines(test + ['\r\n'])  # trailing blank line
    return split_dir, video_root


def hmdb_video(cls, index):
    return f'Some_&_clip_{cls}_f_cm_np1_fr_med_{index}.avi'


def write_hmdb51_tree(root):
    """Returns ``(split_dir, video_root)``."""
    split_dir = osp.join(root, 'testTrainMulti_7030_splits')
    video_root = osp.join(root, 'videos')
    os.makedirs(split_dir)
    for c, cls in enumerate(HMDB_CLASSES):
        for i in range(6):
            write_tiny_video(
                osp.join(video_root, cls, hmdb_video(cls, i)),
                seed=100 + 6 * c + i)
        for split, ids in HMDB_IDS.items():
            with open(osp.join(split_dir, f'{cls}_test_split{split}.txt'),
                      'w') as f:
                f.writelines(f'{hmdb_video(cls, i)} {ids[i]} \n'
                             for i in range(6))
    return split_dir, video_root


@pytest.fixture
def make_video():
    """``make_video(path, num_frames=8, width=32, height=32, seed=0)``."""
    return write_tiny_video


@pytest.fixture
def make_ucf101_tree():
    """``make_ucf101_tree(root, classes=UCF_CLASSES)``."""
    return write_ucf101_tree


@pytest.fixture
def ucf101_tree(tmp_path):
    return write_ucf101_tree(str(tmp_path / 'ucf101'))


@pytest.fixture
def hmdb51_tree(tmp_path):
    return write_hmdb51_tree(str(tmp_path / 'hmdb51'))
