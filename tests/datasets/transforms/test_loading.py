import os
import os.path as osp
import shutil

import numpy as np
import pytest
import torch
from mmengine.registry import DefaultScope

import mmstcr  # noqa: F401  (registers the transforms)
from mmaction.datasets import VideoDataset
from mmaction.datasets.transforms import DecordDecode, DecordInit, SampleFrames
from mmaction.registry import TRANSFORMS
from mmstcr.datasets.transforms import CheckedDecordInit, CorruptVideoError

NUM_FRAMES = 8


def build(cfg):
    """Build a transform from MMAction2's registry, whatever the current
    default scope (a Runner built by another test may have changed it)."""
    with DefaultScope.overwrite_default_scope('mmaction'):
        return TRANSFORMS.build(cfg)


def write_mp4(path, num_frames=NUM_FRAMES, height=32, width=64):
    """A video whose frames all differ (a moving bar over a gradient)."""
    import cv2
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), 8,
                             (width, height))
    assert writer.isOpened()
    base = np.linspace(0, 160, width, dtype=np.uint8)[None, :, None]
    for t in range(num_frames):
        frame = np.repeat(np.repeat(base, height, 0), 3, 2).copy()
        frame[:, 4 * t:4 * t + 4] = (255, 40 * (t % 6), 0)
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    """A good mp4 and the bad files of the tests, in one folder."""
    root = tmp_path_factory.mktemp('loading')
    good = write_mp4(str(root / 'good.mp4'))
    rng = np.random.default_rng(0)
    paths = dict(
        root=str(root),
        good=good,
        missing=str(root / 'missing.mp4'),
        garbage_mp4=str(root / 'garbage.mp4'),
        garbage_avi=str(root / 'garbage.avi'),
        empty=str(root / 'empty.mp4'),
        truncated=str(root / 'truncated.mp4'),
        no_frames=write_mp4(str(root / 'no_frames.mp4'), num_frames=0))
    with open(paths['garbage_mp4'], 'wb') as f:
        f.write(rng.integers(0, 256, 2000, dtype=np.uint8).tobytes())
    with open(paths['garbage_avi'], 'wb') as f:
        f.write(b'not a video at all ' * 50)  # 950 bytes
    open(paths['empty'], 'wb').close()
    with open(good, 'rb') as f:  # a valid start, the rest cut off
        head = f.read(300)
    with open(paths['truncated'], 'wb') as f:
        f.write(head)
    return paths


def decode(init, filename):
    """Run ``init -> SampleFrames -> DecordDecode`` on one file."""
    np.random.seed(0)
    results = dict(filename=filename, start_index=0, modality='RGB')
    results = init(results)
    results = SampleFrames(clip_len=4, frame_interval=2, num_clips=2)(results)
    return DecordDecode()(results)


def test_good_video_decodes_exactly_like_decord_init(videos):
    ours = decode(build(dict(type='CheckedDecordInit')),
                  videos['good'])
    theirs = decode(DecordInit(), videos['good'])
    assert ours.keys() == theirs.keys()
    assert ours['total_frames'] == theirs['total_frames'] == NUM_FRAMES
    assert ours['avg_fps'] == theirs['avg_fps'] == 8
    np.testing.assert_array_equal(ours['frame_inds'], theirs['frame_inds'])
    assert len(ours['imgs']) == 8 and ours['img_shape'] == (32, 64)
    np.testing.assert_array_equal(np.stack(ours['imgs']),
                                  np.stack(theirs['imgs']))
    # the clip is a real decode: frames differ, the bar moves right
    imgs = np.stack(ours['imgs']).astype(int)  # 8 x 32 x 48 x 3
    assert np.abs(imgs[1] - imgs[0]).max() > 100


def test_name_without_extension_reads_the_mp4(videos):
    stem = osp.splitext(videos['good'])[0]
    init = CheckedDecordInit()
    assert init.video_path(stem) == videos['good']
    assert init.video_path(videos['garbage_avi']) == videos['garbage_avi']
    results = init(dict(filename=stem))
    assert results['total_frames'] == NUM_FRAMES


def test_missing_video_names_path_sample_and_label(videos):
    init = CheckedDecordInit()
    with pytest.raises(FileNotFoundError) as info:
        init(dict(filename=videos['missing'], sample_idx=5, label=2))
    msg = str(info.value)
    assert f"video '{videos['missing']}' (sample_idx=5, label=2) does not " \
           'exist' in msg
    assert '[Errno 2] No such file or directory' in msg
    assert isinstance(info.value.__cause__, FileNotFoundError)
    # a name without extension: the message names the file actually read
    stem = osp.join(videos['root'], 'nothere')
    with pytest.raises(FileNotFoundError, match='nothere.mp4'):
        init(dict(filename=stem))


@pytest.mark.parametrize('case,size', [('garbage_mp4', 2000),
                                       ('garbage_avi', 950)])
def test_corrupt_video(videos, case, size):
    path = videos[case]
    # MMAction2's DecordInit does not name the file
    with pytest.raises(RuntimeError) as plain:
        DecordInit()(dict(filename=path))
    assert path not in str(plain.value)
    assert osp.basename(path) not in str(plain.value)

    with pytest.raises(CorruptVideoError) as info:
        CheckedDecordInit()(dict(filename=path, sample_idx=0, label=7))
    msg = str(info.value)
    assert msg.startswith(f"decord cannot open video '{path}' "
                          '(sample_idx=0, label=7): '
                          f'the file ({size} bytes) is corrupt')
    # opened by path, decord's message names the file
    assert f'decord said: RuntimeError: Error reading {path}' in msg
    assert isinstance(info.value, OSError)
    assert type(info.value.__cause__) is RuntimeError
    assert str(info.value.__cause__) in msg  # decord's full message is kept


def test_zero_byte_video(videos):
    with pytest.raises(RuntimeError) as plain:
        DecordInit()(dict(filename=videos['empty']))
    assert 'empty.mp4' not in str(plain.value)

    with pytest.raises(CorruptVideoError) as info:
        CheckedDecordInit()(dict(filename=videos['empty']))
    msg = str(info.value)
    assert msg.startswith(f"decord cannot open video '{videos['empty']}': "
                          'the file is empty (0 bytes).')
    assert f"Error reading {videos['empty']}" in msg


def test_truncated_and_frameless_videos_chain_decord_error(videos):
    import decord
    path = videos['truncated']  # first 300 bytes of a good mp4
    with pytest.raises(CorruptVideoError,
                       match=r'\(300 bytes\) is corrupt, truncated') as info:
        CheckedDecordInit()(dict(filename=path))
    assert f"video '{path}'" in str(info.value)
    assert type(info.value.__cause__) is RuntimeError

    path = videos['no_frames']  # an mp4 container without a video stream
    size = osp.getsize(path)
    with pytest.raises(CorruptVideoError,
                       match=rf"video '{path}': the file \({size} bytes\)"
                       ) as info:
        CheckedDecordInit()(dict(filename=path))
    assert isinstance(info.value.__cause__, decord.DECORDError)
    assert 'decord said: DECORDError: ' in str(info.value)
    assert 'cannot find video stream' in str(info.value)


def test_directory_named_like_a_video(videos):
    folder = osp.join(videos['root'], 'folder.mp4')
    os.makedirs(folder, exist_ok=True)
    with pytest.raises(IsADirectoryError,
                       match=f"cannot read video '{folder}'") as info:
        CheckedDecordInit()(dict(filename=folder, sample_idx=1))
    assert '(sample_idx=1)' in str(info.value)
    assert isinstance(info.value.__cause__, IsADirectoryError)


def test_other_errors_are_left_untouched():
    with pytest.raises(TypeError) as info:
        CheckedDecordInit()(dict(filename=None))
    assert info.value.__cause__ is None
    with pytest.raises(KeyError) as info:
        CheckedDecordInit()(dict(label=1))
    assert info.value.args[0] == ('CheckedDecordInit: results have no '
                                  '"filename"; keys: [\'label\']')


def test_errors_through_video_dataset_and_dataloader_worker(videos, tmp_path):
    """The message reaches the user from a VideoDataset, also when the file
    is read in a DataLoader worker process."""
    prefix = str(tmp_path / 'videos')
    os.makedirs(prefix)
    shutil.copy(videos['good'], osp.join(prefix, 'a.mp4'))
    shutil.copy(videos['garbage_mp4'], osp.join(prefix, 'b.mp4'))
    ann_file = str(tmp_path / 'ann.txt')
    with open(ann_file, 'w') as f:
        f.write('a.mp4 0\nb.mp4 4\nc.mp4 1\n')
    pipeline = [
        dict(type='CheckedDecordInit'),
        dict(type='SampleFrames', clip_len=2, frame_interval=1, num_clips=1),
        dict(type='DecordDecode'),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')
    ]
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = VideoDataset(
            ann_file, pipeline, data_prefix=dict(video=prefix), test_mode=True)
    assert dataset[0]['inputs'].shape == (1, 3, 2, 32, 64)
    with pytest.raises(FileNotFoundError,
                       match=r"c\.mp4' \(sample_idx=2, label=1\)"):
        dataset[2]

    loader = torch.utils.data.DataLoader(
        torch.utils.data.Subset(dataset, [1]),
        batch_size=1,
        num_workers=1,
        collate_fn=lambda batch: batch)
    with pytest.raises(CorruptVideoError) as info:
        next(iter(loader))
    msg = str(info.value)
    assert 'DataLoader worker' in msg
    assert f"video '{osp.join(prefix, 'b.mp4')}' (sample_idx=1, label=4)" \
        in msg


def test_args_and_repr():
    init = build(
        dict(type='CheckedDecordInit', num_threads=2, io_backend='disk'))
    assert isinstance(init, DecordInit)
    assert repr(init) == "CheckedDecordInit(io_backend='disk', num_threads=2)"
    init = CheckedDecordInit(io_backend='petrel', path_mapping={'a': 'b'})
    assert repr(init) == ("CheckedDecordInit(io_backend='petrel', "
                          "num_threads=1, path_mapping={'a': 'b'})")
    for bad in [-1, 1.5, True, '2']:
        with pytest.raises(ValueError, match=f'num_threads={bad!r}'):
            CheckedDecordInit(num_threads=bad)
    with pytest.raises(ValueError, match="io_backend=''"):
        CheckedDecordInit(io_backend='')
