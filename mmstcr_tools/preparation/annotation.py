"""Pieces shared by the UCF101 and HMDB51 split-file parsers: errors that name
the file and line, video entries, class names, MMAction2 list writing."""
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Tuple


class AnnotationError(ValueError):
    """A split file or class list is malformed or inconsistent."""


def annotation_error(file: str,
                     lineno: Optional[int],
                     problem: str,
                     line: Optional[str] = None) -> AnnotationError:
    """Build an :class:`AnnotationError` that names the file, line and
    text."""
    where = file if lineno is None else f'{file}:{lineno}'
    text = '' if line is None else f' (line: {line!r})'
    return AnnotationError(f'{where}: {problem}{text}')


@dataclass(frozen=True)
class VideoEntry:
    """One line of an annotation list.

    Args:
        path (str): Video path relative to the video root, as listed in the
            split file (``'<Class>/<video>.avi'``).
        label (int): 0-based class index.
        source (str): ``'<split file>:<line>'`` the entry came from.
    """
    path: str
    label: int
    source: str


@dataclass
class SplitLists:
    """The parsed split files of one dataset.

    Args:
        dataset (str): ``'ucf101'`` or ``'hmdb51'``.
        classes (list[str]): Class names; the index is the 0-based label.
        lists (dict[str, list[VideoEntry]]): Output file name (e.g.
            ``'ucf101_train_split_1_videos.txt'``) -> its entries, in split
            file order.
        notes (list[str]): Names that were matched case-insensitively while
            parsing (e.g. a class folder of a split file against
            ``classInd.txt``).
    """
    dataset: str
    classes: List[str]
    lists: Dict[str, List[VideoEntry]]
    notes: List[str] = field(default_factory=list)


def list_file_name(dataset: str, subset: str, split: int) -> str:
    """MMAction2's annotation file name, e.g.
    ``ucf101_train_split_1_videos.txt``."""
    if subset not in ('train', 'val'):
        raise ValueError(f"subset must be 'train' or 'val', got {subset!r}")
    return f'{dataset}_{subset}_split_{split}_videos.txt'


def check_splits(splits: Iterable[int]) -> List[int]:
    """Validate the requested official split ids (1, 2, 3)."""
    splits = list(splits)
    if not splits or any(s not in (1, 2, 3) for s in splits) or len(
            set(splits)) != len(splits):
        raise ValueError(
            f'splits must be distinct values among 1, 2, 3; got {splits!r}')
    return sorted(splits)


def read_lines(path: str) -> Iterator[Tuple[int, str]]:
    """Yield ``(line number, stripped text)`` for each non-blank line.

    Accepts the Windows line ends of the official UCF101 files.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'split file not found: {path}')
    with open(path, 'rb') as f:
        data = f.read()
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        raise annotation_error(path, None,
                               f'not a UTF-8 text file ({exc})') from exc
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line:
            yield lineno, line


def parse_int(token: str, file: str, lineno: int, line: str,
              what: str) -> int:
    """``int(token)`` or an :class:`AnnotationError` naming the line."""
    try:
        return int(token)
    except ValueError:
        raise annotation_error(file, lineno,
                               f'{what} {token!r} is not an integer',
                               line) from None


def split_video_path(path: str, file: str, lineno: int,
                     line: str) -> Tuple[str, str]:
    """Split ``'<class>/<video>'`` into its two parts, or raise."""
    parts = path.split('/')
    if len(parts) != 2 or not all(parts) or '..' in parts or '\\' in path:
        raise annotation_error(
            file, lineno, f'video path {path!r} is not of the form '
            '<class folder>/<video file>', line)
    return parts[0], parts[1]


class ClassIndex:
    """Class names with exact, then case-insensitive, look-up.

    Args:
        names (list[str]): Class names; the index is the 0-based label.
        source (str): Where the names come from, for error messages.
    """

    def __init__(self, names: List[str], source: str) -> None:
        self.names = list(names)
        self.source = source
        self._exact = {name: i for i, name in enumerate(self.names)}
        self._folded: Dict[str, int] = {}
        for i, name in enumerate(self.names):
            key = name.casefold()
            if key in self._folded:
                first = self.names[self._folded[key]]
                raise annotation_error(
                    source, None, f'class names {first!r} and {name!r} '
                    'differ only by case')
            self._folded[key] = i

    def __len__(self) -> int:
        return len(self.names)

    def lookup(self, name: str) -> Tuple[Optional[int], bool]:
        """Return ``(0-based label, matched exactly)``; label None if the
        name is unknown even ignoring case."""
        if name in self._exact:
            return self._exact[name], True
        label = self._folded.get(name.casefold())
        return label, False


class DuplicateChecker:
    """Raise on a video listed twice (compared ignoring case, since the
    tools resolve names case-insensitively against the disk)."""

    def __init__(self) -> None:
        self._seen: Dict[str, str] = {}

    def add(self, path: str, file: str, lineno: int, line: str) -> None:
        key = path.casefold()
        if key in self._seen:
            raise annotation_error(
                file, lineno, f'duplicate entry {path!r} (first listed at '
                f'{self._seen[key]})', line)
        self._seen[key] = f'{file}:{lineno}'


def check_disjoint(train: List[VideoEntry], val: List[VideoEntry],
                   what: str) -> None:
    """Raise if a video is in both the train and the val list of a split."""
    train_keys = {e.path.casefold(): e for e in train}
    for entry in val:
        other = train_keys.get(entry.path.casefold())
        if other is not None:
            raise AnnotationError(
                f'{what}: video {entry.path!r} is in both the train list '
                f'({other.source}) and the test list ({entry.source})')


def write_annotation_list(entries: Iterable[Tuple[str, int]],
                          path: str) -> int:
    """Write MMAction2 ``VideoDataset`` lines ``<relative path> <label>``.

    Args:
        entries (Iterable[tuple[str, int]]): ``(relative path, 0-based
            label)`` pairs.
        path (str): Output file; written to a temporary name first, then
            renamed, so a reader never sees a half-written list.

    Returns:
        int: Number of lines written.
    """
    lines = []
    for rel_path, label in entries:
        if any(ch.isspace() for ch in rel_path):
            raise ValueError(
                f'cannot write {rel_path!r} to {path}: MMAction2 list lines '
                'are split on spaces, so paths must not contain whitespace')
        lines.append(f'{rel_path} {int(label)}\n')
    parent = osp.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'w', newline='\n') as f:
        f.writelines(lines)
    os.replace(tmp, path)
    return len(lines)
