import cv2
import decord
import numpy as np
import pytest

from mmstcr_tools.preparation import write_video


def smooth_frames(num_frames, height, width):
    rng = np.random.default_rng(3)
    frames = rng.integers(0, 256, (num_frames, height, width, 3), np.uint8)
    return np.stack([cv2.GaussianBlur(f, (9, 9), 3) for f in frames])


@pytest.mark.parametrize('fourcc, ext', [('MJPG', 'avi'), ('mp4v', 'avi'),
                                         ('mp4v', 'mp4')])
def test_round_trip_through_decord(tmp_path, fourcc, ext):
    frames = smooth_frames(6, 24, 40)
    # A red block in the top-left corner checks the RGB order.
    frames[:, :8, :8] = (255, 0, 0)
    path = str(tmp_path / 'sub' / f'v.{ext}')
    write_video(path, frames, fps=12, fourcc=fourcc)
    reader = decord.VideoReader(path)
    decoded = reader[:].asnumpy()
    assert decoded.shape == frames.shape
    assert reader.get_avg_fps() == pytest.approx(12)
    assert np.abs(decoded.astype(int) - frames).mean() < 6
    corner = decoded[:, 2:6, 2:6].reshape(-1, 3).mean(0)
    assert corner[0] > 200 and corner[1] < 60 and corner[2] < 60


def test_bad_input(tmp_path):
    path = str(tmp_path / 'v.avi')
    with pytest.raises(ValueError, match='width must be an even int'):
        write_video(path, np.zeros((2, 8, 9, 3), np.uint8))
    with pytest.raises(ValueError, match='T x H x W x 3 uint8'):
        write_video(path, np.zeros((2, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match='no frames'):
        write_video(path, np.zeros((0, 8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match='fourcc must be 4 characters'):
        write_video(path, np.zeros((2, 8, 8, 3), np.uint8), fourcc='XVIDX')
