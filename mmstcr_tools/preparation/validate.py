"""Check that videos can be read by decord, the reader of the training
pipeline (``CheckedDecordInit`` or MMAction2's ``DecordInit``, then
``DecordDecode``)."""
import json
import os.path as osp
import signal
import subprocess
import sys
from typing import Dict, Optional, Sequence

from . import video_probe
from .progress import map_with_progress

# Seconds one video may take in the isolated check before it counts as bad.
PROBE_TIMEOUT = 120


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f'signal {number}'


def _isolated_probe(path: str, decode: bool, in_memory: bool,
                    timeout: float) -> Optional[str]:
    """Run :func:`video_probe.probe` in a fresh Python process."""
    # The module's own file, run as a script: it exists in every install,
    # and ``-m`` would first import this package (mmengine, cv2), 0.3 s
    # -> 0.7 s per video.
    command = [
        sys.executable, video_probe.__file__, path,
        '1' if decode else '0', '1' if in_memory else '0'
    ]
    try:
        done = subprocess.run(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=timeout)
    except subprocess.TimeoutExpired:
        return f'decord did not finish reading it within {timeout:g} s'
    if done.returncode < 0:
        name = _signal_name(-done.returncode)
        return (f'decord crashes the process ({name})'
                ' when it reads the file from memory, as MMAction2\'s '
                'DecordInit does: the file is truncated or damaged')
    for line in reversed(done.stdout.decode(errors='replace').splitlines()):
        if line.startswith('{'):
            return json.loads(line)['reason']
    return f'the video check exited with code {done.returncode}'


def check_video(path: str,
                decode: bool = True,
                isolate: bool = True,
                timeout: float = PROBE_TIMEOUT) -> Optional[str]:
    """Check one video.

    Args:
        path (str): The video file.
        decode (bool): Also decode every frame, which catches files cut
            short after a valid header. Defaults to True.
        isolate (bool): Read the file in a subprocess, and there also the way
            MMAction2's ``DecordInit`` does (from memory). decord 0.6.0
            crashes the process (segmentation fault) on some truncated
            files read from memory; the subprocess turns the crash into a
            reason, so every file that would crash a training is rejected.
            ``False`` checks in this process, by path only (no crash was
            ever measured that way). Defaults to True.
        timeout (float): Seconds the subprocess may take. Defaults to 120.

    Returns:
        str | None: None if the video is readable, else the reason it is not
        (``'decord cannot open it: ...'``, ``'it has 0 frames'``,
        ``'decord cannot decode frames ...'``, a frame that does not decode
        to ``H x W x 3``, ``'decord cannot read it from memory ...'`` or
        ``'decord crashes the process (SIGSEGV) ...'``).
    """
    if not osp.isfile(path):
        return ('decord cannot open it: '
                + ('it is a directory' if osp.isdir(path) else 'no such file'))
    if not isolate:
        return video_probe.probe_by_path(path, decode=decode)
    return _isolated_probe(path, decode, True, timeout)


def _check_video_task(args) -> Optional[str]:
    path, decode = args
    return check_video(path, decode=decode)


def check_videos(paths: Sequence[str],
                 decode: bool = True,
                 workers: int = 1,
                 show_progress: bool = True) -> Dict[str, str]:
    """Check many videos, in parallel if asked (each with
    :func:`check_video`, isolated).

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
