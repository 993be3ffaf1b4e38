"""Check that videos can be read by decord, the reader of the training
pipeline (``DecordInit`` / ``DecordDecode``)."""
from typing import Dict, Optional, Sequence

from .progress import map_with_progress


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def check_video(path: str, decode: bool = True) -> Optional[str]:
    """Check one video.

    Args:
        path (str): The video file.
        decode (bool): Also decode the first and the last frame, which
            catches files cut short after a valid header. Defaults to True.

    Returns:
        str | None: None if the video is readable, else the reason it is not
        (``'decord cannot open it: ...'``, ``'it has 0 frames'``,
        ``'decord cannot decode frame N ...'``, or a frame that does not
        decode to ``H x W x 3``).
    """
    import decord
    try:
        reader = decord.VideoReader(path, num_threads=1)
    except Exception as exc:  # decord raises plain RuntimeError/DECORDError
        return f'decord cannot open it: {_first_line(exc)}'
    num_frames = len(reader)
    if num_frames == 0:
        return 'it has 0 frames'
    if decode:
        for index in sorted({0, num_frames - 1}):
            try:
                frame = reader[index].asnumpy()  # H x W x 3
            except Exception as exc:
                return (f'decord cannot decode frame {index} of '
                        f'{num_frames}: {_first_line(exc)}')
            if frame.ndim != 3 or frame.shape[2] != 3:
                # Measured with decord 0.6.0: frames 8, 12, 16, 24, 48 or
                # 72 pixels wide come back with 4, 6 or 8 "channels".
                return (f'decord decodes frame {index} as an array of shape '
                        f'{frame.shape}, not H x W x 3 (decord 0.6 misreads '
                        'some frame widths, e.g. 8, 12, 16, 24, 48, 72)')
    return None


def _check_video_task(args) -> Optional[str]:
    path, decode = args
    return check_video(path, decode=decode)


def check_videos(paths: Sequence[str],
                 decode: bool = True,
                 workers: int = 1,
                 show_progress: bool = True) -> Dict[str, str]:
    """Check many videos, in parallel if asked.

    Args:
        paths (Sequence[str]): Video files.
        decode (bool): See :func:`check_video`. Defaults to True.
        workers (int): Worker processes. Defaults to 1.
        show_progress (bool): Draw a progress bar. Defaults to True.

    Returns:
        dict: ``{path: reason}`` for every unreadable video (empty if all
        are readable), in the order of ``paths``.
    """
    paths = list(paths)
    reasons = map_with_progress(
        _check_video_task, [(p, decode) for p in paths],
        workers=workers,
        show_progress=show_progress)
    return {p: r for p, r in zip(paths, reasons) if r is not None}
