"""Parse UCF101's official split files (``ucfTrainTestlist/``).

* ``classInd.txt``: lines ``1 ApplyEyeMakeup``, ids 1..K.
* ``trainlist0N.txt``: lines ``ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1``
  (1-based label).
* ``testlist0N.txt``: lines ``ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi``
  (no label: it is the id of the class folder in ``classInd.txt``).

Labels become 0-based (``classInd id - 1``), MMAction2's convention.
"""
import os.path as osp
from typing import Dict, Iterable, List

from .annotation import (ClassIndex, DuplicateChecker, SplitLists, VideoEntry,
                         annotation_error, check_disjoint, check_splits,
                         list_file_name, parse_int, read_lines,
                         split_video_path)


def parse_class_ind(path: str) -> List[str]:
    """Read ``classInd.txt``.

    Returns:
        list[str]: Class names ordered by id, so index = 0-based label.

    Raises:
        AnnotationError: On a malformed line, a duplicate id or name, or ids
            that are not exactly 1..K.
    """
    by_id: Dict[int, str] = {}
    first_line: Dict[int, int] = {}
    for lineno, line in read_lines(path):
        fields = line.split()
        if len(fields) != 2:
            raise annotation_error(path, lineno,
                                   'expected "<class id> <class name>"', line)
        class_id = parse_int(fields[0], path, lineno, line, 'class id')
        if class_id in by_id:
            raise annotation_error(
                path, lineno, f'duplicate class id {class_id} (first at line '
                f'{first_line[class_id]})', line)
        by_id[class_id] = fields[1]
        first_line[class_id] = lineno
    if not by_id:
        raise annotation_error(path, None, 'no classes listed')
    expected = list(range(1, len(by_id) + 1))
    if sorted(by_id) != expected:
        bad = sorted(set(by_id) - set(expected))
        raise annotation_error(
            path, first_line[bad[0]], f'class ids must be exactly 1..'
            f'{len(by_id)}; found id {bad[0]}')
    names = [by_id[i] for i in expected]
    ClassIndex(names, path)  # raises on names that differ only by case
    return names


def parse_ucf101_list(path: str, classes: ClassIndex,
                      notes: Dict[str, None]) -> List[VideoEntry]:
    """Read one ``trainlist0N.txt`` or ``testlist0N.txt``.

    A line is ``<Class>/<video> [<1-based label>]``. The label of the entry
    is the ``classInd.txt`` id of the class folder; a label given on the line
    must agree with it.

    Args:
        path (str): The split file.
        classes (ClassIndex): Names from ``classInd.txt``.
        notes (dict): Ordered set; receives a note for every class folder
            matched to ``classInd.txt`` only by ignoring case.

    Returns:
        list[VideoEntry]: The entries in file order.
    """
    entries = []
    duplicates = DuplicateChecker()
    name = osp.basename(path)
    for lineno, line in read_lines(path):
        fields = line.split()
        if len(fields) not in (1, 2):
            raise annotation_error(
                path, lineno, 'expected "<class>/<video>" or '
                '"<class>/<video> <class id>"', line)
        video = fields[0]
        folder, _ = split_video_path(video, path, lineno, line)
        label, exact = classes.lookup(folder)
        if label is None:
            raise annotation_error(
                path, lineno,
                f'unknown class {folder!r} (not in {classes.source})', line)
        if not exact:
            notes[f'class folder {folder!r} in {name} matched '
                  f'{classes.names[label]!r} of classInd.txt ignoring '
                  'case'] = None
        if len(fields) == 2:
            class_id = parse_int(fields[1], path, lineno, line, 'class id')
            if not 1 <= class_id <= len(classes):
                raise annotation_error(
                    path, lineno, f'class id {class_id} out of range '
                    f'1..{len(classes)}', line)
            if class_id != label + 1:
                raise annotation_error(
                    path, lineno, f'class id {class_id} '
                    f'({classes.names[class_id - 1]!r}) does not match the '
                    f'class folder {folder!r} (id {label + 1})', line)
        duplicates.add(video, path, lineno, line)
        entries.append(VideoEntry(video, label, f'{path}:{lineno}'))
    return entries


def load_ucf101_splits(split_dir: str,
                       splits: Iterable[int] = (1, 2, 3)) -> SplitLists:
    """Parse ``classInd.txt`` and the train/test lists of the given splits.

    Args:
        split_dir (str): The folder of the official split files
            (``ucfTrainTestlist``).
        splits (Iterable[int]): Official split ids. Defaults to (1, 2, 3).

    Returns:
        SplitLists: ``lists`` maps ``ucf101_{train,val}_split_{N}_videos.txt``
        to entries; the val list is the official test list.
    """
    splits = check_splits(splits)
    class_file = osp.join(split_dir, 'classInd.txt')
    classes = ClassIndex(parse_class_ind(class_file), class_file)
    notes: Dict[str, None] = {}
    lists = {}
    for split in splits:
        train = parse_ucf101_list(
            osp.join(split_dir, f'trainlist0{split}.txt'), classes, notes)
        val = parse_ucf101_list(
            osp.join(split_dir, f'testlist0{split}.txt'), classes, notes)
        check_disjoint(train, val, f'UCF101 split {split}')
        lists[list_file_name('ucf101', 'train', split)] = train
        lists[list_file_name('ucf101', 'val', split)] = val
    return SplitLists('ucf101', classes.names, lists, list(notes))
