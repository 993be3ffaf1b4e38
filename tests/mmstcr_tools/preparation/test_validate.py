import os

import pytest

from mmstcr_tools.preparation import check_video, check_videos


@pytest.fixture
def videos(tmp_path, make_video):
    good = str(tmp_path / 'good.avi')
    make_video(good, num_frames=8)
    garbage = tmp_path / 'garbage.avi'
    garbage.write_bytes(os.urandom(3000))
    empty = tmp_path / 'empty.avi'
    empty.write_bytes(b'')
    data = open(good, 'rb').read()
    cut = tmp_path / 'cut.avi'
    cut.write_bytes(data[:len(data) // 2])  # header kept, rest cut off
    return dict(good=good, garbage=str(garbage), empty=str(empty),
                cut=str(cut), missing=str(tmp_path / 'missing.avi'))


def test_check_video(videos):
    assert check_video(videos['good']) is None
    assert check_video(videos['good'], decode=False) is None
    for name in ('garbage', 'empty', 'cut', 'missing'):
        reason = check_video(videos[name])
        assert reason is not None and reason.startswith(
            'decord cannot open it'), (name, reason)


def test_check_video_flags_decord_width_bug(tmp_path, make_video):
    # decord 0.6.0 decodes 48-pixel-wide frames as H x W x 4 arrays; the
    # training pipeline would get garbage, so the check must say so.
    path = str(tmp_path / 'w48.avi')
    make_video(path, num_frames=3, width=48, height=32)
    reason = check_video(path)
    assert reason is not None and 'not H x W x 3' in reason
    assert check_video(path, decode=False) is None  # opening alone passes
    make_video(path, num_frames=3, width=50, height=32)
    assert check_video(path) is None


@pytest.mark.parametrize('workers', [1, 2])
def test_check_videos_names_each_bad_file(videos, workers):
    order = ['missing', 'good', 'garbage', 'cut', 'empty']
    bad = check_videos([videos[n] for n in order],
                       workers=workers,
                       show_progress=workers == 2)
    assert list(bad) == [videos[n] for n in order if n != 'good']
    assert all(reason for reason in bad.values())
