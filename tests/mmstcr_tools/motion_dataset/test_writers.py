"""The UCF101-like and HMDB51-like writers: official layouts, split files,
decodable videos that move as their class says, determinism, and the way
through the preparation tools to MMAction2 annotation lists."""
import filecmp
import importlib.util
import json
import os
import os.path as osp

import cv2
import decord
import numpy as np
import pytest

from mmstcr_tools.preparation import prepare_hmdb51, prepare_ucf101
from mmstcr_tools.motion_dataset import (MOTION_CLASSES, MotionDatasetConfig,
                                         make_motion_hmdb51,
                                         make_motion_ucf101,
                                         render_motion_video)
from mmstcr_tools.motion_dataset.appearance import random_background
from mmstcr_tools.motion_dataset.dataset import video_rng

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

# 4 translation classes x 7 videos x 4 groups: group sizes 2, 2, 2, 1;
# split k tests group k, group 4 always trains.
UCF_CFG = MotionDatasetConfig(
    num_classes=4,
    videos_per_class=7,
    num_groups=4,
    num_frames=16,
    height=64,
    width=64,
    speed_range=(0.02, 0.03))
UCF_IDS = {'TranslateLeft': 1, 'TranslateRight': 2, 'TranslateUp': 3,
           'TranslateDown': 4}
# Videos of one class in split-file order: (group, clip).
GROUP_CLIPS = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2), (4, 1)]

# 5 classes, so that HMDB's sorted-name labels differ from the class order.
HMDB_CFG = MotionDatasetConfig(
    num_classes=5,
    videos_per_class=7,
    num_groups=4,
    num_frames=8,
    height=32,
    width=32)


def load_tool(rel_path):
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(rel_path))[0], osp.join(REPO, rel_path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path):
    with open(path) as f:
        return f.read()


def list_files(root):
    out = []
    for dirpath, _, files in os.walk(root):
        out.extend(
            osp.relpath(osp.join(dirpath, f), root).replace(os.sep, '/')
            for f in files)
    return sorted(out)


def ucf_name(cls, group, clip):
    return f'{cls}/v_{cls}_g{group:02d}_c{clip:02d}.avi'


@pytest.fixture(scope='module')
def ucf_dir(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('motion_ucf101'))
    paths = make_motion_ucf101(out, UCF_CFG, workers=1, show_progress=False)
    assert paths == dict(
        video_root=osp.join(out, 'UCF-101'),
        split_dir=osp.join(out, 'ucfTrainTestlist'),
        metadata=osp.join(out, 'motion_dataset.json'))
    return out


@pytest.fixture(scope='module')
def hmdb_dir(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('motion_hmdb51'))
    make_motion_hmdb51(out, HMDB_CFG, workers=1, show_progress=False)
    return out


# ------------------------------------------------------------------- UCF101


def test_ucf101_tree(ucf_dir):
    videos = [ucf_name(c, g, k) for c in UCF_IDS for g, k in GROUP_CLIPS]
    assert list_files(ucf_dir) == sorted(
        ['motion_dataset.json'] + [f'UCF-101/{v}' for v in videos] + [
            'ucfTrainTestlist/classInd.txt',
            *(f'ucfTrainTestlist/{s}list0{n}.txt' for s in ('train', 'test')
              for n in (1, 2, 3))
        ])


def test_ucf101_split_files(ucf_dir):
    split_dir = osp.join(ucf_dir, 'ucfTrainTestlist')
    assert read(osp.join(split_dir, 'classInd.txt')) == (
        '1 TranslateLeft\n2 TranslateRight\n3 TranslateUp\n4 TranslateDown\n')
    # Split 1, written out for the first class.
    train1 = read(osp.join(split_dir, 'trainlist01.txt')).splitlines()
    test1 = read(osp.join(split_dir, 'testlist01.txt')).splitlines()
    assert train1[:5] == [
        'TranslateLeft/v_TranslateLeft_g02_c01.avi 1',
        'TranslateLeft/v_TranslateLeft_g02_c02.avi 1',
        'TranslateLeft/v_TranslateLeft_g03_c01.avi 1',
        'TranslateLeft/v_TranslateLeft_g03_c02.avi 1',
        'TranslateLeft/v_TranslateLeft_g04_c01.avi 1',
    ]
    assert test1[:2] == [
        'TranslateLeft/v_TranslateLeft_g01_c01.avi',
        'TranslateLeft/v_TranslateLeft_g01_c02.avi',
    ]
    # Every split and class: test = group k; train = the rest, with the
    # 1-based class id; group 4 (4 // 3 = 1 group per split) always trains.
    for split in (1, 2, 3):
        train = read(osp.join(split_dir, f'trainlist0{split}.txt'))
        test = read(osp.join(split_dir, f'testlist0{split}.txt'))
        assert train == ''.join(
            f'{ucf_name(c, g, k)} {i}\n' for c, i in UCF_IDS.items()
            for g, k in GROUP_CLIPS if g != split)
        assert test == ''.join(f'{ucf_name(c, g, k)}\n' for c in UCF_IDS
                               for g, k in GROUP_CLIPS if g == split)
        assert len(train.splitlines()) == 4 * 5
        assert len(test.splitlines()) == 4 * 2


def test_ucf101_videos_decode(ucf_dir):
    root = osp.join(ucf_dir, 'UCF-101')
    for cls in UCF_IDS:
        for g, k in GROUP_CLIPS:
            vr = decord.VideoReader(osp.join(root, ucf_name(cls, g, k)))
            assert len(vr) == 16
            frames = vr.get_batch([0, 15]).asnumpy()
            assert frames.shape == (2, 64, 64, 3)


def test_ucf101_metadata(ucf_dir):
    meta = json.loads(read(osp.join(ucf_dir, 'motion_dataset.json')))
    assert meta['format'] == 'ucf101'
    assert meta['video_root'] == 'UCF-101'
    assert meta['classes'] == list(UCF_IDS)
    assert meta['config']['num_frames'] == 16
    assert meta['config']['speed_range'] == [0.02, 0.03]
    assert [(v['path'], v['motion'], v['group'], v['clip'])
            for v in meta['videos']] == [(ucf_name(c, g, k), c, g, k)
                                         for c in UCF_IDS
                                         for g, k in GROUP_CLIPS]
    speeds = [v['speed'] for v in meta['videos']]
    assert all(0.02 <= s <= 0.03 for s in speeds)
    assert len(set(speeds)) == len(speeds)  # drawn per video


def jpeg_round_trip(frames):
    """Frames through OpenCV's own JPEG encoder: the error floor of MJPG."""
    return np.stack([
        cv2.imdecode(cv2.imencode('.jpg', f[..., ::-1])[1],
                     cv2.IMREAD_COLOR)[..., ::-1] for f in frames
    ])


def test_ucf101_video_is_the_rendered_clip(ucf_dir):
    """Each written video is render_motion_video's output for its class with
    the rng of (seed, dataset 0, class, group, clip) over its group's
    background, up to JPEG error; the metadata speed is the rendered one.
    Another clip of the same group (same background) is far off."""
    meta = json.loads(read(osp.join(ucf_dir, 'motion_dataset.json')))

    def rendered(c, group, clip):
        bg = random_background(video_rng(0, 0, c, group), 64, 64)
        return render_motion_video(
            video_rng(0, 0, c, group, clip), MOTION_CLASSES[c],
            num_frames=16, height=64, width=64, speed_range=(0.02, 0.03),
            background=bg)

    for v in meta['videos']:
        c = list(UCF_IDS).index(v['motion'])
        g, k = v['group'], v['clip']
        frames, speed = rendered(c, g, k)
        assert speed == v['speed']
        decoded = decord.VideoReader(osp.join(
            ucf_dir, 'UCF-101', v['path'])).get_batch(range(16)).asnumpy()
        err = np.abs(decoded.astype(float) - frames).mean()
        # Measured: 4-9 grey levels, 1-2 above the JPEG floor.
        floor = np.abs(jpeg_round_trip(frames).astype(float) - frames).mean()
        assert err < floor + 3, (v['path'], err, floor)
        other, _ = rendered(c, g, 2 if k == 1 else 1)
        err_other = np.abs(decoded.astype(float) - other).mean()
        assert err_other > 2 * err, (v['path'], err, err_other)  # >= 13.7


def test_ucf101_written_videos_move_as_their_class(ucf_dir):
    """Shift of the moving layer between frames 0 and 8 of the decoded
    videos, by phase correlation of the temporal differences (the static
    background cancels). Per class, the median over its 7 videos must be
    8 * u * 64 px (u from the metadata) in the class's direction."""
    meta = json.loads(read(osp.join(ucf_dir, 'motion_dataset.json')))
    directions = {'TranslateLeft': (-1, 0), 'TranslateRight': (1, 0),
                  'TranslateUp': (0, -1), 'TranslateDown': (0, 1)}
    residuals = {c: [] for c in directions}
    for v in meta['videos']:
        frames = decord.VideoReader(osp.join(
            ucf_dir, 'UCF-101', v['path'])).get_batch([0, 1, 8, 9]).asnumpy()
        g = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).astype(np.float64)
             for f in frames]
        (dx, dy), _ = cv2.phaseCorrelate(g[1] - g[0], g[3] - g[2])
        shift = v['speed'] * 64 * 8  # 10-15 px
        ex, ey = np.array(directions[v['motion']]) * shift
        residuals[v['motion']].append((dx - ex, dy - ey))
    for cls, res in residuals.items():
        assert np.all(np.abs(np.median(res, axis=0)) < 1.), (cls, res)


def test_ucf101_deterministic(tmp_path, ucf_dir):
    again = str(tmp_path / 'again')
    make_motion_ucf101(again, UCF_CFG, show_progress=False)
    files = list_files(ucf_dir)
    assert list_files(again) == files
    match, mismatch, errors = filecmp.cmpfiles(
        ucf_dir, again, files, shallow=False)
    assert mismatch == [] and errors == [] and len(match) == len(files)

    # Another seed: every video differs (same names and split files).
    cfg = MotionDatasetConfig(**{**UCF_CFG.__dict__, 'seed': 1})
    other = str(tmp_path / 'other')
    make_motion_ucf101(other, cfg, show_progress=False)
    videos = [f for f in files if f.endswith('.avi')]
    _, mismatch, _ = filecmp.cmpfiles(ucf_dir, other, videos, shallow=False)
    assert sorted(mismatch) == sorted(videos)


def test_ucf101_overwrite(tmp_path):
    cfg = MotionDatasetConfig(num_classes=2, videos_per_class=3,
                              num_groups=3, num_frames=4, height=32,
                              width=32)
    out = str(tmp_path / 'ds')
    make_motion_ucf101(out, cfg, show_progress=False)
    stale = osp.join(out, 'UCF-101', 'stale.avi')
    open(stale, 'w').close()
    with pytest.raises(FileExistsError, match='UCF-101 exists'):
        make_motion_ucf101(out, cfg, show_progress=False)
    make_motion_ucf101(out, cfg, show_progress=False, overwrite=True)
    assert not osp.exists(stale)
    assert len(os.listdir(osp.join(out, 'UCF-101', 'TranslateLeft'))) == 3


def test_ucf101_through_preparation(tmp_path, ucf_dir):
    split_dir = osp.join(ucf_dir, 'ucfTrainTestlist')
    video_root = osp.join(ucf_dir, 'UCF-101')
    out = str(tmp_path / 'ann')
    report = prepare_ucf101(split_dir, video_root, out, show_progress=False)
    assert report.invalid == {} and report.lists_written
    # 0-based labels, same videos as the split files.
    for split in (1, 2, 3):
        train = read(osp.join(out, f'ucf101_train_split_{split}_videos.txt'))
        val = read(osp.join(out, f'ucf101_val_split_{split}_videos.txt'))
        assert train == ''.join(
            f'{ucf_name(c, g, k)} {i - 1}\n' for c, i in UCF_IDS.items()
            for g, k in GROUP_CLIPS if g != split)
        assert val == ''.join(
            f'{ucf_name(c, g, k)} {i - 1}\n' for c, i in UCF_IDS.items()
            for g, k in GROUP_CLIPS if g == split)
    assert read(osp.join(out, 'ucf101_train_split_1_videos.txt')).startswith(
        'TranslateLeft/v_TranslateLeft_g02_c01.avi 0\n')

    # The command-line tool gives the same lists.
    tool = load_tool('tools/data/ucf101/build_annotations.py')
    out_tool = str(tmp_path / 'ann_tool')
    assert tool.main([
        '--split-dir', split_dir, '--video-root', video_root, '--out-dir',
        out_tool, '--splits', '1', '--no-progress'
    ]) == 0
    for name in ('ucf101_train_split_1_videos.txt',
                 'ucf101_val_split_1_videos.txt'):
        assert read(osp.join(out_tool, name)) == read(osp.join(out, name))


# ------------------------------------------------------------------- HMDB51

HMDB_NAMES = ['translate_left', 'translate_right', 'translate_up',
              'translate_down', 'rotate_clockwise']
# Split ids of the 7 videos (GROUP_CLIPS order) of every class: test group k
# -> 2; last clip of a two-clip train group -> 0; group 4 (one clip) -> 1.
HMDB_IDS = {
    1: [2, 2, 1, 0, 1, 0, 1],
    2: [1, 0, 2, 2, 1, 0, 1],
    3: [1, 0, 1, 0, 2, 2, 1],
}


def hmdb_name(cls, group, clip):
    return f'motion_{cls}_g{group:02d}_c{clip:02d}.avi'


def test_hmdb51_tree_and_split_files(hmdb_dir):
    videos = [f'videos/{c}/{hmdb_name(c, g, k)}' for c in HMDB_NAMES
              for g, k in GROUP_CLIPS]
    splits = [f'testTrainMulti_7030_splits/{c}_test_split{n}.txt'
              for c in HMDB_NAMES for n in (1, 2, 3)]
    assert list_files(hmdb_dir) == sorted(videos + splits +
                                          ['motion_dataset.json'])
    split_dir = osp.join(hmdb_dir, 'testTrainMulti_7030_splits')
    assert read(osp.join(split_dir, 'translate_up_test_split1.txt')) == (
        'motion_translate_up_g01_c01.avi 2 \n'
        'motion_translate_up_g01_c02.avi 2 \n'
        'motion_translate_up_g02_c01.avi 1 \n'
        'motion_translate_up_g02_c02.avi 0 \n'
        'motion_translate_up_g03_c01.avi 1 \n'
        'motion_translate_up_g03_c02.avi 0 \n'
        'motion_translate_up_g04_c01.avi 1 \n')
    for cls in HMDB_NAMES:
        for split, ids in HMDB_IDS.items():
            assert read(osp.join(split_dir,
                                 f'{cls}_test_split{split}.txt')) == ''.join(
                f'{hmdb_name(cls, g, k)} {i} \n'
                for (g, k), i in zip(GROUP_CLIPS, ids))
    meta = json.loads(read(osp.join(hmdb_dir, 'motion_dataset.json')))
    assert meta['format'] == 'hmdb51' and meta['video_root'] == 'videos'


def test_hmdb51_videos_decode(hmdb_dir):
    for cls in HMDB_NAMES:
        vr = decord.VideoReader(
            osp.join(hmdb_dir, 'videos', cls, hmdb_name(cls, 4, 1)))
        assert len(vr) == 8
        assert vr[7].asnumpy().shape == (32, 32, 3)


def test_hmdb51_differs_from_ucf101_with_same_seed(tmp_path, hmdb_dir):
    """The two layouts draw from different streams (dataset key)."""
    cfg = MotionDatasetConfig(**{**HMDB_CFG.__dict__, 'num_classes': 2})
    out = str(tmp_path / 'ucf')
    make_motion_ucf101(out, cfg, show_progress=False)
    a = decord.VideoReader(osp.join(
        out, 'UCF-101', ucf_name('TranslateLeft', 1, 1)))[0].asnumpy()
    b = decord.VideoReader(osp.join(
        hmdb_dir, 'videos', 'translate_left',
        hmdb_name('translate_left', 1, 1)))[0].asnumpy()
    assert np.abs(a.astype(int) - b).mean() > 10


def test_hmdb51_through_preparation(tmp_path, hmdb_dir):
    out = str(tmp_path / 'ann')
    report = prepare_hmdb51(
        osp.join(hmdb_dir, 'testTrainMulti_7030_splits'),
        osp.join(hmdb_dir, 'videos'), out, show_progress=False)
    assert report.invalid == {} and report.lists_written
    # Labels follow the sorted folder names, not MOTION_CLASSES' order.
    labels = {'rotate_clockwise': 0, 'translate_down': 1,
              'translate_left': 2, 'translate_right': 3, 'translate_up': 4}
    assert read(osp.join(out, 'hmdb51_label_map.txt')) == ''.join(
        f'{c}\n' for c in labels)
    for split, ids in HMDB_IDS.items():
        for subset, wanted in (('train', 1), ('val', 2)):
            got = read(osp.join(
                out, f'hmdb51_{subset}_split_{split}_videos.txt'))
            assert got == ''.join(
                f'{c}/{hmdb_name(c, g, k)} {label}\n'
                for c, label in labels.items()
                for (g, k), i in zip(GROUP_CLIPS, ids) if i == wanted)
    assert read(osp.join(out, 'hmdb51_val_split_1_videos.txt')).startswith(
        'rotate_clockwise/motion_rotate_clockwise_g01_c01.avi 0\n')


# ---------------------------------------------------------------------- CLI


def test_make_motion_dataset_cli(tmp_path, capsys):
    tool = load_tool('tools/data/make_motion_dataset.py')
    out = str(tmp_path / 'cli')
    args = [
        out, '--layout', 'hmdb51', '--num-classes', '2',
        '--videos-per-class', '3', '--num-groups', '3', '--frames', '6',
        '--height', '32', '--width', '32', '--speed-range', '0.01', '0.02',
        '--seed', '5', '--no-progress'
    ]
    assert tool.main(args) == 0
    assert 'wrote 6 videos of 2 classes' in capsys.readouterr().out
    meta = json.loads(read(osp.join(out, 'motion_dataset.json')))
    assert meta['format'] == 'hmdb51'
    assert meta['config'] == dict(
        num_classes=2, videos_per_class=3, num_groups=3, num_frames=6,
        height=32, width=32, speed_range=[0.01, 0.02], seed=5, fps=25.,
        fourcc='MJPG', class_set='directions', background_key='class_group')
    assert len(decord.VideoReader(osp.join(
        out, 'videos', 'translate_right',
        hmdb_name('translate_right', 3, 1)))) == 6

    # A second run refuses to overwrite, unless asked.
    assert tool.main(args) == 2
    assert 'exists' in capsys.readouterr().err
    assert tool.main(args + ['--overwrite']) == 0
    capsys.readouterr()


@pytest.mark.parametrize('extra, message', [
    (['--num-classes', '9'], 'got 9'),
    (['--height', '33'], 'got 33'),
    (['--speed-range', '0.03', '0.01'], '(0.03, 0.01)'),
    (['--num-groups', '2'], 'got 2'),
])
def test_make_motion_dataset_cli_bad_arguments(tmp_path, capsys, extra,
                                               message):
    tool = load_tool('tools/data/make_motion_dataset.py')
    out = str(tmp_path / 'bad')
    assert tool.main([out, '--no-progress'] + extra) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ') and message in err
    assert not osp.exists(out)  # nothing written
