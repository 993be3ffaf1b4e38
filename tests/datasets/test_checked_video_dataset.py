"""CheckedVideoDataset: annotation lists checked when the dataset is built,
the bad-video policy, the short-video warning and per-sample seeds
(issue 9, items 2-4)."""
import json
import os.path as osp
import shutil
from unittest import mock

import numpy as np
import pytest
from mmengine.registry import DefaultScope

import mmstcr  # noqa: F401  (registers the dataset and transforms)
from mmaction.registry import DATASETS
from mmstcr.datasets import (AnnotationListError, BadVideoError,
                             CheckedVideoDataset, SeededIndex)
from mmstcr.datasets import checked_video_dataset as module

PIPELINE = [
    dict(type='CheckedDecordInit'),
    dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='RandomCrop', size=16),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]


def build(ann_file, video_dir, **kwargs):
    with DefaultScope.overwrite_default_scope('mmaction'):
        return DATASETS.build(
            dict(
                type='CheckedVideoDataset',
                ann_file=str(ann_file),
                data_prefix=dict(video=video_dir),
                pipeline=PIPELINE,
                **kwargs))


def write_list(path, text, newline='\n'):
    with open(path, 'w', newline='') as f:
        f.write(text.replace('\n', newline))
    return str(path)


@pytest.fixture
def data(tiny_video_dataset):
    return tiny_video_dataset  # 6 videos of 3 classes, 8 frames


def test_good_list_and_crlf(data, tmp_path):
    with open(data.ann_file) as f:
        text = f.read()
    for newline in ('\n', '\r\n'):
        ann = write_list(tmp_path / 'ann.txt', text, newline)
        ds = build(ann, data.video_dir, num_classes=3)
        assert len(ds) == data.num_videos
        info = ds.get_data_info(2)
        assert info['label'] == data.labels[2] and info['ann_line'] == 3
        assert info['filename'].endswith('.mp4')  # no '\r' left
        assert osp.isfile(info['filename'])
        assert ds[0]['inputs'].shape == (1, 3, 4, 16, 16)


@pytest.mark.parametrize('text,line,words', [
    ('a.mp4 0\nb.mp4\n', 2, 'no label'),
    ('a.mp4 0\nb.mp4 two\n', 2, "label 'two' is not an integer"),
    ('a.mp4 9\n', 1, 'label 9 is outside [0, 6)'),
    ('a.mp4 -1\n', 1, 'label -1 is outside [0, 6)'),
    ('a.mp4 1 2\n', 1, '3 fields'),
])
def test_bad_line_names_file_and_line(tmp_path, text, line, words):
    ann = write_list(tmp_path / 'list.txt', text)
    with pytest.raises(AnnotationListError) as info:
        build(ann, str(tmp_path), num_classes=6)
    assert f'{ann} line {line}' in str(info.value)
    assert words in str(info.value)


def test_unlabelled_list_allowed_on_request(tmp_path):
    ann = write_list(tmp_path / 'list.txt', 'a.mp4\nb.mp4\n')
    ds = build(ann, str(tmp_path), label_required=False)
    assert [ds.get_data_info(i)['label'] for i in range(2)] == [-1, -1]


def test_empty_list_and_blank_lines(tmp_path):
    for text, words in (('', 'lists no video (it is empty)'),
                        ('\n  \n\n', 'lists no video (3 blank lines)')):
        ann = write_list(tmp_path / 'list.txt', text)
        with pytest.raises(AnnotationListError, match=r'list\.txt lists no'):
            build(ann, str(tmp_path))
        with pytest.raises(AnnotationListError) as info:
            build(ann, str(tmp_path))
        assert words in str(info.value)
    # a trailing blank line (the probe crashed on a video named '.mp4')
    ann = write_list(tmp_path / 'list.txt', 'a.mp4 0\n\nb.mp4 1\n\n')
    with mock.patch.object(module, 'print_log') as log:
        ds = build(ann, str(tmp_path))
    assert len(ds) == 2 and ds.get_data_info(1)['ann_line'] == 3
    assert 'skipped 2 blank line(s)' in log.call_args[0][0]


def test_policy_arguments_are_checked(tmp_path):
    ann = write_list(tmp_path / 'list.txt', 'a.mp4 0\n')
    for kwargs, words in ((dict(bad_video='ignore'), "'ignore'"),
                          (dict(short_video='loop'), "'loop'"),
                          (dict(max_bad_fraction=2), 'max_bad_fraction=2'),
                          (dict(num_classes=0), 'num_classes=0')):
        with pytest.raises(ValueError, match=words):
            build(ann, str(tmp_path), **kwargs)


@pytest.fixture
def with_bad(data, tmp_path):
    """The tiny videos, with line 3 a file of random bytes and line 5
    missing."""
    video_dir = str(tmp_path / 'videos')
    shutil.copytree(data.video_dir, video_dir)
    with open(data.ann_file) as f:
        lines = f.read().splitlines()
    bad = lines[2].split()[0]
    with open(osp.join(video_dir, bad), 'wb') as f:
        f.write(np.random.default_rng(0).bytes(3000))
    lines[4] = 'class1/missing.mp4 1'
    ann = write_list(tmp_path / 'ann.txt', '\n'.join(lines) + '\n')
    return ann, video_dir, bad


def test_fail_policy_names_list_line_and_video(with_bad):
    ann, video_dir, bad = with_bad
    ds = build(ann, video_dir)
    with pytest.raises(BadVideoError) as info:
        ds[2]
    msg = str(info.value)
    assert msg.startswith(f"{ann} line 3: video '{osp.join(video_dir, bad)}'"
                          ' cannot be loaded: CorruptVideoError')
    assert "bad_video='skip'" in msg
    with pytest.raises(BadVideoError, match=f'{ann} line 5: .*missing.mp4'):
        ds[4]


def test_skip_policy_skips_records_and_stops_past_the_fraction(
        with_bad, tmp_path):
    ann, video_dir, bad = with_bad
    ds = build(ann, video_dir, bad_video='skip', max_bad_fraction=0.4)
    ds.bad_video_log = str(tmp_path / 'bad.jsonl')
    sample = ds[2]  # another video instead
    assert sample['inputs'].shape == (1, 3, 4, 16, 16)
    ds[4]
    records = [json.loads(x) for x in open(ds.bad_video_log)]
    assert {(r['line'], osp.basename(r['filename'])) for r in records} >= {
        (3, osp.basename(bad)), (5, 'missing.mp4')}
    assert all(r['ann_file'] == ann and r['reason'] for r in records)
    # 2 of 6 bad is within 0.4; 3 of 6 is not
    ds.check_bad_fraction({3: '', 5: ''})
    with pytest.raises(BadVideoError, match=r'3 of the 6 videos .* \(lines '
                       r'1, 3, 5\), more than max_bad_fraction=0.4'):
        ds.check_bad_fraction({1: '', 3: '', 5: ''})
    strict = build(ann, video_dir, bad_video='skip', max_bad_fraction=0.1)
    with pytest.raises(BadVideoError, match='1 of the 6 videos'):
        strict[2]
    # evaluation must see every video: test mode always fails
    test = build(ann, video_dir, bad_video='skip', test_mode=True)
    with pytest.raises(BadVideoError, match='line 3'):
        test[2]


def test_short_video_warns_once_or_fails(make_video_dataset, tmp_path):
    short = make_video_dataset(num_videos=3, num_classes=3, num_frames=5)
    pipeline = [dict(PIPELINE[0]),
                dict(type='SampleFrames', clip_len=8, frame_interval=1,
                     num_clips=1), *PIPELINE[2:]]
    with DefaultScope.overwrite_default_scope('mmaction'):
        ds = CheckedVideoDataset(
            short.ann_file, pipeline, data_prefix=dict(video=short.video_dir))
        strict = CheckedVideoDataset(
            short.ann_file, pipeline, short_video='error',
            data_prefix=dict(video=short.video_dir))
    with mock.patch.object(module, 'print_log') as log:
        ds[1]
        ds[1]
    assert log.call_count == 1  # once per video
    msg = log.call_args[0][0]
    assert f'{short.ann_file} line 2: video ' in msg
    assert 'has 5 frames, fewer than a clip of clip_len=8 x ' \
           'frame_interval=1 needs (8): its frames are looped' in msg
    with pytest.raises(BadVideoError, match='ShortVideoError: .* line 2'):
        strict[1]


def test_sample_seed_fixes_the_augmentation(data):
    ds = build(data.ann_file, data.video_dir)

    def crop(idx):
        return ds[idx]['inputs'].numpy()

    np.testing.assert_array_equal(crop(SeededIndex(0, 5)),
                                  crop(SeededIndex(0, 5)))
    draws = {crop(SeededIndex(0, s)).tobytes() for s in range(6)}
    assert len(draws) > 1  # other seeds, other crops
    # the global generators are left as they were
    state = np.random.get_state()[1].copy()
    crop(SeededIndex(1, 3))
    np.testing.assert_array_equal(np.random.get_state()[1], state)
