"""Shared fixtures.

Tiny video data sets
--------------------
``make_video_dataset(num_videos=6, num_classes=3, num_frames=8, size=32)``
(session-scoped factory) writes a folder of short mp4 videos and an MMAction2
``VideoDataset`` annotation list (one ``relpath label`` line per video), and
returns a :class:`TinyVideoDataset`. Calls with the same arguments share one
data set for the whole session; ``size`` is an int (square) or ``(h, w)``.
``tiny_video_dataset`` is the default one: 6 videos of 3 classes, 8 frames of
32x32.

Each class has its own colour and the bright square in it moves in its own
direction, so the classes are learnable and a flip or a rotation changes the
clip. Videos are written by OpenCV (``mp4v``) and read back by decord.

Point a config at a data set with::

    cfg.merge_from_dict(ds.cfg_options())                 # in Python
    ['--cfg-options', *ds.cli_cfg_options()]              # on a command line

which set ``ann_file`` and ``data_prefix.video`` of the train, val and test
dataloaders' datasets (``splits=`` picks fewer).

Running the tools
-----------------
``run_command(args, cwd=None, env=None, timeout=300)`` runs a command the way
a user's shell would, with this Python's ``bin/`` first on ``PATH`` and the
repository root on ``PYTHONPATH`` (``pythonpath=False`` leaves it out), and
returns the ``CompletedProcess`` with stdout and stderr together in
``.stdout``. ``free_port()`` gives a TCP port free on 127.0.0.1 (for
``PORT``/``MASTER_PORT``).

Parallel runs
-------------
With pytest-xdist (``python -m pytest tests -n 2 --dist loadfile``, the
README's command), each worker and every process it starts get
``cpu_count // workers`` intra-op threads (``OMP_NUM_THREADS``), and
``loadfile`` keeps each test file on one worker, so that module-scoped
fixtures (a trained checkpoint, ...) are built once.

Garbage collection
------------------
After collection, everything the test modules imported (torch, MMAction2's
registries, ...: some 300,000 objects) is moved to the collector's permanent
generation (``gc.freeze()``). MMEngine's ``BaseDataset`` calls
``gc.collect()`` every time a data set is built; over those objects each
call took 0.17 s, and the in-process tests build data sets hundreds of
times. Objects that tests create are still collected as usual.
"""
import gc
import multiprocessing
import os
import os.path as osp
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple, Union

import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def pytest_configure(config):
    """Under pytest-xdist (``-n N``), give each worker and the processes it
    starts an equal share of the cores, so that N workers do not each run
    torch's (and OpenMP's) default of one thread per core."""
    workers = os.environ.get('PYTEST_XDIST_WORKER_COUNT')
    if workers:
        threads = max(1, (os.cpu_count() or 1) // int(workers))
        os.environ.setdefault('OMP_NUM_THREADS', str(threads))
        import torch
        torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))


def pytest_collection_finish(session):
    """Freeze what the imports made, so that MMEngine's ``gc.collect()`` on
    every data set build no longer walks it."""
    gc.collect()
    gc.freeze()


# A colour (BGR) and a motion (dy, dx per frame) for each class.
_PALETTE = [(40, 40, 200), (40, 200, 40), (200, 40, 40), (200, 200, 40),
            (200, 40, 200), (40, 200, 200)]
_MOTIONS = [(0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-1, -1)]


@dataclass(frozen=True)
class TinyVideoDataset:
    """Where a tiny video data set lies and what it holds."""
    root: str  # folder holding ``videos/`` and ``ann.txt``
    video_dir: str  # the ``data_prefix.video`` of a VideoDataset
    ann_file: str  # ``relpath label`` lines, relpath under ``video_dir``
    num_videos: int
    num_classes: int
    num_frames: int
    size: Tuple[int, int]  # (height, width)
    labels: Tuple[int, ...]  # label of each video, in ``ann_file`` order

    def cfg_options(
        self, splits: Sequence[str] = ('train', 'val', 'test')
    ) -> Dict[str, str]:
        """Overrides pointing ``{split}_dataloader.dataset`` here."""
        options = {}
        for split in splits:
            key = f'{split}_dataloader.dataset'
            options[f'{key}.ann_file'] = self.ann_file
            options[f'{key}.data_prefix.video'] = self.video_dir
        return options

    def cli_cfg_options(
        self, splits: Sequence[str] = ('train', 'val', 'test')
    ) -> List[str]:
        """:meth:`cfg_options` as ``key=value`` words for ``--cfg-options``."""
        return [f'{k}={v}' for k, v in self.cfg_options(splits).items()]


def write_video(path: str, frames: np.ndarray, fps: int = 8) -> None:
    """Write ``frames`` (T x H x W x 3, uint8, BGR) to an mp4 file."""
    import cv2
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (width, height))
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write an mp4 video to {path}')
    for frame in frames:
        writer.write(np.ascontiguousarray(frame))
    writer.release()


def synthetic_clip(label: int, index: int, num_frames: int, height: int,
                   width: int) -> np.ndarray:
    """A clip of class ``label``: its colour, a square moving its way."""
    rng = np.random.default_rng(1000 * label + index)
    colour = np.array(_PALETTE[label % len(_PALETTE)], dtype=np.float32)
    dy, dx = _MOTIONS[label % len(_MOTIONS)]
    side = max(2, min(height, width) // 4)
    y0 = int(rng.integers(0, height - side + 1))
    x0 = int(rng.integers(0, width - side + 1))
    frames = np.empty((num_frames, height, width, 3), dtype=np.uint8)
    for t in range(num_frames):
        frame = np.full((height, width, 3), 0.4 * colour, dtype=np.float32)
        frame += rng.normal(0, 8, size=frame.shape)
        y = (y0 + 2 * dy * t) % (height - side + 1)
        x = (x0 + 2 * dx * t) % (width - side + 1)
        frame[y:y + side, x:x + side] = 255
        frames[t] = np.clip(frame, 0, 255).astype(np.uint8)
    return frames


def write_video_dataset(root: str,
                        num_videos: int = 6,
                        num_classes: int = 3,
                        num_frames: int = 8,
                        size: Union[int, Tuple[int, int]] = 32
                        ) -> TinyVideoDataset:
    """Write ``num_videos`` videos (labels cycle through the classes) and
    their annotation list under ``root``."""
    if num_classes < 1 or num_videos < num_classes:
        raise ValueError(f'need 1 <= num_classes <= num_videos, got '
                         f'num_classes={num_classes}, num_videos={num_videos}')
    height, width = (size, size) if isinstance(size, int) else size
    video_dir = osp.join(root, 'videos')
    lines, labels = [], []
    for i in range(num_videos):
        label = i % num_classes
        relpath = f'class{label}/video{i:03d}.mp4'
        path = osp.join(video_dir, relpath)
        os.makedirs(osp.dirname(path), exist_ok=True)
        write_video(path, synthetic_clip(label, i, num_frames, height, width))
        lines.append(f'{relpath} {label}\n')
        labels.append(label)
    ann_file = osp.join(root, 'ann.txt')
    with open(ann_file, 'w') as f:
        f.writelines(lines)
    return TinyVideoDataset(
        root=root,
        video_dir=video_dir,
        ann_file=ann_file,
        num_videos=num_videos,
        num_classes=num_classes,
        num_frames=num_frames,
        size=(height, width),
        labels=tuple(labels))


@pytest.fixture(scope='session')
def make_video_dataset(tmp_path_factory):
    """Factory: ``make_video_dataset(num_videos, num_classes, num_frames,
    size)`` -> :class:`TinyVideoDataset`, cached per argument set."""
    cache = {}

    def make(num_videos: int = 6,
             num_classes: int = 3,
             num_frames: int = 8,
             size: Union[int, Tuple[int, int]] = 32) -> TinyVideoDataset:
        key = (num_videos, num_classes, num_frames,
               (size, size) if isinstance(size, int) else tuple(size))
        if key not in cache:
            root = tmp_path_factory.mktemp('videos_{}x{}_{}f_{}x{}'.format(
                num_videos, num_classes, num_frames, *key[3]))
            cache[key] = write_video_dataset(
                str(root), num_videos, num_classes, num_frames, size)
        return cache[key]

    return make


@pytest.fixture(scope='session')
def tiny_video_dataset(make_video_dataset):
    """6 mp4 videos of 3 classes, 8 frames of 32x32 each."""
    return make_video_dataset()


@pytest.fixture(scope='session')
def run_command():
    """``run_command(args, cwd=None, env=None, timeout=300, pythonpath=True)``
    -> ``subprocess.CompletedProcess`` (output in ``.stdout``)."""

    def run(args, cwd=None, env=None, timeout=300, pythonpath=True):
        full_env = dict(os.environ)
        full_env['PATH'] = (osp.dirname(sys.executable) + os.pathsep +
                            full_env.get('PATH', ''))
        full_env.pop('PYTHONPATH', None)
        if pythonpath:
            full_env['PYTHONPATH'] = REPO_ROOT
        full_env.update(env or {})
        return subprocess.run([str(a) for a in args],
                              cwd=cwd,
                              env=full_env,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              text=True,
                              timeout=timeout)

    return run


@pytest.fixture(scope='session')
def free_port():
    """``free_port()`` -> a TCP port that is free on 127.0.0.1 now."""

    def find():
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            return sock.getsockname()[1]

    return find


def _run_two_ranks(target, args, timeout=300):
    """Run ``target(rank, *args)`` in two spawned processes (a fresh
    interpreter each: nothing of this process' torch or gloo state is
    inherited). When one rank fails, the other is killed (it would wait in a
    collective); a rank still running after ``timeout`` seconds is killed
    and the test fails, naming it. Returns the exit codes."""
    ctx = multiprocessing.get_context('spawn')
    procs = [
        ctx.Process(target=target, args=(rank, *args)) for rank in range(2)
    ]
    for proc in procs:
        proc.start()
    deadline = time.monotonic() + timeout
    try:
        while any(proc.is_alive() for proc in procs):
            failed = [p for p in procs if p.exitcode not in (None, 0)]
            if failed or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        hung = [rank for rank, proc in enumerate(procs) if proc.is_alive()]
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
    codes = [proc.exitcode for proc in procs]
    if hung and not any(code not in (None, 0, -9) for code in codes):
        pytest.fail(f'rank(s) {hung} still running after {timeout} s: '
                    f'killed (exit codes {codes})')
    return codes


@pytest.fixture
def run_two_ranks():
    """``run_two_ranks(target, args, timeout=300)``: ``target(rank, *args)``
    in two spawned ranks; see :func:`_run_two_ranks`."""
    return _run_two_ranks
