"""Checks of a video file that need no decoding, shared by the loader
(``CheckedDecordInit``) and the dataset preparation tools' video probe.

Imports only the standard library: the probe loads this file, in a
subprocess per video, without importing the ``mmstcr`` package.
"""
import struct
from typing import Optional


def avi_declared_frames(path: str) -> Optional[int]:
    """The frame count an AVI file's main header (``avih``) declares, or
    None if the file is not an AVI or declares none.

    Opened by path, decord reads a truncated AVI without an error: it finds
    the frames that are left (9 of 40 at half the bytes). The header, at the
    start of the file, still says how many there were.
    """
    with open(path, 'rb') as f:
        head = f.read(1 << 16)
    if len(head) < 12 or head[:4] != b'RIFF' or head[8:12] != b'AVI ':
        return None
    at = head.find(b'avih', 12)
    # avih: 4-byte tag, 4-byte size, then dwMicroSecPerFrame,
    # dwMaxBytesPerSec, dwPaddingGranularity, dwFlags, dwTotalFrames
    if at < 0 or len(head) < at + 28:
        return None
    total = struct.unpack_from('<I', head, at + 24)[0]
    return total or None


def truncation_problem(path: str, num_frames: int) -> Optional[str]:
    """Why a video whose reader found ``num_frames`` frames is truncated,
    or None: an AVI whose header declares more frames."""
    declared = avi_declared_frames(path)
    if declared is not None and num_frames < declared:
        return (f'it is truncated: its AVI header declares {declared} '
                f'frames, decord finds {num_frames}')
    return None
