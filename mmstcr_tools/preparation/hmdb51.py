"""Parse HMDB51's official split files (``testTrainMulti_7030_splits/``).

One file per class and split, ``<class>_test_split<N>.txt``, with lines
``<video>.avi <id>``: id 1 = train, 2 = test, 0 = not used in that split.
Videos live under ``<class>/<video>.avi``.

Class ids: HMDB51 ships no class list. The labels are the positions of the
class names in sorted (code point) order of the names found in the split
file names, 0-based. For the official 51 lower-case names this is the
alphabetical order the community uses (``brush_hair`` = 0 ... ``wave`` = 50),
the same order as MMAction2's ``sorted(os.listdir(videos))``.
"""
import os
import os.path as osp
import re
from typing import Dict, Iterable, List, Tuple

from .annotation import (AnnotationError, ClassIndex, DuplicateChecker,
                         SplitLists, VideoEntry, annotation_error,
                         check_splits, list_file_name, parse_int, read_lines)

SPLIT_FILE_PATTERN = re.compile(
    r'^(?P<name>.+)_test_split(?P<split>\d+)\.txt$')
HMDB51_IDS = {0: None, 1: 'train', 2: 'val'}


def find_hmdb51_split_files(split_dir: str) -> Dict[str, Dict[int, str]]:
    """Map ``class name -> {split id: split file}`` for the files in
    ``split_dir`` named ``<class>_test_split<N>.txt``."""
    if not osp.isdir(split_dir):
        raise FileNotFoundError(f'split folder not found: {split_dir}')
    found: Dict[str, Dict[int, str]] = {}
    for fname in sorted(os.listdir(split_dir)):
        match = SPLIT_FILE_PATTERN.match(fname)
        if match is None:
            continue
        split = int(match['split'])
        if split not in (1, 2, 3):
            raise AnnotationError(
                f'{osp.join(split_dir, fname)}: HMDB51 has splits 1, 2 and 3;'
                f' found split {split}')
        found.setdefault(match['name'], {})[split] = osp.join(split_dir, fname)
    if not found:
        raise AnnotationError(
            f'{split_dir}: no HMDB51 split files (<class>_test_split<N>.txt)')
    return found


def parse_hmdb51_split_file(path: str) -> List[Tuple[str, int, int]]:
    """Read one ``<class>_test_split<N>.txt``.

    Returns:
        list[tuple[str, int, int]]: ``(video file name, id, line number)``
        with id in {0, 1, 2}, in file order.
    """
    rows = []
    duplicates = DuplicateChecker()
    for lineno, line in read_lines(path):
        fields = line.split()
        if len(fields) != 2:
            raise annotation_error(path, lineno,
                                   'expected "<video file> <0|1|2>"', line)
        video, token = fields
        if '/' in video or '\\' in video:
            raise annotation_error(
                path, lineno, f'video {video!r} must be a bare file name',
                line)
        split_id = parse_int(token, path, lineno, line, 'split id')
        if split_id not in HMDB51_IDS:
            raise annotation_error(
                path, lineno, f'split id {split_id} is not 0 (unused), '
                '1 (train) or 2 (test)', line)
        duplicates.add(video, path, lineno, line)
        rows.append((video, split_id, lineno))
    return rows


def load_hmdb51_splits(split_dir: str,
                       splits: Iterable[int] = (1, 2, 3)) -> SplitLists:
    """Parse the split files of the given splits.

    Args:
        split_dir (str): Folder of the ``<class>_test_split<N>.txt`` files.
        splits (Iterable[int]): Official split ids. Defaults to (1, 2, 3).

    Returns:
        SplitLists: ``lists`` maps ``hmdb51_{train,val}_split_{N}_videos.txt``
        to entries ``<class>/<video>`` (class by class in label order, each
        in file order); id-0 videos are left out.
    """
    splits = check_splits(splits)
    files = find_hmdb51_split_files(split_dir)
    names = sorted(files)
    classes = ClassIndex(names, split_dir)  # raises on case-only clashes
    lists = {}
    for split in splits:
        subsets: Dict[str, List[VideoEntry]] = {'train': [], 'val': []}
        for label, name in enumerate(names):
            if split not in files[name]:
                have = sorted(files[name].values())
                raise AnnotationError(
                    f'{split_dir}: missing {name}_test_split{split}.txt for '
                    f'class {name!r} (found {have})')
            path = files[name][split]
            for video, split_id, lineno in parse_hmdb51_split_file(path):
                subset = HMDB51_IDS[split_id]
                if subset is not None:
                    subsets[subset].append(
                        VideoEntry(f'{name}/{video}', label,
                                   f'{path}:{lineno}'))
        lists[list_file_name('hmdb51', 'train', split)] = subsets['train']
        lists[list_file_name('hmdb51', 'val', split)] = subsets['val']
    return SplitLists('hmdb51', classes.names, lists, [])
