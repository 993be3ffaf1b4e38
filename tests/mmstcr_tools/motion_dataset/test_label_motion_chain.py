"""The whole chain for every motion class: generator -> official UCF101
split files -> preparation tool -> annotation list line -> label -> class
name in the label map; the motion estimated from the decoded pixels (dense
optical flow, conftest.py) must be that class. A wrong class/label/motion
mapping anywhere fails it. Also: a frame size that decord misreads is
refused at generation time."""
import os.path as osp

import decord
import pytest

from mmstcr_tools.preparation import prepare_ucf101
from mmstcr_tools.motion_dataset import MotionDatasetConfig, make_motion_ucf101


def read(path):
    with open(path) as f:
        return f.read().splitlines()


def test_width_decord_misreads_is_refused(tmp_path):
    cfg = MotionDatasetConfig(num_classes=2, videos_per_class=3,
                              num_groups=3, num_frames=3, height=32,
                              width=48)
    with pytest.raises(ValueError, match='48x32.*not H x W x 3'):
        make_motion_ucf101(str(tmp_path / 'm'), cfg, show_progress=False)


def test_through_preparation_tool_labels_match_motion(tmp_path, motion_of):
    """Generator -> official split files -> preparation tool -> list line
    -> label -> class name; the motion estimated from the decoded video
    must be that class, for every class."""
    cfg = MotionDatasetConfig(num_classes=8, videos_per_class=3,
                              num_groups=3, num_frames=12, height=64,
                              width=64, seed=3)
    paths = make_motion_ucf101(str(tmp_path / 'm'), cfg, show_progress=False)
    out = str(tmp_path / 'ann')
    report = prepare_ucf101(paths['split_dir'], paths['video_root'], out,
                            show_progress=False)
    assert report.lists_written and not report.invalid
    assert report.counts['ucf101_train_split_1_videos.txt'] == 16
    assert report.counts['ucf101_val_split_1_videos.txt'] == 8
    names = read(osp.join(out, 'ucf101_label_map.txt'))
    seen = set()
    for line in read(osp.join(out, 'ucf101_val_split_1_videos.txt')) + read(
            osp.join(out, 'ucf101_val_split_2_videos.txt')):
        rel, label = line.split()
        frames = decord.VideoReader(osp.join(paths['video_root'],
                                             rel))[:].asnumpy()
        estimated, _ = motion_of(frames)
        assert estimated == names[int(label)], line
        seen.add(estimated)
    assert len(seen) == 8
