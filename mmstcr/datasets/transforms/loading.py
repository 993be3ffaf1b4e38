"""``DecordInit`` that opens videos by path and whose errors name the video:
a missing, empty, truncated or corrupt file listed in an annotation file
stops training with its path in the message instead of decord's bare
``Error reading 0 bytes...``, or a segmentation fault."""
import os
import os.path as osp
import reprlib
import tempfile
from typing import Dict

from mmaction.datasets.transforms import DecordInit
from mmaction.registry import TRANSFORMS
from mmengine.fileio import FileClient

from mmstcr.datasets.video_checks import truncation_problem


class CorruptVideoError(OSError):
    """A video file exists but decord cannot open it (empty, truncated, or
    not a video)."""


class _TruncatedVideo(Exception):
    """decord opened the file but it is cut short (raised inside
    ``_get_video_reader``, reported as :class:`CorruptVideoError`)."""


def _decord_error_types() -> tuple:
    """The exceptions decord raises for a file it cannot open."""
    import decord
    return (RuntimeError, decord.DECORDError)


@TRANSFORMS.register_module()
class CheckedDecordInit(DecordInit):
    """MMAction2's ``DecordInit``, with errors that name the video.

    Same arguments and added keys as ``DecordInit``, so it replaces
    ``dict(type='DecordInit', ...)`` in any pipeline; a good video decodes to
    the same frames. Two things differ:

    - **It opens the file by path.** ``DecordInit`` reads the whole file and
      hands decord a ``BytesIO``; decord 0.6.0 then crashes the process with
      a segmentation fault (no Python traceback, a DataLoader worker "killed
      by signal") on an AVI cut short past its header (measured in steps
      of 3 %: every cut from 10 to 97 % of an XVID AVI, from 7 to 97 % of an
      MJPG AVI; a cut mp4 raises an error). Opened by path, the same files
      give a Python error or decode the frames they still hold, and the AVI
      header, which still declares the full frame count, turns the second
      case into an error too (``tests/datasets/test_truncated_videos.py``
      runs many cuts in subprocesses). With another ``io_backend`` the bytes are written to a
      temporary file, opened by path, and the file is removed at once (the
      open reader keeps it readable).
    - **Its errors name the video.** For a file it cannot read,
      ``DecordInit`` raises decord's ``RuntimeError('Error reading 0
      bytes...')`` or ``DECORDError`` with no file name; this transform
      raises instead:

    - ``FileNotFoundError`` if the file does not exist,
    - :class:`CorruptVideoError` (an ``OSError``) if decord cannot open it,
      saying whether the file is empty (0 bytes),
    - the same ``OSError`` subclass for other I/O errors (e.g.
      ``IsADirectoryError``, ``PermissionError``).

    The message names the file actually read (``DecordInit`` appends
    ``.mp4`` to a file name without extension), the data sample
    (``ann_file`` and ``ann_line``, set by
    :class:`~mmstcr.datasets.CheckedVideoDataset`, ``sample_idx``, the 0-based
    entry of the data set's annotation list, and ``label``, when present in
    ``results``) and the original error, which is also chained
    (``raise ... from``).

    Required Keys:

        - filename
        - ann_file, ann_line, sample_idx, label (optional): named in error
          messages.

    Added Keys:

        - video_reader
        - total_frames
        - avg_fps

    Args:
        io_backend (str): io backend where frames are stored. Defaults to
            ``'disk'``.
        num_threads (int): Number of threads to decode the video (0: decord
            chooses). Defaults to 1.
        kwargs (dict): Args for the file client.
    """

    def __init__(self,
                 io_backend: str = 'disk',
                 num_threads: int = 1,
                 **kwargs) -> None:
        if not isinstance(io_backend, str) or not io_backend:
            raise ValueError('CheckedDecordInit: io_backend must be a '
                             f'non-empty str; got io_backend={io_backend!r}')
        if (not isinstance(num_threads, int) or isinstance(num_threads, bool)
                or num_threads < 0):
            raise ValueError('CheckedDecordInit: num_threads must be an int '
                             f'>= 0; got num_threads={num_threads!r}')
        super().__init__(io_backend=io_backend, num_threads=num_threads,
                         **kwargs)

    @staticmethod
    def video_path(filename: str) -> str:
        """The file ``DecordInit`` reads for ``filename``: ``.mp4`` is
        appended when it has no extension."""
        if osp.splitext(filename)[0] == filename:
            return filename + '.mp4'
        return filename

    @staticmethod
    def _describe_sample(results: Dict) -> str:
        """``' (ann.txt line 4, sample_idx=3, label=2)'``, or ``''`` if
        nothing is known."""
        short = reprlib.Repr()
        short.maxother = 60  # a one-hot label tensor stays one short line
        parts = []
        if results.get('ann_line') is not None:
            parts.append(f"{results.get('ann_file', 'annotation file')} "
                         f"line {results['ann_line']}")
        parts += [
            f'{key}={short.repr(results[key])}'
            for key in ('sample_idx', 'label') if key in results
        ]
        return f' ({", ".join(parts)})' if parts else ''

    def _get_video_reader(self, filename: str) -> object:
        """Open ``filename`` with decord, by path (see the class
        docstring)."""
        try:
            import decord
        except ImportError:
            raise ImportError(
                'Please run "pip install decord" to install Decord first.')
        path = self.video_path(filename)
        if self.io_backend == 'disk':
            if not osp.exists(path):
                raise FileNotFoundError(2, 'No such file or directory', path)
            if osp.isdir(path):
                raise IsADirectoryError(21, 'Is a directory', path)
            reader = decord.VideoReader(path, num_threads=self.num_threads)
            problem = truncation_problem(path, len(reader))
            if problem is not None:
                raise _TruncatedVideo(problem)
            return reader
        if self.file_client is None:
            self.file_client = FileClient(self.io_backend, **self.kwargs)
        data = self.file_client.get(path)
        suffix = osp.splitext(path)[1]
        fd, local = tempfile.mkstemp(prefix='mmstcr_video_', suffix=suffix)
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(data)
            return decord.VideoReader(local, num_threads=self.num_threads)
        finally:
            os.remove(local)

    def transform(self, results: Dict) -> Dict:
        """Perform the Decord initialization, naming the video on failure.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        if 'filename' not in results:
            raise KeyError('CheckedDecordInit: results have no "filename"; '
                           f'keys: {sorted(results)}')
        try:
            return super().transform(results)
        except ImportError:  # decord is not installed: DecordInit's error
            raise
        except Exception as exc:
            error = self._named_error(results, exc)
            if error is exc:  # not an I/O or decord error: left untouched
                raise
            raise error from exc

    def _named_error(self, results: Dict, exc: Exception) -> Exception:
        """The error to raise for ``exc``; ``exc`` itself if it is not an
        I/O or decord error."""
        if not isinstance(exc, (OSError, _TruncatedVideo) +
                          _decord_error_types()):
            return exc
        path = self.video_path(results['filename'])
        where = f"video '{path}'{self._describe_sample(results)}"
        if isinstance(exc, _TruncatedVideo):
            return CorruptVideoError(f'{where} is damaged: {exc}')
        cause = f'{type(exc).__name__}: {str(exc).strip()}'
        if isinstance(exc, FileNotFoundError):
            return FileNotFoundError(
                f'{where} does not exist; check the annotation file and '
                f'data_prefix. Original error: {cause}')
        if isinstance(exc, OSError):
            return type(exc)(f'cannot read {where}. Original error: {cause}')
        if self.io_backend == 'disk' and osp.isfile(path):
            if osp.getsize(path) == 0:
                problem = 'the file is empty (0 bytes)'
            else:
                problem = (f'the file ({osp.getsize(path)} bytes) is '
                           'corrupt, truncated or not a video')
        else:
            problem = 'the file is corrupt, truncated or not a video'
        return CorruptVideoError(
            f'decord cannot open {where}: {problem}. decord said: {cause}')

    def __repr__(self) -> str:
        kwargs = ''.join(f', {key}={value!r}'
                         for key, value in self.kwargs.items())
        return (f'{self.__class__.__name__}('
                f'io_backend={self.io_backend!r}, '
                f'num_threads={self.num_threads}{kwargs})')
