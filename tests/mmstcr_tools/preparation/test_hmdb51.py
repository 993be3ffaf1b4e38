import os.path as osp
import re

import pytest

from mmstcr_tools.preparation import (AnnotationError, load_hmdb51_splits,
                                      parse_hmdb51_split_file)


def video(cls, i):
    return f'{cls}/Some_&_clip_{cls}_f_cm_np1_fr_med_{i}.avi'


def pairs(entries):
    return [(e.path, e.label) for e in entries]


def test_fake_tree_split_1_exact(hmdb51_tree):
    split_dir, _ = hmdb51_tree
    lists = load_hmdb51_splits(split_dir, splits=[1])
    # Labels: sorted class names, not the order the files were written in.
    assert lists.classes == ['brush_hair', 'climb', 'climb_stairs']
    assert pairs(lists.lists['hmdb51_train_split_1_videos.txt']) == [
        ('brush_hair/Some_&_clip_brush_hair_f_cm_np1_fr_med_0.avi', 0),
        ('brush_hair/Some_&_clip_brush_hair_f_cm_np1_fr_med_1.avi', 0),
        ('brush_hair/Some_&_clip_brush_hair_f_cm_np1_fr_med_4.avi', 0),
        ('climb/Some_&_clip_climb_f_cm_np1_fr_med_0.avi', 1),
        ('climb/Some_&_clip_climb_f_cm_np1_fr_med_1.avi', 1),
        ('climb/Some_&_clip_climb_f_cm_np1_fr_med_4.avi', 1),
        ('climb_stairs/Some_&_clip_climb_stairs_f_cm_np1_fr_med_0.avi', 2),
        ('climb_stairs/Some_&_clip_climb_stairs_f_cm_np1_fr_med_1.avi', 2),
        ('climb_stairs/Some_&_clip_climb_stairs_f_cm_np1_fr_med_4.avi', 2),
    ]
    assert pairs(lists.lists['hmdb51_val_split_1_videos.txt']) == [
        ('brush_hair/Some_&_clip_brush_hair_f_cm_np1_fr_med_2.avi', 0),
        ('brush_hair/Some_&_clip_brush_hair_f_cm_np1_fr_med_3.avi', 0),
        ('climb/Some_&_clip_climb_f_cm_np1_fr_med_2.avi', 1),
        ('climb/Some_&_clip_climb_f_cm_np1_fr_med_3.avi', 1),
        ('climb_stairs/Some_&_clip_climb_stairs_f_cm_np1_fr_med_2.avi', 2),
        ('climb_stairs/Some_&_clip_climb_stairs_f_cm_np1_fr_med_3.avi', 2),
    ]


@pytest.mark.parametrize('split, train, val', [(2, [1, 2, 5], [0, 4]),
                                               (3, [0, 3, 4], [1, 5])])
def test_fake_tree_splits_2_3(hmdb51_tree, split, train, val):
    split_dir, _ = hmdb51_tree
    lists = load_hmdb51_splits(split_dir).lists
    classes = ['brush_hair', 'climb', 'climb_stairs']
    assert pairs(lists[f'hmdb51_train_split_{split}_videos.txt']) == [
        (video(c, i), label) for label, c in enumerate(classes) for i in train
    ]
    assert pairs(lists[f'hmdb51_val_split_{split}_videos.txt']) == [
        (video(c, i), label) for label, c in enumerate(classes) for i in val
    ]


def test_parse_split_file_rows(tmp_path):
    path = tmp_path / 'wave_test_split1.txt'
    path.write_text('a.avi 1 \r\n\r\nb.avi 0 \r\nc.avi 2\r\n')
    assert parse_hmdb51_split_file(str(path)) == [('a.avi', 1, 1),
                                                  ('b.avi', 0, 3),
                                                  ('c.avi', 2, 4)]


@pytest.mark.parametrize('text, message, line', [
    ('a.avi 1\nb.avi 1 extra\n', 'expected "<video file> <0|1|2>"', 2),
    ('a.avi\n', 'expected', 1),
    ('a.avi test\n', "split id 'test' is not an integer", 1),
    ('a.avi 3\n', r'split id 3 is not 0 \(unused\), 1 \(train\) or 2', 1),
    ('wave/a.avi 1\n', "video 'wave/a.avi' must be a bare file name", 1),
    ('a.avi 1\nb.avi 2\nA.avi 2\n', "duplicate entry 'A.avi'", 3),
])
def test_bad_split_file(tmp_path, text, message, line):
    path = tmp_path / 'wave_test_split1.txt'
    path.write_text(text)
    with pytest.raises(AnnotationError,
                       match=re.escape(f'{path}:{line}: ') + message):
        parse_hmdb51_split_file(str(path))


def test_missing_split_of_a_class(tmp_path):
    for name in ('wave_test_split1.txt', 'wave_test_split2.txt',
                 'run_test_split1.txt'):
        (tmp_path / name).write_text('a.avi 1\n')
    load_hmdb51_splits(str(tmp_path), splits=[1])  # complete for split 1
    with pytest.raises(AnnotationError,
                       match="missing run_test_split2.txt for class 'run'"):
        load_hmdb51_splits(str(tmp_path), splits=[1, 2])


def test_split_4_and_no_files(tmp_path):
    (tmp_path / 'notes.txt').write_text('not a split file\n')
    with pytest.raises(AnnotationError, match='no HMDB51 split files'):
        load_hmdb51_splits(str(tmp_path))
    (tmp_path / 'wave_test_split4.txt').write_text('a.avi 1\n')
    with pytest.raises(AnnotationError, match='found split 4'):
        load_hmdb51_splits(str(tmp_path))


def test_class_names_differing_only_by_case(tmp_path):
    for name in ('Wave_test_split1.txt', 'wave_test_split1.txt'):
        (tmp_path / name).write_text('a.avi 1\n')
    with pytest.raises(AnnotationError, match='differ only by case'):
        load_hmdb51_splits(str(tmp_path), splits=[1])


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match='split folder not found'):
        load_hmdb51_splits(osp.join(str(tmp_path), 'nope'))
