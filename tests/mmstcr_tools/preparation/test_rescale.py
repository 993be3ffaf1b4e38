import os
import os.path as osp

import cv2
import decord
import numpy as np
import pytest

from mmstcr_tools.preparation import (VideoRescaleError, find_videos,
                                      rescale_tree, rescale_video,
                                      target_size, write_video)


def frames_with_structure(num_frames, height, width, seed=0):
    """Smooth random frames plus a moving bright square."""
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 256, (num_frames, height, width, 3), np.uint8)
    frames = np.stack([cv2.GaussianBlur(f, (0, 0), 3) for f in frames])
    for t in range(num_frames):
        frames[t, 4:12, 2 + t:10 + t] = 250
    return frames


def decode(path):
    return decord.VideoReader(path)[:].asnumpy()


@pytest.mark.parametrize('size, short, expected', [
    ((320, 240), 128, (170, 128)),  # 170.67 -> 170
    ((240, 320), 128, (128, 170)),
    ((341, 256), 128, (170, 128)),  # 170.5 -> 170
    ((342, 256), 128, (172, 128)),  # 171.0 -> 172 (half way rounds up)
    ((48, 32), 16, (24, 16)),
    ((100, 100), 64, (64, 64)),
    ((48, 32), 64, (96, 64)),  # upscaling keeps the rule
])
def test_target_size(size, short, expected):
    assert target_size(*size, short) == expected


@pytest.mark.parametrize('short', [15, 0, 128.0])
def test_target_size_bad_short_side(short):
    with pytest.raises(ValueError, match='short_side must be an even int'):
        target_size(320, 240, short)


# Sizes avoid the frame widths decord 0.6 misreads (8, 12, 16, 24, 48, 72).
@pytest.mark.parametrize('width, height, short, out', [(64, 40, 20, (32, 20)),
                                                       (40, 64, 20, (20, 32)),
                                                       (64, 40, 64, (102, 64))
                                                       ])
def test_rescale_video(tmp_path, width, height, short, out):
    src = str(tmp_path / 'src.avi')
    frames = frames_with_structure(10, height, width)
    write_video(src, frames, fps=12, fourcc='MJPG')
    dst = str(tmp_path / 'out' / 'dst.avi')
    assert rescale_video(src, dst, short_side=short) == 10
    reader = decord.VideoReader(dst)
    assert len(reader) == 10
    assert reader.get_avg_fps() == pytest.approx(12)
    got = reader[:].asnumpy()
    assert got.shape == (10, out[1], out[0], 3)
    # Same content: compare with the decoded source resized independently.
    ref = np.stack([
        cv2.resize(f, out, interpolation=cv2.INTER_AREA if out[0] < width
                   else cv2.INTER_LINEAR) for f in decode(src)
    ])
    assert np.abs(got.astype(int) - ref).mean() < 8
    assert os.listdir(tmp_path / 'out') == ['dst.avi']  # no temp left


def test_failure_leaves_nothing(tmp_path, monkeypatch):
    src = str(tmp_path / 'src.avi')
    write_video(src, frames_with_structure(4, 40, 64))
    dst = str(tmp_path / 'out' / 'dst.avi')
    monkeypatch.setattr('mmstcr_tools.preparation.rescale.output_problem',
                        lambda path, short: 'simulated bad output')
    with pytest.raises(VideoRescaleError,
                       match='src.avi: the rescaled video is not valid: '
                       'simulated bad output'):
        rescale_video(src, dst, short_side=20)
    assert os.listdir(tmp_path / 'out') == []
    garbage = tmp_path / 'garbage.avi'
    garbage.write_bytes(os.urandom(1000))
    with pytest.raises(VideoRescaleError,
                       match='garbage.avi: OpenCV (cannot open it|decoded '
                       'no frame)'):
        rescale_video(str(garbage), str(tmp_path / 'g.avi'), 16)
    assert not osp.exists(tmp_path / 'g.avi')


def test_output_decord_misreads_is_a_failure(tmp_path):
    src = str(tmp_path / 'src.avi')
    write_video(src, frames_with_structure(4, 40, 64))
    dst = str(tmp_path / 'out' / 'dst.avi')
    with pytest.raises(VideoRescaleError, match='not H x W x 3'):
        rescale_video(src, dst, short_side=30)  # 48 x 30
    assert os.listdir(tmp_path / 'out') == []


@pytest.fixture
def src_tree(tmp_path):
    root = tmp_path / 'src'
    write_video(str(root / 'ClassA' / 'x.avi'), frames_with_structure(
        6, 40, 64, seed=1))
    write_video(str(root / 'ClassA' / 'sub' / 'y.mp4'),
                frames_with_structure(5, 64, 40, seed=2), fourcc='mp4v')
    write_video(str(root / 'z.avi'), frames_with_structure(4, 32, 32, 3))
    (root / 'ClassB').mkdir()
    (root / 'ClassB' / 'bad.avi').write_bytes(os.urandom(2000))
    (root / 'ClassB' / 'notes.txt').write_text('not a video')
    (root / 'ClassB' / '.hidden.avi').write_bytes(b'skipped')
    return str(root)


def test_find_videos(src_tree):
    assert find_videos(src_tree) == [
        'ClassA/sub/y.mp4', 'ClassA/x.avi', 'ClassB/bad.avi', 'z.avi'
    ]
    assert find_videos(src_tree, ['.MP4']) == ['ClassA/sub/y.mp4']


@pytest.mark.parametrize('workers', [1, 2])
def test_rescale_tree_and_resume(src_tree, tmp_path, workers):
    dst = str(tmp_path / 'dst')
    report = rescale_tree(src_tree, dst, short_side=20, workers=workers,
                          show_progress=False)
    assert report.done == ['ClassA/sub/y.mp4', 'ClassA/x.avi', 'z.avi']
    assert report.skipped == []
    assert list(report.failed) == ['ClassB/bad.avi']
    assert report.failed['ClassB/bad.avi'].startswith(
        osp.join(src_tree, 'ClassB/bad.avi'))
    shapes = {
        rel: decode(osp.join(dst, rel)).shape
        for rel in report.done
    }
    assert shapes == {
        'ClassA/x.avi': (6, 20, 32, 3),
        'ClassA/sub/y.mp4': (5, 32, 20, 3),
        'z.avi': (4, 20, 20, 3),
    }
    assert sorted(os.listdir(osp.join(dst, 'ClassA'))) == ['sub', 'x.avi']

    # A killed run: a stale temporary file, and an output damaged by hand.
    stale = osp.join(dst, 'ClassA', '.x.99999.tmp.avi')
    open(stale, 'wb').write(b'half')
    with open(osp.join(dst, 'z.avi'), 'wb') as f:
        f.write(os.urandom(500))
    mtime = os.stat(osp.join(dst, 'ClassA/sub/y.mp4')).st_mtime_ns
    report = rescale_tree(src_tree, dst, short_side=20, workers=workers,
                          show_progress=False)
    assert report.done == ['z.avi']
    assert report.skipped == ['ClassA/sub/y.mp4', 'ClassA/x.avi']
    assert list(report.failed) == ['ClassB/bad.avi']
    assert os.stat(osp.join(dst, 'ClassA/sub/y.mp4')).st_mtime_ns == mtime
    assert decode(osp.join(dst, 'z.avi')).shape == (4, 20, 20, 3)

    # Another short side: nothing is valid any more, all is redone; the
    # stale temp file of x.avi is cleaned up on the way.
    report = rescale_tree(src_tree, dst, short_side=26, show_progress=False)
    assert report.done == ['ClassA/sub/y.mp4', 'ClassA/x.avi', 'z.avi']
    assert not osp.exists(stale)
    assert decode(osp.join(dst, 'ClassA/x.avi')).shape == (6, 26, 42, 3)


def test_rescale_tree_bad_args(src_tree, tmp_path):
    with pytest.raises(ValueError, match='must not be the input folder'):
        rescale_tree(src_tree, osp.join(src_tree, 'out'), 16)
    with pytest.raises(ValueError, match='must not be the input folder'):
        rescale_tree(src_tree, src_tree, 16)
    with pytest.raises(FileNotFoundError, match='video folder not found'):
        rescale_tree(str(tmp_path / 'nope'), str(tmp_path / 'out'), 16)
    with pytest.raises(ValueError, match='short_side must be an even int'):
        rescale_tree(src_tree, str(tmp_path / 'out'), 17)
