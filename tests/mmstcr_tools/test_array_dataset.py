"""The decoded cache, ArrayVideoDataset and VideoArrayDecode against
decoding the same video file."""
import numpy as np
import pytest
from mmengine.registry import init_default_scope

import mmstcr  # noqa: F401
from mmstcr_tools.benchmark import array_dataset  # noqa: F401
from mmstcr_tools.benchmark.video_cache import (decode_video,
                                                load_video_cache, make_splits)
from mmstcr_tools.synthetic import GeneratorConfig, generate_dataset


@pytest.fixture(scope='module')
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp('motion')
    generate_dataset(
        str(root),
        GeneratorConfig(test_groups=1, pool_groups=3, test_clips=2,
                        pool_clips=3, num_frames=20),
        workers=1)
    return root


def test_cache_matches_decoding(tree, tmp_path):
    cache = load_video_cache(str(tree), str(tmp_path), size=40, num_frames=16)
    array = cache.load()
    assert array.shape == (54 + 12, 16, 40, 40) and array.dtype == np.uint8
    assert len(cache.pool) == 54 and len(cache.test) == 12
    i = cache.test[5]
    assert cache.groups[i] == 1
    video = decode_video(str(tree / 'UCF-101' / cache.names[i]), 40, 16)
    np.testing.assert_array_equal(array[i], video)
    # centre 16 of 20 frames: frames 2..17 of the full decode
    full = decode_video(str(tree / 'UCF-101' / cache.names[i]), 40, 20)
    np.testing.assert_array_equal(array[i], full[2:18])
    # a resized cache reads the same tree at another size
    small = load_video_cache(str(tree), str(tmp_path), size=20, num_frames=16)
    assert small.load().shape[2:] == (20, 20)
    # reused, not decoded again
    assert load_video_cache(str(tree), str(tmp_path), 40,
                            16).array_file == cache.array_file


def test_splits(tree, tmp_path):
    cache = load_video_cache(str(tree), str(tmp_path), 40, 16)
    s0 = make_splits(cache, 0, 2, 0.3)
    assert {cache.groups[i] for i in s0.val} == {2}
    assert not set(s0.val) & set(s0.unlabelled)
    assert set(s0.labelled) <= set(s0.unlabelled)
    assert sorted(cache.labels[i] for i in s0.labelled) == sorted(
        list(range(6)) * 2)
    assert make_splits(cache, 1, 2, 0.3).labelled != s0.labelled


def test_dataset_reads_the_frames(tree, tmp_path):
    init_default_scope('mmaction')
    from mmaction.registry import DATASETS
    cache = load_video_cache(str(tree), str(tmp_path), 40, 16)
    rows = cache.test[:3]
    ds = DATASETS.build(
        dict(type='ArrayVideoDataset', array_file=cache.array_file,
             rows=rows, labels=[cache.labels[r] for r in rows],
             pipeline=[dict(type='SampleFrames', clip_len=8,
                            frame_interval=1, num_clips=1, test_mode=True),
                       dict(type='VideoArrayDecode')]))
    item = ds[2]
    assert item['label'] == cache.labels[rows[2]]
    video = decode_video(str(tree / 'UCF-101' / cache.names[rows[2]]), 40,
                         16)
    frames = np.stack(item['imgs'])
    assert frames.shape == (8, 40, 40, 1)
    np.testing.assert_array_equal(frames[..., 0],
                                  video[item['frame_inds']])


def test_two_view_pipeline(tree, tmp_path):
    init_default_scope('mmaction')
    from mmaction.registry import DATASETS
    cache = load_video_cache(str(tree), str(tmp_path), 40, 16)
    ds = DATASETS.build(
        dict(type='ArrayVideoDataset', array_file=cache.array_file,
             rows=cache.pool[:4],
             pipeline=[dict(type='SampleFrames', clip_len=8,
                            frame_interval=1, num_clips=1),
                       dict(type='VideoArrayDecode'),
                       dict(type='TwoViewRandomCrop', size=32),
                       dict(type='SpatioTemporalTransform'),
                       dict(type='IntraVideoMixup'),
                       dict(type='PackSTCRInputs')]))
    out = ds[0]
    assert out['inputs'].shape == (2, 1, 8, 32, 32)
    assert 'stt_code' in out['data_samples'].metainfo


def test_dataset_checks_rows(tree, tmp_path):
    from mmstcr_tools.benchmark.array_dataset import ArrayVideoDataset
    cache = load_video_cache(str(tree), str(tmp_path), 40, 16)
    with pytest.raises(IndexError):
        ArrayVideoDataset(cache.array_file, rows=[10**6], pipeline=[])
    with pytest.raises(ValueError, match='labels'):
        ArrayVideoDataset(cache.array_file, rows=[0, 1], labels=[0],
                          pipeline=[])
