"""Read one video with decord and say what is wrong with it.

A stand-alone script as well as a module: :func:`check_video` in
``validate.py`` runs it as ``python video_probe.py PATH DECODE IN_MEMORY`` in
a subprocess, because decord 0.6.0 can crash the process (a segmentation
fault, no Python error) on a truncated file that it is handed from memory,
which is how MMAction2's ``DecordInit`` opens videos. It imports only decord
and the standard library (and the runtime's stdlib-only
``mmstcr/datasets/video_checks.py``, loaded without the ``mmstcr``
package), so a subprocess starts in a fraction of a second.

The subprocess prints one JSON line, ``{"reason": null}`` or
``{"reason": "..."}``; if it dies by a signal, the caller reports that.
"""
import importlib.util
import io
import json
import os.path as osp
import sys
from typing import Optional

# Frames decoded per call when every frame is decoded.
CHUNK = 32


def _load_video_checks():
    """The runtime's ``mmstcr.datasets.video_checks`` (the AVI header check
    that ``CheckedDecordInit`` uses too).

    Loaded from the installed ``mmstcr`` package's directory without running
    ``mmstcr/__init__.py``, which imports torch and MMAction2 (about 10 s on
    the project's CPU): this module runs once per video in a subprocess.
    A process that has imported ``mmstcr`` already gets its module.
    """
    name = 'mmstcr.datasets.video_checks'
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec('mmstcr')  # does not import mmstcr
    path = osp.join(package.submodule_search_locations[0], 'datasets',
                    'video_checks.py')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


truncation_problem = _load_video_checks().truncation_problem


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _shape_problem(index: int, frame) -> Optional[str]:
    if frame.ndim != 3 or frame.shape[2] != 3:
        # Measured with decord 0.6.0: frames 8, 12, 16, 24, 48 or 72 pixels
        # wide come back with 4, 6 or 8 "channels".
        return (f'decord decodes frame {index} as an array of shape '
                f'{frame.shape}, not H x W x 3 (decord 0.6 misreads some '
                'frame widths, e.g. 8, 12, 16, 24, 48, 72)')
    return None


def probe_by_path(path: str, decode: bool = True) -> Optional[str]:
    """Open ``path`` by path (as ``CheckedDecordInit`` does) and, if
    ``decode``, decode every frame. Safe to call in-process: no crash was
    ever measured this way. Returns None or the reason."""
    import decord
    try:
        reader = decord.VideoReader(path, num_threads=1)
    except Exception as exc:  # decord raises plain RuntimeError/DECORDError
        return f'decord cannot open it: {_first_line(exc)}'
    num_frames = len(reader)
    if num_frames == 0:
        return 'it has 0 frames'
    problem = truncation_problem(path, num_frames)
    if problem is not None:
        return problem
    if not decode:
        return None
    for index in sorted({0, num_frames - 1}):
        try:
            frame = reader[index].asnumpy()  # H x W x 3
        except Exception as exc:
            return (f'decord cannot decode frame {index} of {num_frames}: '
                    f'{_first_line(exc)}')
        problem = _shape_problem(index, frame)
        if problem is not None:
            return problem
    reader.seek(0)
    for start in range(0, num_frames, CHUNK):
        indices = list(range(start, min(start + CHUNK, num_frames)))
        try:
            frames = reader.get_batch(indices).asnumpy()  # n x H x W x 3
        except Exception as exc:
            return (f'decord cannot decode frames {indices[0]}-{indices[-1]}'
                    f' of {num_frames}: {_first_line(exc)}')
        del frames
    return None


def probe_in_memory(path: str, decode: bool = True) -> Optional[str]:
    """Open the file's bytes from memory and (if ``decode``) decode its
    first and last frames, as MMAction2's ``DecordInit`` + ``DecordDecode``
    do. May crash the process: run it in a subprocess."""
    import decord
    with open(path, 'rb') as f:
        data = io.BytesIO(f.read())
    try:
        reader = decord.VideoReader(data, num_threads=1)
        num_frames = len(reader)
        if decode:
            for index in sorted({0, max(num_frames - 1, 0)}):
                reader[index].asnumpy()
    except Exception as exc:
        return ('decord cannot read it from memory (as MMAction2\'s '
                f'DecordInit does): {_first_line(exc)}')
    return None


def probe(path: str, decode: bool = True, in_memory: bool = True
          ) -> Optional[str]:
    """:func:`probe_by_path`, then (if it passed and ``in_memory``)
    :func:`probe_in_memory`."""
    reason = probe_by_path(path, decode=decode)
    if reason is None and in_memory:
        reason = probe_in_memory(path, decode=decode)
    return reason


def main(argv) -> int:
    path, decode, in_memory = argv[0], argv[1] == '1', argv[2] == '1'
    reason = probe(path, decode=decode, in_memory=in_memory)
    sys.stdout.flush()
    print(json.dumps({'reason': reason}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
