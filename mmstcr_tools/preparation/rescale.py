"""Rescale a tree of videos so that the short side has a fixed length, with
OpenCV only (no ffmpeg binary needed).

Every video is written to a hidden temporary name in its output folder,
checked with decord, then renamed into place (``os.replace``, atomic on one
file system): a killed run leaves no half-written output under the final
name, and a second run skips the outputs that are already valid.
"""
import glob
import math
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import cv2

from .progress import map_with_progress
from .validate import check_video
from .video_io import open_writer

VIDEO_EXTENSIONS = ('.avi', '.mp4')
DEFAULT_FPS = 25.


class VideoRescaleError(RuntimeError):
    """A video could not be rescaled; the message names it."""


def _round_even(value: float) -> int:
    return max(2, 2 * int(math.floor(value / 2 + 0.5)))


def target_size(width: int, height: int, short_side: int) -> Tuple[int, int]:
    """Output ``(width, height)`` with the short side equal to
    ``short_side`` and the long side scaled by the same factor, rounded to
    the nearest even number (OpenCV's writers need even sizes, like
    ffmpeg's ``scale=-2:N``), so the aspect ratio is kept to within one
    pixel.
    """
    if not isinstance(short_side, int) or short_side < 2 or short_side % 2:
        raise ValueError(
            f'short_side must be an even int >= 2, got {short_side!r}')
    if width <= 0 or height <= 0:
        raise ValueError(f'bad frame size {width}x{height}')
    if width <= height:
        return short_side, _round_even(height * short_side / width)
    return _round_even(width * short_side / height), short_side


def _temp_path(dst: str) -> str:
    folder, name = osp.split(dst)
    stem, ext = osp.splitext(name)
    # Keep the extension last: OpenCV picks the container from it.
    return osp.join(folder, f'.{stem}.{os.getpid()}.tmp{ext}')


def _stale_temp_paths(dst: str) -> List[str]:
    folder, name = osp.split(dst)
    stem, ext = osp.splitext(name)
    return glob.glob(osp.join(glob.escape(folder),
                              f'.{glob.escape(stem)}.*.tmp{ext}'))


def output_problem(path: str, short_side: int) -> Optional[str]:
    """Why ``path`` is not a finished output (None if it is one): it must
    exist, be readable by decord and have the requested short side."""
    if not osp.isfile(path):
        return 'missing'
    reason = check_video(path, decode=True)
    if reason is not None:
        return reason
    import decord
    height, width, _ = decord.VideoReader(path, num_threads=1)[0].shape
    if min(height, width) != short_side:
        return (f'short side is {min(height, width)} ({width}x{height}), '
                f'not {short_side}')
    return None


def rescale_video(src: str,
                  dst: str,
                  short_side: int = 128,
                  fourcc: str = 'mp4v') -> int:
    """Rescale one video.

    Args:
        src (str): Input video (any format OpenCV reads).
        dst (str): Output video; its folder is created. Written to a
            temporary name, checked with decord, then renamed.
        short_side (int): Output short side (even). Defaults to 128.
        fourcc (str): Output codec. ``'mp4v'`` (MPEG-4 part 2, like the
            XviD of the UCF101 files) is small and decord reads it in
            ``.avi`` and ``.mp4``. Defaults to ``'mp4v'``.

    Returns:
        int: Number of frames written.

    Raises:
        VideoRescaleError: Naming ``src`` and the reason.
    """
    cap = cv2.VideoCapture(src)
    if not cap.isOpened():
        raise VideoRescaleError(f'{src}: OpenCV cannot open it')
    tmp = _temp_path(dst)
    for stale in _stale_temp_paths(dst):
        os.remove(stale)  # left by a killed run
    writer = None
    count = 0
    try:
        fps = cap.get(cv2.CAP_PROP_FPS)
        if not (math.isfinite(fps) and fps > 0):
            fps = DEFAULT_FPS
        size = None
        while True:
            ok, frame = cap.read()  # H x W x 3, BGR
            if not ok:
                break
            if size is None:
                height, width = frame.shape[:2]
                size = target_size(width, height, short_side)
                shrink = size[0] < width
                interp = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
                writer = open_writer(tmp, size[0], size[1], fps, fourcc)
            elif frame.shape[:2] != (height, width):
                raise VideoRescaleError(
                    f'{src}: frame {count} is {frame.shape[1]}x'
                    f'{frame.shape[0]}, the first was {width}x{height}')
            writer.write(cv2.resize(frame, size, interpolation=interp))
            count += 1
        if count == 0:
            raise VideoRescaleError(f'{src}: OpenCV decoded no frame')
        writer.release()
        writer = None
        problem = output_problem(tmp, short_side)
        if problem is not None:
            raise VideoRescaleError(f'{src}: the rescaled video is not '
                                    f'valid: {problem}')
        import decord
        written = len(decord.VideoReader(tmp, num_threads=1))
        if written != count:
            raise VideoRescaleError(f'{src}: wrote {count} frames but '
                                    f'decord reads {written} back')
        os.replace(tmp, dst)
    except (OSError, ValueError) as exc:
        raise VideoRescaleError(f'{src}: {exc}') from exc
    finally:
        cap.release()
        if writer is not None:
            writer.release()
        if osp.exists(tmp):
            os.remove(tmp)
    return count


def find_videos(root: str,
                extensions: Sequence[str] = VIDEO_EXTENSIONS) -> List[str]:
    """Sorted relative paths (``/``-separated) of the videos under ``root``,
    skipping hidden files and folders (such as temporary outputs)."""
    if not osp.isdir(root):
        raise FileNotFoundError(f'video folder not found: {root}')
    exts = tuple(e.lower() for e in extensions)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
        rel = osp.relpath(folder, root)
        for name in files:
            if not name.startswith('.') and name.lower().endswith(exts):
                found.append(name if rel == '.' else
                             osp.join(rel, name).replace(os.sep, '/'))
    return sorted(found)


@dataclass
class RescaleReport:
    """Outcome of :func:`rescale_tree`, by relative path."""
    done: List[str] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


def _rescale_task(args) -> Tuple[str, Optional[str]]:
    src, dst, short_side, fourcc = args
    if output_problem(dst, short_side) is None:
        return 'skipped', None
    try:
        rescale_video(src, dst, short_side, fourcc)
    except VideoRescaleError as exc:
        return 'failed', str(exc)
    return 'done', None


def rescale_tree(src_root: str,
                 dst_root: str,
                 short_side: int = 128,
                 workers: int = 1,
                 extensions: Sequence[str] = VIDEO_EXTENSIONS,
                 fourcc: str = 'mp4v',
                 show_progress: bool = True) -> RescaleReport:
    """Rescale every video under ``src_root`` into the same relative layout
    under ``dst_root``; outputs that already exist and are valid are skipped
    (so an interrupted run can be resumed).

    Args:
        src_root (str): Input tree.
        dst_root (str): Output tree; must not be inside ``src_root``.
        short_side (int): Output short side (even). Defaults to 128.
        workers (int): Worker processes. Defaults to 1.
        extensions (Sequence[str]): Video file extensions to take. Defaults
            to ``('.avi', '.mp4')``.
        fourcc (str): Output codec. Defaults to ``'mp4v'``.
        show_progress (bool): Draw a progress bar. Defaults to True.

    Returns:
        RescaleReport: Relative paths done, skipped (already valid) and
        failed (with the reason).
    """
    target_size(short_side, short_side, short_side)  # validates short_side
    src_real = osp.realpath(src_root)
    dst_real = osp.realpath(dst_root)
    if dst_real == src_real or dst_real.startswith(src_real + os.sep):
        raise ValueError(f'the output folder {dst_root} must not be the '
                         f'input folder {src_root} or inside it')
    videos = find_videos(src_root, extensions)
    tasks = [(osp.join(src_root, rel), osp.join(dst_root, rel), short_side,
              fourcc) for rel in videos]
    outcomes = map_with_progress(
        _rescale_task, tasks, workers=workers, show_progress=show_progress)
    report = RescaleReport()
    for rel, (status, reason) in zip(videos, outcomes):
        if status == 'failed':
            report.failed[rel] = reason
        else:
            getattr(report, status).append(rel)
    return report
