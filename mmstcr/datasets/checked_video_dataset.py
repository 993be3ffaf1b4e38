"""MMAction2's ``VideoDataset`` with a checked annotation list, a bad-video
policy and per-sample seeds."""
import json
import logging
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Union

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.fileio import get_text
from mmengine.logging import print_log

from .seeding import seeded_rng

BAD_VIDEO_POLICIES = ('fail', 'skip')
SHORT_VIDEO_POLICIES = ('warn', 'error')


class AnnotationListError(ValueError):
    """An annotation list is empty or has a malformed line; the message names
    the file and the line."""


class BadVideoError(OSError):
    """A listed video cannot be loaded (or too many cannot); the message
    names the annotation file, the line and the video."""


class ShortVideoError(ValueError):
    """A video has fewer frames than one clip needs
    (``short_video='error'``)."""


def _video_error_types() -> tuple:
    """Errors that mean "this video cannot be loaded": I/O errors (what
    ``CheckedDecordInit`` raises), decord's own errors (plain ``DecordInit``,
    ``DecordDecode``), and a too-short video in strict mode."""
    types = [OSError, RuntimeError, ShortVideoError]
    try:
        import decord
        types.append(decord.DECORDError)
    except ImportError:
        pass
    return tuple(types)


@DATASETS.register_module()
class CheckedVideoDataset(VideoDataset):
    """``VideoDataset`` that checks its list when it is built and guards the
    loading of each video.

    Same annotation format (``relative/path.avi label`` lines) and arguments
    as MMAction2's ``VideoDataset``, plus the options below.

    **The list** is parsed here, not by ``VideoDataset``; every problem is an
    :class:`AnnotationListError` naming the list file and the (1-based) line:
    a line with no label (unless ``label_required=False``, then its label is
    -1), a label that is not an integer, a label outside
    ``[0, num_classes)`` (if ``num_classes`` is given), extra fields, and a
    list with no entry. Blank lines are skipped and counted in the log.
    Windows line ends (CRLF) are read as plain line ends. Each data info gets
    ``ann_file`` and ``ann_line``, so loading errors can name them.

    **A video that cannot be loaded** (missing, empty, truncated, corrupt:
    an ``OSError``, ``RuntimeError`` or decord error from the pipeline):

    - ``bad_video='fail'`` (default): a :class:`BadVideoError` naming the
      list, the line and the video stops training, with the original error
      chained;
    - ``bad_video='skip'``: the video is skipped (another sample is drawn, as
      ``BaseDataset`` does for a pipeline that returns None), a warning names
      it, and it is recorded in ``bad_video_log`` (a JSON-lines file that
      :class:`~mmstcr.engine.hooks.BadVideoHook` sets, reports at the end of
      each epoch and writes to ``work_dir/bad_videos.txt``). If more than
      ``max_bad_fraction`` of the listed videos are bad, a
      :class:`BadVideoError` stops training. In ``test_mode`` a bad video
      always fails: an evaluation must see every video.

    **A video shorter than one clip** (``SampleFrames`` would loop its
    frames): ``short_video='warn'`` logs one warning per video, naming it
    and the clip; ``short_video='error'`` raises :class:`ShortVideoError`
    (which the bad-video policy then handles).

    **Per-sample seeds**: an index that carries a ``sample_seed``
    (:class:`~mmstcr.datasets.seeding.SeededIndex`) runs the pipeline with
    the global random generators seeded by it, so a sample's augmentation
    does not depend on the worker that loads it (exact resume).

    Args:
        ann_file (str): Annotation list.
        pipeline (list[dict | callable]): Processing pipeline.
        num_classes (int, optional): Number of classes; labels must be in
            ``[0, num_classes)``. Defaults to None (not checked here).
        label_required (bool): A line without a label is an error.
            Defaults to True.
        bad_video (str): ``'fail'`` or ``'skip'``. Defaults to ``'fail'``.
        max_bad_fraction (float): With ``bad_video='skip'``, the largest
            fraction of bad videos tolerated. Defaults to 0.01.
        short_video (str): ``'warn'`` or ``'error'``. Defaults to ``'warn'``.
        **kwargs: Other arguments of ``VideoDataset``.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[dict, Callable]],
                 num_classes: Optional[int] = None,
                 label_required: bool = True,
                 bad_video: str = 'fail',
                 max_bad_fraction: float = 0.01,
                 short_video: str = 'warn',
                 **kwargs) -> None:
        if bad_video not in BAD_VIDEO_POLICIES:
            raise ValueError(f'CheckedVideoDataset: bad_video must be one of '
                             f'{BAD_VIDEO_POLICIES}; got {bad_video!r}')
        if short_video not in SHORT_VIDEO_POLICIES:
            raise ValueError('CheckedVideoDataset: short_video must be one of '
                             f'{SHORT_VIDEO_POLICIES}; got {short_video!r}')
        if (isinstance(max_bad_fraction, bool)
                or not isinstance(max_bad_fraction, (int, float))
                or not 0 <= max_bad_fraction <= 1):
            raise ValueError('CheckedVideoDataset: max_bad_fraction must be '
                             'a number in [0, 1]; got '
                             f'max_bad_fraction={max_bad_fraction!r}')
        if num_classes is not None and (isinstance(num_classes, bool) or
                                        not isinstance(num_classes, int)
                                        or num_classes < 1):
            raise ValueError('CheckedVideoDataset: num_classes must be an '
                             f'int >= 1; got num_classes={num_classes!r}')
        self.label_required = label_required
        self.bad_video = bad_video
        self.max_bad_fraction = float(max_bad_fraction)
        self.short_video = short_video
        # Set by BadVideoHook before the DataLoader workers start.
        self.bad_video_log: Optional[str] = None
        self._bad_seen: Dict[int, str] = {}  # ann_line -> reason
        self._short_warned = set()
        super().__init__(
            ann_file, pipeline, num_classes=num_classes, **kwargs)

    # ---- the list ----------------------------------------------------
    def _split(self, line: str) -> List[str]:
        if self.delimiter == ' ':
            return line.split()  # runs of spaces and tabs
        return [field.strip() for field in line.split(self.delimiter)]

    def _parse_label(self, text: str, line_no: int, line: str) -> int:
        where = f'{self.ann_file} line {line_no} ({line!r})'
        try:
            label = int(text)
        except ValueError:
            raise AnnotationListError(
                f'{where}: the label {text!r} is not an integer') from None
        if label < 0 or (self.num_classes is not None
                         and label >= self.num_classes):
            known = (f'[0, {self.num_classes})' if self.num_classes
                     is not None else '>= 0')
            raise AnnotationListError(
                f'{where}: label {label} is outside {known}')
        return label

    def load_data_list(self) -> List[dict]:
        """Parse and check the annotation list (see the class docstring)."""
        if not osp.isfile(self.ann_file) and '://' not in self.ann_file:
            raise FileNotFoundError(
                f'annotation list not found: {self.ann_file}')
        data_list, blank = [], 0
        for line_no, raw in enumerate(get_text(self.ann_file).splitlines(),
                                      1):
            line = raw.strip()
            if not line:
                blank += 1
                continue
            fields = self._split(line)
            filename, labels = fields[0], fields[1:]
            where = f'{self.ann_file} line {line_no} ({line!r})'
            if self.multi_class:
                if not labels and self.label_required:
                    raise AnnotationListError(f'{where}: no label')
                label = [self._parse_label(x, line_no, line) for x in labels]
            elif not labels:
                if self.label_required:
                    raise AnnotationListError(
                        f'{where}: no label (expected "path label"; for a '
                        'list without labels set label_required=False)')
                label = -1
            elif len(labels) > 1:
                raise AnnotationListError(
                    f'{where}: {len(fields)} fields, expected "path label" '
                    f'separated by {self.delimiter!r}')
            else:
                label = self._parse_label(labels[0], line_no, line)
            if self.data_prefix['video'] is not None:
                filename = osp.join(self.data_prefix['video'], filename)
            data_list.append(
                dict(
                    filename=filename,
                    label=label,
                    ann_file=self.ann_file,
                    ann_line=line_no))
        if not data_list:
            raise AnnotationListError(
                f'{self.ann_file} lists no video'
                + (f' ({blank} blank lines)' if blank else ' (it is empty)'))
        if blank:
            print_log(
                f'{self.ann_file}: skipped {blank} blank line(s)',
                logger='current',
                level=logging.WARNING)
        return data_list

    # ---- loading -----------------------------------------------------
    def __getitem__(self, idx: int) -> dict:
        """Load sample ``idx``, seeded by its ``sample_seed`` if it has
        one."""
        with seeded_rng(getattr(idx, 'sample_seed', None)):
            return super().__getitem__(int(idx))

    def _check_clip_length(self, results: dict) -> None:
        """Warn (or fail) when ``SampleFrames`` needs more frames than the
        video has."""
        needed = (results['clip_len'] - 1) * results['frame_interval'] + 1
        total = results['total_frames']
        if total >= needed:
            return
        message = (f"{results['ann_file']} line {results['ann_line']}: "
                   f"video '{results['filename']}' has {total} frames, fewer "
                   f"than a clip of clip_len={results['clip_len']} x "
                   f"frame_interval={results['frame_interval']} needs "
                   f'({needed}): its frames are looped')
        if self.short_video == 'error':
            raise ShortVideoError(message)
        if results['ann_line'] not in self._short_warned:
            self._short_warned.add(results['ann_line'])
            print_log(message, logger='current', level=logging.WARNING)

    def _run_pipeline(self, results: dict) -> Optional[dict]:
        checked = False
        for transform in self.pipeline.transforms:
            results = transform(results)
            if results is None:
                return None
            if not checked and isinstance(results, dict) and all(
                    key in results for key in ('clip_len', 'frame_interval',
                                               'total_frames', 'ann_line')):
                checked = True
                self._check_clip_length(results)
        return results

    def prepare_data(self, idx: int) -> Optional[dict]:
        """Run the pipeline on sample ``idx`` under the bad-video policy."""
        info = self.get_data_info(idx)
        where = (f"{info['ann_file']} line {info['ann_line']}: video "
                 f"'{info['filename']}'")
        try:
            return self._run_pipeline(info)
        except _video_error_types() as exc:
            reason = f'{type(exc).__name__}: {str(exc).strip()}'
            if self.bad_video == 'fail' or self.test_mode:
                raise BadVideoError(
                    f'{where} cannot be loaded: {reason}. Fix or remove the '
                    "line, or set the dataset's bad_video='skip' to train on "
                    'without it') from exc
            self._record_bad_video(info, reason)
            return None

    def _record_bad_video(self, info: dict, reason: str) -> None:
        line = info['ann_line']
        first_time = line not in self._bad_seen
        self._bad_seen[line] = reason
        if first_time:
            print_log(
                f"skipped bad video: {info['ann_file']} line {line}: "
                f"'{info['filename']}': {reason}",
                logger='current',
                level=logging.WARNING)
        if self.bad_video_log is not None:
            record = dict(
                ann_file=info['ann_file'],
                line=line,
                filename=info['filename'],
                reason=reason)
            with open(self.bad_video_log, 'a') as f:
                f.write(json.dumps(record) + '\n')
        self.check_bad_fraction(self._bad_seen)

    def check_bad_fraction(self, bad: Union[Dict, Sequence]) -> None:
        """Raise :class:`BadVideoError` if the distinct bad videos ``bad``
        (keyed by list line) are more than ``max_bad_fraction`` of the
        list."""
        limit = self.max_bad_fraction * len(self)
        if len(bad) > limit:
            lines = ', '.join(str(x) for x in sorted(bad)[:20])
            raise BadVideoError(
                f'{len(bad)} of the {len(self)} videos of {self.ann_file} '
                f'are bad (lines {lines}{", ..." if len(bad) > 20 else ""}),'
                f' more than max_bad_fraction={self.max_bad_fraction:g} '
                'allows; fix the list or the videos (tools/data/*/'
                'build_annotations.py checks every video)')


def find_checked_datasets(dataset) -> List[CheckedVideoDataset]:
    """The :class:`CheckedVideoDataset` instances in ``dataset`` and in the
    datasets it wraps (``RepeatDataset``, ``ConcatDataset``, ...)."""
    found, todo = [], [dataset]
    while todo:
        ds = todo.pop()
        if isinstance(ds, CheckedVideoDataset):
            found.append(ds)
        inner = getattr(ds, 'datasets', None)
        if isinstance(inner, (list, tuple)):
            todo.extend(inner)
        if getattr(ds, 'dataset', None) is not None:
            todo.append(ds.dataset)
    return found


__all__ = [
    'AnnotationListError', 'BadVideoError', 'CheckedVideoDataset',
    'ShortVideoError', 'find_checked_datasets'
]
