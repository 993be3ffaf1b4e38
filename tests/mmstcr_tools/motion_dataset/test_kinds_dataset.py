"""Datasets of the 'kinds' set with backgrounds keyed by group: config
checks, shared backgrounds, metadata, determinism, both layouts, the CLI,
and the chain through the preparation tool to labels whose kind the
decoded pixels show."""
import filecmp
import importlib.util
import json
import os
import os.path as osp

import decord
import numpy as np
import pytest

from mmstcr_tools.preparation import prepare_ucf101
from mmstcr_tools.motion_dataset import (MOTION_KINDS, MotionDatasetConfig,
                                         make_motion_hmdb51,
                                         make_motion_ucf101,
                                         render_kind_video)
from mmstcr_tools.motion_dataset.appearance import random_background
from mmstcr_tools.motion_dataset.dataset import (VideoJob, background_rng,
                                                 video_rng)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
TINY = dict(class_set='kinds', background_key='group', num_classes=3,
            videos_per_class=3, num_groups=3, num_frames=6, height=32,
            width=32)


def read(path):
    with open(path) as f:
        return f.read()


def test_config_defaults_unchanged():
    cfg = MotionDatasetConfig()
    assert (cfg.class_set, cfg.background_key) == ('directions',
                                                   'class_group')
    kinds = MotionDatasetConfig(class_set='kinds', num_classes=7)
    assert [c.name for c in kinds.classes] == [k.name for k in MOTION_KINDS]


@pytest.mark.parametrize('kwargs, match', [
    (dict(class_set='kind'), "class_set must be one of .*got 'kind'"),
    (dict(background_key='clip'), "background_key must be one of .*'clip'"),
    (dict(class_set='kinds'), r"2\.\.7, got 8 \(class_set 'kinds'"),
    (dict(class_set='kinds', num_classes=1), r'2\.\.7, got 1'),
])
def test_config_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MotionDatasetConfig(**kwargs)


def test_background_keyed_by_group_is_shared_across_classes():
    def bg(cfg, class_index, group):
        job = VideoJob('x', class_index, group, 1, dataset_key=0)
        return random_background(background_rng(cfg, job), 32, 32)

    by_group = MotionDatasetConfig(**TINY)
    assert np.array_equal(bg(by_group, 0, 1), bg(by_group, 2, 1))
    assert not np.array_equal(bg(by_group, 0, 1), bg(by_group, 0, 2))
    by_class = MotionDatasetConfig(**{**TINY, 'background_key':
                                      'class_group'})
    assert not np.array_equal(bg(by_class, 0, 1), bg(by_class, 2, 1))
    # Neither coincides with the other key's backgrounds.
    assert not np.array_equal(bg(by_group, 0, 1), bg(by_class, 0, 1))


@pytest.fixture(scope='module')
def kinds_ucf(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('kinds_ucf'))
    make_motion_ucf101(out, MotionDatasetConfig(**TINY), show_progress=False)
    return out


def test_ucf101_layout_metadata_and_rendering(kinds_ucf):
    assert read(osp.join(kinds_ucf, 'ucfTrainTestlist', 'classInd.txt')) \
        == '1 Translate\n2 Rotate\n3 Zoom\n'
    assert sorted(os.listdir(osp.join(kinds_ucf, 'UCF-101'))) == [
        'Rotate', 'Translate', 'Zoom'
    ]
    meta = json.loads(read(osp.join(kinds_ucf, 'motion_dataset.json')))
    assert meta['config']['class_set'] == 'kinds'
    assert meta['config']['background_key'] == 'group'
    v = meta['videos'][4]  # Rotate, group 2, clip 1
    assert v['path'] == 'Rotate/v_Rotate_g02_c01.avi'
    assert (v['motion'], v['kind']) == ('Rotate', 'rotate')
    assert set(v['parameters']) == {'sense', 'centre'}
    assert {x['kind']: set(x['parameters']) for x in meta['videos']} == {
        'translate': {'angle'}, 'rotate': {'sense', 'centre'},
        'zoom': {'sign', 'centre'}
    }
    # The video is render_kind_video's clip over the group's background,
    # with the recorded parameters; first frames agree within JPEG error.
    bg = random_background(video_rng(0, 0, 1000, 2), 32, 32)
    frames, params = render_kind_video(
        video_rng(0, 0, 1, 2, 1), MOTION_KINDS[1], num_frames=6, height=32,
        width=32, background=bg)
    assert params.speed == v['speed'] and params.sense == v['parameters'][
        'sense'] and list(params.centre) == v['parameters']['centre']
    decoded = decord.VideoReader(osp.join(kinds_ucf, 'UCF-101',
                                          v['path']))[:].asnumpy()
    assert np.abs(decoded.astype(float) - frames).mean() < 12


def test_deterministic(tmp_path, kinds_ucf):
    again = str(tmp_path / 'again')
    make_motion_ucf101(again, MotionDatasetConfig(**TINY),
                       show_progress=False)
    files = [osp.relpath(osp.join(d, f), kinds_ucf)
             for d, _, fs in os.walk(kinds_ucf) for f in fs]
    match, mismatch, errors = filecmp.cmpfiles(kinds_ucf, again, files,
                                               shallow=False)
    assert mismatch == [] and errors == [] and len(match) == len(files) > 9


def test_hmdb51_layout_and_cli(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(
        'make_motion_dataset',
        osp.join(REPO, 'tools', 'data', 'make_motion_dataset.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = str(tmp_path / 'cli')
    assert tool.main([
        out, '--layout', 'hmdb51', '--class-set', 'kinds',
        '--background-key', 'group', '--videos-per-class', '3',
        '--num-groups', '3', '--frames', '4', '--height', '32', '--width',
        '32', '--no-progress'
    ]) == 0
    assert 'wrote 21 videos of 7 classes (kinds)' in capsys.readouterr().out
    assert sorted(os.listdir(osp.join(out, 'videos'))) == sorted(
        k.hmdb_name for k in MOTION_KINDS)
    assert osp.exists(osp.join(out, 'videos', 'swing',
                               'motion_swing_g03_c01.avi'))
    assert osp.exists(osp.join(out, 'testTrainMulti_7030_splits',
                               'orbit_test_split2.txt'))
    meta = json.loads(read(osp.join(out, 'motion_dataset.json')))
    assert meta['config']['num_classes'] == 7
    assert meta['config']['class_set'] == 'kinds'
    with pytest.raises(SystemExit):
        tool.parse_args([out, '--class-set', 'spins'])
    assert 'spins' in capsys.readouterr().err


def test_through_preparation_tool_labels_match_kind(tmp_path, kind_of):
    """Generator -> split files -> preparation tool -> label -> class name;
    the kind estimated from the decoded 16-frame stride-2 clip is that
    class, for every kind (one test group of 7 kinds)."""
    cfg = MotionDatasetConfig(class_set='kinds', background_key='group',
                              num_classes=7, videos_per_class=3,
                              num_groups=3, num_frames=32,
                              speed_range=(0.02, 0.03), seed=3)
    paths = make_motion_ucf101(str(tmp_path / 'm'), cfg, show_progress=False)
    out = str(tmp_path / 'ann')
    report = prepare_ucf101(paths['split_dir'], paths['video_root'], out,
                            show_progress=False, splits=(1, ))
    assert report.lists_written and not report.invalid
    names = read(osp.join(out, 'ucf101_label_map.txt')).splitlines()
    seen = set()
    for line in read(osp.join(out,
                              'ucf101_val_split_1_videos.txt')).splitlines():
        rel, label = line.split()
        frames = decord.VideoReader(osp.join(paths['video_root'],
                                             rel))[:31:2].asnumpy()
        kind, _ = kind_of(frames)
        name = MOTION_KINDS[[k.kind for k in MOTION_KINDS].index(kind)].name
        assert name == names[int(label)], line
        seen.add(name)
    assert len(seen) == 7
