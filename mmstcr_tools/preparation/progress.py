"""Run one function over many items, optionally in worker processes, with a
progress bar. Shared by video validation and rescaling."""
import multiprocessing
import sys
from typing import Any, Callable, Iterable, List, Optional, Sequence

from mmengine.utils import ProgressBar

# Modules the fork server imports once, so that its forked workers do not
# import torch / mmaction again for every pool.
FORKSERVER_PRELOAD = [
    'mmstcr_tools.preparation', 'mmstcr_tools.motion_dataset'
]


def _pool_context():
    """A start method that is safe after decord has been used.

    Plain ``fork`` copies the parent's decord/FFmpeg state without its
    threads: a worker forked after the parent has opened a video (the
    resume check, an earlier run in the same process) can hang forever
    (measured: a second ``check_videos(workers=2)`` in one process never
    returned). Workers forked from a clean fork server do not inherit it,
    and the server imports the heavy modules once, not once per worker.
    """
    if 'forkserver' in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context('forkserver')
        ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
        return ctx
    return multiprocessing.get_context('spawn')


def _init_worker() -> None:
    # The machines this runs on are shared: one OpenCV thread per worker
    # process, the parallelism comes from the processes.
    import cv2
    cv2.setNumThreads(1)


def map_with_progress(func: Callable[[Any], Any],
                      items: Sequence[Any],
                      workers: int = 1,
                      show_progress: bool = True,
                      file: Optional[Any] = None) -> List[Any]:
    """Apply ``func`` to every item and return the results in item order.

    Args:
        func (callable): A picklable (module-level) function of one argument;
            with ``workers > 1`` it runs in processes forked from a fork
            server (``spawn`` where there is none), not from this process.
        items (Sequence): The arguments.
        workers (int): Number of worker processes; 1 runs in this process.
            Defaults to 1.
        show_progress (bool): Draw a progress bar (mmengine's
            ``ProgressBar``). Defaults to True.
        file (file-like, optional): Where the bar is drawn. Defaults to
            ``sys.stderr``, so that a tool's summary on stdout stays clean.

    Returns:
        list: ``[func(item) for item in items]``.
    """
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f'workers must be an int >= 1, got {workers!r}')
    items = list(items)
    bar = None
    if show_progress and items:
        bar = ProgressBar(len(items), file=file or sys.stderr)

    def _track(results: Iterable[Any]) -> List[Any]:
        out = []
        for result in results:
            out.append(result)
            if bar is not None:
                bar.update()
        if bar is not None:
            bar.file.write('\n')
            bar.file.flush()
        return out

    if workers == 1 or len(items) <= 1:
        return _track(func(item) for item in items)
    # Not the default 'fork': a process that has already used torch/decord/
    # OpenCV holds thread-pool locks that a forked child inherits locked,
    # and the workers then hang forever. Not plain 'spawn' either: every
    # worker would import torch and mmaction again (measured 5-6 s a pool).
    with _pool_context().Pool(
            min(workers, len(items)), initializer=_init_worker) as pool:
        return _track(pool.imap(func, items, chunksize=1))
