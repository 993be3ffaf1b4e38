import os.path as osp
import re

import pytest

from mmstcr_tools.preparation import (AnnotationError, load_ucf101_splits,
                                      parse_class_ind)

CLASS_IND = '1 Basketball\n2 ApplyEyeMakeup\n3 Archery\n'


def write_split_dir(root, **files):
    """Write ``classInd.txt`` (default :data:`CLASS_IND`) and the given
    files (``trainlist01='...'`` -> ``trainlist01.txt``); split 1 lists that
    are not given are empty."""
    files.setdefault('classInd', CLASS_IND)
    files.setdefault('trainlist01', '')
    files.setdefault('testlist01', '')
    for name, text in files.items():
        with open(osp.join(root, f'{name}.txt'), 'w') as f:
            f.write(text)
    return str(root)


def pairs(entries):
    return [(e.path, e.label) for e in entries]


def test_fake_tree_split_1_exact(ucf101_tree):
    split_dir, _ = ucf101_tree
    lists = load_ucf101_splits(split_dir, splits=[1])
    assert lists.classes == ['Basketball', 'ApplyEyeMakeup', 'Archery']
    assert list(lists.lists) == [
        'ucf101_train_split_1_videos.txt', 'ucf101_val_split_1_videos.txt'
    ]
    # classInd ids 1, 2, 3 -> labels 0, 1, 2 (not alphabetical order).
    assert pairs(lists.lists['ucf101_train_split_1_videos.txt']) == [
        ('Basketball/v_Basketball_g02_c01.avi', 0),
        ('Basketball/v_Basketball_g02_c02.avi', 0),
        ('Basketball/v_Basketball_g03_c01.avi', 0),
        ('Basketball/v_Basketball_g03_c02.avi', 0),
        ('ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi', 1),
        ('ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c02.avi', 1),
        ('ApplyEyeMakeup/v_ApplyEyeMakeup_g03_c01.avi', 1),
        ('ApplyEyeMakeup/v_ApplyEyeMakeup_g03_c02.avi', 1),
        ('Archery/v_Archery_g02_c01.avi', 2),
        ('Archery/v_Archery_g02_c02.avi', 2),
        ('Archery/v_Archery_g03_c01.avi', 2),
        ('Archery/v_Archery_g03_c02.avi', 2),
    ]
    # Test lists carry no label: it comes from the class folder.
    assert pairs(lists.lists['ucf101_val_split_1_videos.txt']) == [
        ('Basketball/v_Basketball_g01_c01.avi', 0),
        ('Basketball/v_Basketball_g01_c02.avi', 0),
        ('ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi', 1),
        ('ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c02.avi', 1),
        ('Archery/v_Archery_g01_c01.avi', 2),
        ('Archery/v_Archery_g01_c02.avi', 2),
    ]
    assert lists.notes == []


def test_fake_tree_splits_2_and_3(ucf101_tree):
    split_dir, _ = ucf101_tree
    lists = load_ucf101_splits(split_dir).lists
    assert len(lists) == 6
    for split in (2, 3):
        val = pairs(lists[f'ucf101_val_split_{split}_videos.txt'])
        train = pairs(lists[f'ucf101_train_split_{split}_videos.txt'])
        assert [p for p, _ in val] == [
            f'{c}/v_{c}_g0{split}_c0{k}.avi'
            for c in ('Basketball', 'ApplyEyeMakeup', 'Archery')
            for k in (1, 2)
        ]
        assert len(train) == 12
        assert all(f'_g0{split}_' not in p for p, _ in train)
        for path, label in train + val:
            assert label == {
                'Basketball': 0,
                'ApplyEyeMakeup': 1,
                'Archery': 2
            }[path.split('/')[0]]


def test_source_points_at_the_line(tmp_path):
    split_dir = write_split_dir(
        tmp_path,
        trainlist01='\nArchery/v_Archery_g08_c01.avi 3\n',
        testlist01='Archery/v_Archery_g01_c01.avi\n')
    lists = load_ucf101_splits(split_dir, splits=[1]).lists
    entry = lists['ucf101_train_split_1_videos.txt'][0]
    assert entry.source == osp.join(split_dir, 'trainlist01.txt') + ':2'


def test_class_folder_matched_ignoring_case_is_noted(tmp_path):
    split_dir = write_split_dir(
        tmp_path,
        classInd='1 HandstandPushups\n2 Archery\n',
        trainlist01='HandStandPushups/v_HandStandPushups_g08_c01.avi 1\n',
        testlist01='HandStandPushups/v_HandStandPushups_g01_c01.avi\n')
    lists = load_ucf101_splits(split_dir, splits=[1])
    assert pairs(lists.lists['ucf101_val_split_1_videos.txt']) == [
        ('HandStandPushups/v_HandStandPushups_g01_c01.avi', 0)
    ]
    assert len(lists.notes) == 2  # one per split file
    assert "'HandStandPushups' in trainlist01.txt matched " \
        "'HandstandPushups'" in lists.notes[0]


@pytest.mark.parametrize(
    'class_ind, message, line',
    [
        ('1 Basketball\n2 Apply Eye\n', 'expected "<class id> <class name>"',
         2),
        ('one Basketball\n', "class id 'one' is not an integer", 1),
        ('1 Basketball\n1 Archery\n', 'duplicate class id 1', 2),
        ('1 Basketball\n3 Archery\n', r'class ids must be exactly 1\.\.2; '
         'found id 3', 2),
        ('0 Basketball\n1 Archery\n', r'class ids must be exactly 1\.\.2; '
         'found id 0', 1),
    ])
def test_bad_class_ind(tmp_path, class_ind, message, line):
    path = tmp_path / 'classInd.txt'
    path.write_text(class_ind)
    with pytest.raises(AnnotationError,
                       match=re.escape(f'{path}:{line}: ') + message):
        parse_class_ind(str(path))


def test_class_names_differing_only_by_case(tmp_path):
    path = tmp_path / 'classInd.txt'
    path.write_text('1 HandstandPushups\n2 HandStandPushups\n')
    with pytest.raises(AnnotationError, match='differ only by case'):
        parse_class_ind(str(path))


@pytest.mark.parametrize(
    'trainlist, message, line',
    [
        ('Archery/v_Archery_g08_c01.avi 3 x\n', 'expected', 1),
        ('v_Archery_g08_c01.avi 3\n', "video path 'v_Archery_g08_c01.avi' "
         'is not of the form', 1),
        ('Archery/v_Archery_g08_c01.avi three\n',
         "class id 'three' is not an integer", 1),
        ('Archery/a.avi 3\nBowling/v_Bowling_g08_c01.avi 1\n',
         "unknown class 'Bowling'", 2),
        ('Archery/v_Archery_g08_c01.avi 4\n', r'class id 4 out of range '
         r'1\.\.3', 1),
        ('Archery/v_Archery_g08_c01.avi 0\n', 'class id 0 out of range', 1),
        ('Archery/v_Archery_g08_c01.avi 1\n', r"class id 1 \('Basketball'\) "
         "does not match the class folder 'Archery' \\(id 3\\)", 1),
        ('Archery/a.avi 3\nArchery/b.avi 3\nArchery/a.avi 3\n',
         "duplicate entry 'Archery/a.avi' \\(first listed at .*"
         'trainlist01.txt:1\\)', 3),
    ])
def test_bad_trainlist(tmp_path, trainlist, message, line):
    split_dir = write_split_dir(tmp_path, trainlist01=trainlist)
    where = re.escape(osp.join(split_dir, 'trainlist01.txt') + f':{line}: ')
    with pytest.raises(AnnotationError, match=where + message):
        load_ucf101_splits(split_dir, splits=[1])


def test_video_in_train_and_test(tmp_path):
    split_dir = write_split_dir(
        tmp_path,
        trainlist01='Archery/v_Archery_g01_c01.avi 3\n',
        testlist01='Archery/v_Archery_g01_c01.avi\n')
    with pytest.raises(AnnotationError,
                       match='UCF101 split 1: video .* in both the train '
                       r'list \(.*trainlist01.txt:1\) and the test list '
                       r'\(.*testlist01.txt:1\)'):
        load_ucf101_splits(split_dir, splits=[1])


def test_missing_split_file(tmp_path):
    split_dir = write_split_dir(tmp_path)
    with pytest.raises(FileNotFoundError, match='trainlist02.txt'):
        load_ucf101_splits(split_dir, splits=[1, 2])


@pytest.mark.parametrize('splits', [[], [0], [4], [1, 1]])
def test_bad_splits(tmp_path, splits):
    with pytest.raises(ValueError, match='splits must be'):
        load_ucf101_splits(str(tmp_path), splits=splits)
