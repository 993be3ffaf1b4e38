"""Run a tool as a child process with its full log in a file and one
progress bar on the screen (used by the quick start and the benchmark)."""
import os
import os.path as osp
import re
import subprocess
import sys
import threading
import time
from typing import List, Optional, Sequence

from tqdm import tqdm

# MMEngine's loop lines: "Epoch(train)  [3][12/24]", "Epoch(test) [5/15]"
_TRAIN = re.compile(r'Epoch\(train\)\s*\[(\d+)\]\[\s*(\d+)/(\d+)\]')
_EVAL = re.compile(r'Epoch\((?:test|val)\)\s*\[\s*(\d+)/(\d+)\]')


class StepError(RuntimeError):
    """A step exited non-zero; the message has its log tail and command."""


def progress_of(line: str, max_epochs: Optional[int]) -> Optional[float]:
    """The fraction done that a log line reports, or None.

    A training line ``[e][i/n]`` of ``max_epochs`` epochs is
    ``((e - 1) * n + i) / (max_epochs * n)``; a test line ``[i/n]`` is
    ``i / n`` (a validation during training is not progress).
    """
    match = _TRAIN.search(line)
    if match and max_epochs:
        epoch, it, num = map(int, match.groups())
        return min(1., ((epoch - 1) * num + it) / (max_epochs * num))
    if max_epochs is None:
        match = _EVAL.search(line)
        if match:
            it, num = map(int, match.groups())
            return min(1., it / num)
    return None


def _follow(path: str, stop: threading.Event, bar: tqdm,
            max_epochs: Optional[int]) -> None:
    """Move ``bar`` (0-1000) as ``path`` grows, until ``stop`` is set."""
    while not osp.exists(path) and not stop.is_set():
        time.sleep(0.2)
    if not osp.exists(path):
        return
    with open(path, errors='replace') as f:
        while True:
            line = f.readline()
            if not line:
                if stop.is_set():
                    return
                time.sleep(0.3)
                continue
            done = progress_of(line, max_epochs)
            if done is not None:
                bar.update(max(0, int(done * 1000) - bar.n))


def log_tail(path: str, lines: int = 15) -> str:
    if not osp.exists(path):
        return ''
    with open(path, errors='replace') as f:
        return ''.join(f.readlines()[-lines:])


def run_step(cmd: Sequence[str],
             log_file: str,
             desc: str,
             cwd: Optional[str] = None,
             max_epochs: Optional[int] = None,
             verbose: bool = False,
             show_progress: bool = True) -> float:
    """Run ``cmd``; its output goes to ``log_file`` (and to the screen with
    ``verbose``, else a progress bar with ETA parsed from the log).

    Args:
        cmd: The command.
        log_file: Where its stdout and stderr go.
        desc: The bar's label.
        cwd: Working directory.
        max_epochs: The training run's epochs (progress from the training
            lines); ``None`` for a test run (progress from the test lines).
        verbose: Show the full log instead of the bar.
        show_progress: Draw the bar (off: nothing on the screen).

    Returns:
        float: Seconds it took.

    Raises:
        StepError: On a non-zero exit, with the log's last lines and the
        command to reproduce it.
    """
    cmd: List[str] = [str(c) for c in cmd]
    os.makedirs(osp.dirname(osp.abspath(log_file)), exist_ok=True)
    start = time.time()
    if verbose:
        proc = subprocess.run(cmd, cwd=cwd)
    else:
        with open(log_file, 'w') as log:
            bar = tqdm(total=1000, desc=desc, leave=True, file=sys.stdout,
                       disable=not show_progress, dynamic_ncols=True,
                       bar_format='{desc}: {percentage:3.0f}%|{bar:30}| '
                       '[{elapsed}<{remaining}]')
            stop = threading.Event()
            follower = threading.Thread(
                target=_follow, args=(log_file, stop, bar, max_epochs),
                daemon=True)
            follower.start()
            proc = subprocess.run(cmd, cwd=cwd, stdout=log,
                                  stderr=subprocess.STDOUT)
            stop.set()
            follower.join(timeout=5)
            if proc.returncode == 0:
                bar.update(1000 - bar.n)
            bar.close()
    if proc.returncode != 0:
        where = '' if verbose else (f'; last lines of {log_file}:\n' +
                                    log_tail(log_file))
        raise StepError(f'step "{desc}" failed (exit {proc.returncode}); '
                        f'rerun it with:\n  {" ".join(cmd)}{where}')
    return time.time() - start
