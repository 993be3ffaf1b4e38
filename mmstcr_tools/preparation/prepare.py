"""From parsed split files to MMAction2 annotation lists, checked against the
videos on disk."""
import os
import os.path as osp
import warnings
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from .annotation import SplitLists, write_annotation_list
from .hmdb51 import load_hmdb51_splits
from .resolve import CaseInsensitiveResolver
from .ucf101 import load_ucf101_splits
from .validate import check_videos


@dataclass
class PreparationReport:
    """What :func:`prepare_annotations` found and wrote.

    Args:
        dataset (str): ``'ucf101'`` or ``'hmdb51'``.
        video_root (str): The folder the list paths are relative to.
        counts (dict[str, int]): List file name -> number of entries
            written (or that would have been written).
        dropped (dict[str, int]): List file name -> entries left out
            because their video is missing or unreadable.
        case_resolved (dict[str, str]): Listed path -> on-disk path, for the
            videos found only by ignoring case.
        notes (list[str]): Other names matched ignoring case while parsing.
        invalid (dict[str, str]): Listed path -> why it is missing or
            unreadable.
        invalid_file (str, optional): Where ``invalid`` was written.
        written (list[str]): Files written.
    """
    dataset: str
    video_root: str
    counts: Dict[str, int] = field(default_factory=dict)
    dropped: Dict[str, int] = field(default_factory=dict)
    case_resolved: Dict[str, str] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)
    invalid: Dict[str, str] = field(default_factory=dict)
    invalid_file: Optional[str] = None
    written: List[str] = field(default_factory=list)

    @property
    def lists_written(self) -> bool:
        """Whether the annotation lists were written."""
        return any(osp.basename(p) in self.counts for p in self.written)


def invalid_file_name(dataset: str) -> str:
    return f'{dataset}_invalid_videos.txt'


def prepare_annotations(split_lists: SplitLists,
                        video_root: str,
                        out_dir: str,
                        drop_invalid: bool = False,
                        decode: bool = True,
                        workers: int = 1,
                        show_progress: bool = True) -> PreparationReport:
    """Check every listed video and write the annotation lists.

    Each listed video is looked up under ``video_root`` (exact name first,
    then ignoring case, see :class:`CaseInsensitiveResolver`) and opened with
    decord (:func:`check_video`). The lists use the on-disk names.

    If some videos are missing or unreadable, they are written with their
    reasons to ``<out_dir>/<dataset>_invalid_videos.txt``; then, with
    ``drop_invalid=False`` no annotation list is written (so that no video
    is silently lost), and with ``drop_invalid=True`` the lists are written
    without them and a warning says how many were dropped.

    Args:
        split_lists (SplitLists): Parsed split files.
        video_root (str): Folder holding ``<class>/<video>``; the list paths
            are relative to it (the configs' ``data_prefix``).
        out_dir (str): Where the lists go.
        drop_invalid (bool): Drop missing/unreadable videos instead of
            failing. Defaults to False.
        decode (bool): Decode the first and last frame of each video, not
            only open it. Defaults to True.
        workers (int): Processes for the decord checks. Defaults to 1.
        show_progress (bool): Progress bar for the checks. Defaults to True.

    Returns:
        PreparationReport: Check :attr:`PreparationReport.invalid` and
        :attr:`PreparationReport.lists_written`.
    """
    dataset = split_lists.dataset
    report = PreparationReport(dataset, video_root,
                               notes=list(split_lists.notes))
    resolver = CaseInsensitiveResolver(video_root)

    listed: List[str] = []
    for entries in split_lists.lists.values():
        listed.extend(e.path for e in entries)
    listed = list(dict.fromkeys(listed))  # unique, in first-seen order

    on_disk: Dict[str, str] = {}
    for path in listed:
        found, reason = resolver.resolve(path)
        if found is None:
            report.invalid[path] = reason
            continue
        on_disk[path] = found
        if found != path:
            report.case_resolved[path] = found

    unreadable = check_videos([osp.join(video_root, p)
                               for p in on_disk.values()],
                              decode=decode,
                              workers=workers,
                              show_progress=show_progress)
    for path, found in on_disk.items():
        reason = unreadable.get(osp.join(video_root, found))
        if reason is not None:
            report.invalid[path] = reason
    # Report in list order, whatever stage found the problem.
    report.invalid = {p: report.invalid[p] for p in listed
                      if p in report.invalid}

    os.makedirs(out_dir, exist_ok=True)
    invalid_path = osp.join(out_dir, invalid_file_name(dataset))
    if report.invalid:
        with open(invalid_path, 'w') as f:
            for path, reason in report.invalid.items():
                f.write(f'{path}\t{reason}\n')
        report.invalid_file = invalid_path
        report.written.append(invalid_path)
    elif osp.exists(invalid_path):
        os.remove(invalid_path)  # stale, from an earlier run

    for name, entries in split_lists.lists.items():
        kept = [e for e in entries if e.path not in report.invalid]
        report.counts[name] = len(kept)
        report.dropped[name] = len(entries) - len(kept)
    if report.invalid and not drop_invalid:
        return report

    for name, entries in split_lists.lists.items():
        path = osp.join(out_dir, name)
        write_annotation_list(((on_disk[e.path], e.label) for e in entries
                               if e.path not in report.invalid), path)
        report.written.append(path)
    label_map = osp.join(out_dir, f'{dataset}_label_map.txt')
    with open(label_map, 'w') as f:
        f.writelines(f'{name}\n' for name in split_lists.classes)
    report.written.append(label_map)
    if report.invalid:
        warnings.warn(
            f'{dataset}: dropped {len(report.invalid)} missing or unreadable '
            f'videos from the annotation lists (listed in {invalid_path}): '
            + ', '.join(list(report.invalid)[:10]) +
            (' ...' if len(report.invalid) > 10 else ''))
    return report


def prepare_ucf101(split_dir: str,
                   video_root: str,
                   out_dir: str,
                   splits: Iterable[int] = (1, 2, 3),
                   **kwargs) -> PreparationReport:
    """Parse UCF101's split files and write checked annotation lists.

    ``kwargs`` go to :func:`prepare_annotations`.
    """
    return prepare_annotations(
        load_ucf101_splits(split_dir, splits), video_root, out_dir, **kwargs)


def prepare_hmdb51(split_dir: str,
                   video_root: str,
                   out_dir: str,
                   splits: Iterable[int] = (1, 2, 3),
                   **kwargs) -> PreparationReport:
    """Parse HMDB51's split files and write checked annotation lists.

    ``kwargs`` go to :func:`prepare_annotations`.
    """
    return prepare_annotations(
        load_hmdb51_splits(split_dir, splits), video_root, out_dir, **kwargs)


def format_report(report: PreparationReport) -> str:
    """A human-readable summary, naming every resolved and every invalid
    video."""
    lines = [f'{report.dataset}: videos under {report.video_root}']
    for name, count in report.counts.items():
        dropped = report.dropped.get(name, 0)
        extra = f' ({dropped} dropped)' if dropped else ''
        lines.append(f'  {name}: {count} videos{extra}')
    if report.notes or report.case_resolved:
        lines.append(f'Names matched ignoring case '
                     f'({len(report.notes) + len(report.case_resolved)}):')
        lines.extend(f'  {note}' for note in report.notes)
        lines.extend(f'  {listed} -> {found}'
                     for listed, found in report.case_resolved.items())
    if report.invalid:
        lines.append(f'Missing or unreadable videos ({len(report.invalid)}),'
                     f' also written to {report.invalid_file}:')
        lines.extend(f'  {path}: {reason}'
                     for path, reason in report.invalid.items())
    if report.lists_written:
        lines.append('Wrote: ' + ', '.join(report.written))
    else:
        lines.append('No annotation list written: fix or remove the videos '
                     'above, or pass --drop-invalid to leave them out.')
    return '\n'.join(lines)
