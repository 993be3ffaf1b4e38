import os
import os.path as osp

import pytest

from mmstcr_tools.preparation import (format_report, prepare_hmdb51,
                                      prepare_ucf101)

UCF_TRAIN_1 = [
    'Basketball/v_Basketball_g02_c01.avi 0',
    'Basketball/v_Basketball_g02_c02.avi 0',
    'Basketball/v_Basketball_g03_c01.avi 0',
    'Basketball/v_Basketball_g03_c02.avi 0',
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi 1',
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c02.avi 1',
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g03_c01.avi 1',
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g03_c02.avi 1',
    'Archery/v_Archery_g02_c01.avi 2',
    'Archery/v_Archery_g02_c02.avi 2',
    'Archery/v_Archery_g03_c01.avi 2',
    'Archery/v_Archery_g03_c02.avi 2',
]
UCF_VAL_1 = [
    'Basketball/v_Basketball_g01_c01.avi 0',
    'Basketball/v_Basketball_g01_c02.avi 0',
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi 1',
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c02.avi 1',
    'Archery/v_Archery_g01_c01.avi 2',
    'Archery/v_Archery_g01_c02.avi 2',
]
UCF_FILES = [
    f'ucf101_{s}_split_{k}_videos.txt' for k in (1, 2, 3)
    for s in ('train', 'val')
]


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


def test_ucf101_lists(ucf101_tree, tmp_path):
    split_dir, video_root = ucf101_tree
    out = str(tmp_path / 'out')
    report = prepare_ucf101(split_dir, video_root, out, show_progress=False)
    assert report.lists_written and not report.invalid
    assert not report.case_resolved and not report.notes
    assert sorted(os.listdir(out)) == sorted(UCF_FILES +
                                             ['ucf101_label_map.txt'])
    assert read_lines(osp.join(out, UCF_FILES[0])) == UCF_TRAIN_1
    assert read_lines(osp.join(out, UCF_FILES[1])) == UCF_VAL_1
    assert read_lines(osp.join(out, 'ucf101_label_map.txt')) == [
        'Basketball', 'ApplyEyeMakeup', 'Archery'
    ]
    assert report.counts == {name: 12 if 'train' in name else 6
                             for name in UCF_FILES}
    # Every video is in exactly one of train/val per split.
    for k in (1, 2, 3):
        train = read_lines(osp.join(out, f'ucf101_train_split_{k}_videos.txt'))
        val = read_lines(osp.join(out, f'ucf101_val_split_{k}_videos.txt'))
        assert len(set(train) | set(val)) == 18 and not set(train) & set(val)
        assert all(f'_g0{k}_' in line for line in val)


def damage(video_root):
    """Delete one video and replace another by garbage bytes."""
    os.remove(osp.join(video_root, 'Archery/v_Archery_g02_c01.avi'))
    with open(osp.join(video_root, 'Basketball/v_Basketball_g01_c02.avi'),
              'wb') as f:
        f.write(os.urandom(4096))


def test_missing_and_corrupt_fail_by_default(ucf101_tree, tmp_path):
    split_dir, video_root = ucf101_tree
    damage(video_root)
    out = str(tmp_path / 'out')
    report = prepare_ucf101(split_dir, video_root, out, show_progress=False)
    assert not report.lists_written
    # In list order: the missing video is in trainlist01, the corrupt one
    # in testlist01.
    assert list(report.invalid) == [
        'Archery/v_Archery_g02_c01.avi',
        'Basketball/v_Basketball_g01_c02.avi'
    ]
    assert report.invalid['Archery/v_Archery_g02_c01.avi'].startswith(
        "missing: no 'v_Archery_g02_c01.avi' in ")
    assert report.invalid['Basketball/v_Basketball_g01_c02.avi'].startswith(
        'decord cannot open it')
    assert os.listdir(out) == ['ucf101_invalid_videos.txt']
    lines = read_lines(osp.join(out, 'ucf101_invalid_videos.txt'))
    assert [line.split('\t')[0] for line in lines] == list(report.invalid)
    text = format_report(report)
    assert 'Missing or unreadable videos (2)' in text
    assert 'Archery/v_Archery_g02_c01.avi: missing' in text
    assert 'Basketball/v_Basketball_g01_c02.avi: decord cannot open' in text
    assert 'No annotation list written' in text


def test_drop_invalid(ucf101_tree, tmp_path):
    split_dir, video_root = ucf101_tree
    damage(video_root)
    out = str(tmp_path / 'out')
    with pytest.warns(UserWarning,
                      match='dropped 2 missing or unreadable videos .*'
                      'Archery/v_Archery_g02_c01.avi, '
                      'Basketball/v_Basketball_g01_c02.avi'):
        report = prepare_ucf101(
            split_dir, video_root, out, drop_invalid=True,
            show_progress=False)
    assert report.lists_written
    train_1 = read_lines(osp.join(out, UCF_FILES[0]))
    val_1 = read_lines(osp.join(out, UCF_FILES[1]))
    assert train_1 == [x for x in UCF_TRAIN_1 if 'Archery_g02_c01' not in x]
    assert val_1 == [x for x in UCF_VAL_1 if 'Basketball_g01_c02' not in x]
    # Archery g02 is train in splits 1, 3 and val in 2; Basketball g01 is
    # val in split 1 and train in 2, 3.
    assert report.dropped == {
        'ucf101_train_split_1_videos.txt': 1,
        'ucf101_val_split_1_videos.txt': 1,
        'ucf101_train_split_2_videos.txt': 1,
        'ucf101_val_split_2_videos.txt': 1,
        'ucf101_train_split_3_videos.txt': 2,
        'ucf101_val_split_3_videos.txt': 0,
    }
    assert osp.isfile(osp.join(out, 'ucf101_invalid_videos.txt'))


def test_stale_invalid_list_removed(ucf101_tree, tmp_path):
    split_dir, video_root = ucf101_tree
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'ucf101_invalid_videos.txt').write_text('old\tstale\n')
    report = prepare_ucf101(split_dir, video_root, str(out),
                            show_progress=False)
    assert report.lists_written
    assert not (out / 'ucf101_invalid_videos.txt').exists()


def rename_on_disk(video_root, old, new):
    """Rename class folder ``old`` and its ``v_<old>_*`` files to ``new``."""
    os.rename(osp.join(video_root, old), osp.join(video_root, new))
    folder = osp.join(video_root, new)
    for name in os.listdir(folder):
        os.rename(osp.join(folder, name),
                  osp.join(folder, name.replace(old, new)))


@pytest.mark.parametrize('listed, on_disk', [
    ('HandstandPushups', 'HandStandPushups'),
    ('HandStandPushups', 'HandstandPushups'),
])
def test_handstand_pushups_case_mismatch(make_ucf101_tree, tmp_path, listed,
                                         on_disk):
    split_dir, video_root = make_ucf101_tree(
        str(tmp_path / 'ucf'), classes=['Basketball', listed, 'Archery'])
    rename_on_disk(video_root, listed, on_disk)
    out = str(tmp_path / 'out')
    report = prepare_ucf101(split_dir, video_root, out, show_progress=False)
    assert report.lists_written and not report.invalid
    # The lists name the files as they are on disk; labels from classInd.
    assert read_lines(osp.join(out, 'ucf101_val_split_1_videos.txt')) == [
        'Basketball/v_Basketball_g01_c01.avi 0',
        'Basketball/v_Basketball_g01_c02.avi 0',
        f'{on_disk}/v_{on_disk}_g01_c01.avi 1',
        f'{on_disk}/v_{on_disk}_g01_c02.avi 1',
        'Archery/v_Archery_g01_c01.avi 2',
        'Archery/v_Archery_g01_c02.avi 2',
    ]
    expected = {
        f'{listed}/v_{listed}_g{g:02d}_c{c:02d}.avi':
        f'{on_disk}/v_{on_disk}_g{g:02d}_c{c:02d}.avi'
        for g in (2, 3, 1) for c in (1, 2)
    }
    assert report.case_resolved == expected
    text = format_report(report)
    assert 'Names matched ignoring case (6):' in text
    assert (f'{listed}/v_{listed}_g01_c01.avi -> '
            f'{on_disk}/v_{on_disk}_g01_c01.avi') in text


def test_hmdb51_lists_and_corrupt_video(hmdb51_tree, tmp_path):
    split_dir, video_root = hmdb51_tree
    out = str(tmp_path / 'out')
    report = prepare_hmdb51(split_dir, video_root, out, show_progress=False)
    assert report.lists_written
    assert read_lines(osp.join(out, 'hmdb51_val_split_1_videos.txt')) == [
        'brush_hair/Some_&_clip_brush_hair_f_cm_np1_fr_med_2.avi 0',
        'brush_hair/Some_&_clip_brush_hair_f_cm_np1_fr_med_3.avi 0',
        'climb/Some_&_clip_climb_f_cm_np1_fr_med_2.avi 1',
        'climb/Some_&_clip_climb_f_cm_np1_fr_med_3.avi 1',
        'climb_stairs/Some_&_clip_climb_stairs_f_cm_np1_fr_med_2.avi 2',
        'climb_stairs/Some_&_clip_climb_stairs_f_cm_np1_fr_med_3.avi 2',
    ]
    assert read_lines(osp.join(out, 'hmdb51_label_map.txt')) == [
        'brush_hair', 'climb', 'climb_stairs'
    ]
    # An empty file is unreadable; an unused (id 0 everywhere) video would
    # not be checked, but video 5 is train in split 2.
    bad = 'climb/Some_&_clip_climb_f_cm_np1_fr_med_5.avi'
    open(osp.join(video_root, bad), 'w').close()
    report = prepare_hmdb51(split_dir, video_root, str(tmp_path / 'out2'),
                            workers=2, show_progress=False)
    assert list(report.invalid) == [bad]
    assert not report.lists_written


def test_lists_load_in_mmaction_video_dataset(ucf101_tree, tmp_path):
    from mmaction.datasets import VideoDataset
    from mmaction.datasets.transforms import (DecordDecode, DecordInit,
                                              SampleFrames)
    split_dir, video_root = ucf101_tree
    out = str(tmp_path / 'out')
    prepare_ucf101(split_dir, video_root, out, splits=[1],
                   show_progress=False)
    dataset = VideoDataset(
        osp.join(out, 'ucf101_val_split_1_videos.txt'),
        pipeline=[
            DecordInit(),
            SampleFrames(clip_len=4, frame_interval=1, num_clips=1),
            DecordDecode()
        ],
        data_prefix=dict(video=video_root),
        test_mode=True)
    assert len(dataset) == 6
    sample = dataset[4]
    assert sample['filename'] == osp.join(video_root,
                                          'Archery/v_Archery_g01_c01.avi')
    assert sample['label'] == 2
    assert sample['total_frames'] == 8
    assert len(sample['imgs']) == 4 and sample['imgs'][0].shape == (32, 32, 3)


def test_video_root_must_exist(ucf101_tree, tmp_path):
    split_dir, _ = ucf101_tree
    with pytest.raises(FileNotFoundError, match='video root not found'):
        prepare_ucf101(split_dir, str(tmp_path / 'nope'), str(tmp_path))
