"""Training curves from the scalar logs of MMEngine's ``LocalVisBackend``.

A run of the Runner writes ``<work_dir>/<timestamp>/vis_data/scalars.json``,
one JSON object per line:

- a training line per logged iteration, with ``iter`` (the global iteration,
  from 1), ``step`` (equal to ``iter``), ``epoch`` in epoch-based runs
  (``LogProcessor(by_epoch=True)``), and the logged values (``loss``,
  ``loss_tw``, ``lr``, ``time``, ...);
- a validation line per validation, with its metrics (``acc/top1``, ...),
  ``time``, ``data_time`` and ``step``: the epoch in epoch-based runs
  (``LoggerHook(log_metric_by_epoch=True)``, MMEngine's default), the
  iteration otherwise.

:func:`load_curves` turns a run into ``{key: (steps, values)}``;
:func:`plot_curves` draws one subplot per key with one line per run.
"""
import json
import logging
import math
import os
import os.path as osp
from dataclasses import dataclass
from numbers import Real
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from mmstcr_tools.results import run_dirs

SCALARS_FILE = osp.join('vis_data', 'scalars.json')
INDEX_KEYS = ('step', 'iter', 'epoch')
_LINE = '__line__'  # where read_scalars keeps each line's number
BY_CHOICES = ('iter', 'epoch')

Series = Tuple[np.ndarray, np.ndarray]  # (steps int64, values float64)


@dataclass
class ScalarLog:
    """The parsed lines of one ``scalars.json``.

    Attributes:
        path (str): The file.
        train (list[dict]): Training lines (those with an ``iter`` key), in
            file order.
        val (list[dict]): The other lines (validation), in file order.
    """
    path: str
    train: List[dict]
    val: List[dict]

    @property
    def by_epoch(self) -> bool:
        """Whether every training line has an epoch (an epoch-based run)."""
        return bool(self.train) and all('epoch' in line
                                        for line in self.train)

    def keys(self) -> List[str]:
        """The logged keys, training keys first, in order of appearance."""
        keys = {}
        for line in self.train + self.val:
            keys.update((k, None) for k in line
                        if k not in INDEX_KEYS and k != _LINE)
        return list(keys)


def find_scalars_file(path: str, timestamp: Optional[str] = None) -> str:
    """The ``scalars.json`` of a run.

    Args:
        path (str): A work dir (its newest run that has a scalars file is
            taken), a run dir (``<work_dir>/<timestamp>``) or the
            ``scalars.json`` file itself.
        timestamp (str, optional): Take the run ``<path>/<timestamp>`` of
            the work dir ``path``. Defaults to None (the newest).

    Returns:
        str: The path of the ``scalars.json`` file.
    """
    if not osp.exists(path):
        raise FileNotFoundError(f'work dir {path!r} does not exist')
    if osp.isfile(path):
        if timestamp is not None:
            raise ValueError(f'timestamp={timestamp!r} is given but {path!r} '
                             'is a file, not a work dir')
        return path
    if timestamp is not None:
        scalars_file = osp.join(path, timestamp, SCALARS_FILE)
        if not osp.isfile(scalars_file):
            raise FileNotFoundError(
                f'scalars file {scalars_file!r} does not exist; runs of '
                f'{path!r} with one: {run_dirs(path, has=SCALARS_FILE)}')
        return scalars_file
    if osp.isfile(osp.join(path, SCALARS_FILE)):  # a run dir
        return osp.join(path, SCALARS_FILE)
    runs = run_dirs(path, has=SCALARS_FILE)
    if not runs:
        raise FileNotFoundError(
            f'no run in {path!r} has a scalars file '
            f'(<work_dir>/<timestamp>/{SCALARS_FILE}); was LocalVisBackend '
            'in the visualizer.vis_backends of the config?')
    newest = runs[-1]
    newer = [name for name in run_dirs(path) if name > newest]
    if newer:
        print_log(
            f'{path}: newer runs {newer} have no {SCALARS_FILE}; reading '
            f'run {newest}',
            logger='current',
            level=logging.WARNING)
    return osp.join(path, newest, SCALARS_FILE)


def read_scalars(scalars_file: str) -> ScalarLog:
    """Parse a ``scalars.json`` into training and validation lines.

    Args:
        scalars_file (str): The file.

    Returns:
        :obj:`ScalarLog`: Its lines; blank lines are skipped.
    """
    if not osp.isfile(scalars_file):
        raise FileNotFoundError(
            f'scalars file {scalars_file!r} does not exist')
    train, val = [], []
    with open(scalars_file) as f:
        for number, text in enumerate(f, 1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f'{scalars_file}, line {number}: not JSON '
                                 f'({exc}): {text.strip()[:80]!r}') from exc
            if not isinstance(line, dict) or 'step' not in line:
                raise ValueError(
                    f'{scalars_file}, line {number}: expected a JSON object '
                    f'with a "step", got {text.strip()[:80]!r}')
            line[_LINE] = number
            (train if 'iter' in line else val).append(line)
    return ScalarLog(scalars_file, train, val)


def _value(log: ScalarLog, line: dict, key: str) -> float:
    """``line[key]`` as a float, or an error naming file, line and key."""
    value = line[key]
    if not isinstance(value, Real) or isinstance(value, bool):
        raise ValueError(f'{log.path}, line {line[_LINE]}: {key!r} is not '
                         f'a number: {value!r}')
    return float(value)


def series_of(log: ScalarLog, key: str, by: str = 'iter') -> Optional[Series]:
    """One key of a run as ``(steps, values)``, or None if it is absent.

    A key is read from the training lines if any has it, else from the
    validation lines. With ``by='iter'`` training values are placed at their
    iteration; validation values of an epoch-based run at the last logged
    training iteration of their epoch (the end of the epoch when the
    ``LoggerHook`` logs the last iteration, e.g. with ``ignore_last=False``
    as MMAction2 configs do); validations of epochs without a logged
    training iteration are left out. With ``by='epoch'`` (epoch-based runs
    only) a training value is the mean of its epoch's logged values and a
    validation value sits at its epoch.

    Args:
        log (:obj:`ScalarLog`): The run.
        key (str): The logged key, e.g. ``'loss'`` or ``'acc/top1'``.
        by (str): ``'iter'`` or ``'epoch'``. Defaults to ``'iter'``.

    Returns:
        tuple[np.ndarray, np.ndarray] | None: steps (int64) and values
        (float64), in file order.
    """
    if by not in BY_CHOICES:
        raise ValueError(f'by must be one of {BY_CHOICES}; got by={by!r}')
    if by == 'epoch' and not log.by_epoch:
        raise ValueError(
            f'{log.path}: the training lines have no "epoch" (an '
            'iteration-based run); use by="iter"')
    train = [line for line in log.train if key in line]
    if train:
        if by == 'iter':
            steps = [line['iter'] for line in train]
            values = [_value(log, line, key) for line in train]
        else:
            per_epoch: Dict[int, List[float]] = {}
            for line in train:
                per_epoch.setdefault(line['epoch'], []).append(
                    _value(log, line, key))
            steps = list(per_epoch)
            values = [float(np.mean(v)) for v in per_epoch.values()]
        return _as_series(steps, values)

    val = [line for line in log.val if key in line]
    if not val:
        return None
    if by == 'epoch' or not log.by_epoch:
        steps = [line['step'] for line in val]
        values = [_value(log, line, key) for line in val]
        return _as_series(steps, values)
    end_iter: Dict[int, int] = {}  # epoch -> last logged iteration
    for line in log.train:
        end_iter[line['epoch']] = max(line['iter'],
                                      end_iter.get(line['epoch'], 0))
    kept = [line for line in val if line['step'] in end_iter]
    dropped = [line['step'] for line in val if line['step'] not in end_iter]
    if dropped:
        print_log(
            f'{log.path}: {key!r} of epochs {dropped} left out: no training '
            'iteration of those epochs is logged',
            logger='current',
            level=logging.WARNING)
    steps = [end_iter[line['step']] for line in kept]
    values = [_value(log, line, key) for line in kept]
    return _as_series(steps, values)


def _as_series(steps: Sequence[int], values: Sequence[float]) -> Series:
    return (np.asarray(steps, dtype=np.int64),
            np.asarray(values, dtype=np.float64))


def load_curves(path: str,
                keys: Optional[Sequence[str]] = None,
                by: str = 'iter',
                timestamp: Optional[str] = None) -> Dict[str, Series]:
    """The logged series of one run.

    Args:
        path (str): A work dir, a run dir or a ``scalars.json`` (see
            :func:`find_scalars_file`).
        keys (Sequence[str], optional): Keys to return; each must be in the
            run. Defaults to None (every logged key but ``step``, ``iter``,
            ``epoch``).
        by (str): ``'iter'`` or ``'epoch'``, see :func:`series_of`.
            Defaults to ``'iter'``.
        timestamp (str, optional): See :func:`find_scalars_file`.

    Returns:
        dict[str, tuple[np.ndarray, np.ndarray]]: ``key -> (steps,
        values)``, in the order of ``keys``.
    """
    log = read_scalars(find_scalars_file(path, timestamp))
    keys = log.keys() if keys is None else list(keys)
    curves = {}
    for key in keys:
        series = series_of(log, key, by)
        if series is None:
            raise KeyError(f'key {key!r} is not logged in {log.path}; its '
                           f'keys: {log.keys()}')
        curves[key] = series
    return curves


def plot_curves(paths: Sequence[str],
                keys: Sequence[str],
                out_file: str,
                labels: Optional[Sequence[str]] = None,
                by: str = 'iter',
                timestamps: Optional[Sequence[Optional[str]]] = None,
                ncols: int = 3,
                subplot_size: Tuple[float, float] = (4.0, 3.0),
                dpi: int = 100) -> Dict[str, Dict[str, Series]]:
    """Plot keys of several runs, one subplot per key, one line per run.

    Drawn with matplotlib's Agg canvas (no screen, no change of the global
    matplotlib backend). The image is ``min(ncols, len(keys)) *
    subplot_size[0] * dpi`` pixels wide and ``ceil(len(keys) / ncols) *
    subplot_size[1] * dpi`` high. A key absent from some runs is drawn for
    the others (a warning names the runs without it); a key absent from
    every run is an error. Keys ending in ``lr`` get a log y axis.

    Args:
        paths (Sequence[str]): Work dirs, run dirs or ``scalars.json``
            files, one per line of each subplot.
        keys (Sequence[str]): Keys to plot, one subplot each.
        out_file (str): The image file; its extension picks the format
            (``.png``, or another format matplotlib writes, e.g. ``.pdf``).
        labels (Sequence[str], optional): Legend label of each path.
            Defaults to None (the folder name of each work dir).
        by (str): x axis, ``'iter'`` or ``'epoch'`` (see
            :func:`series_of`). Defaults to ``'iter'``.
        timestamps (Sequence[str | None], optional): The run of each work
            dir (None: the newest). Defaults to None.
        ncols (int): Subplots per row. Defaults to 3.
        subplot_size (tuple[float, float]): (width, height) of a subplot in
            inches. Defaults to (4.0, 3.0).
        dpi (int): Pixels per inch. Defaults to 100.

    Returns:
        dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]: The plotted
        series, ``key -> label -> (steps, values)``.
    """
    paths, keys = list(paths), list(keys)
    labels = _check_plot_args(paths, keys, out_file, labels, by, timestamps,
                              ncols, dpi)
    timestamps = timestamps or [None] * len(paths)
    logs = [
        read_scalars(find_scalars_file(path, timestamp))
        for path, timestamp in zip(paths, timestamps)
    ]
    plotted = {}
    for key in keys:
        runs = {}
        for label, log in zip(labels, logs):
            series = series_of(log, key, by)
            if series is None:
                print_log(f'{key!r} is not logged in {log.path} ({label}); '
                          'skipped', logger='current', level=logging.WARNING)
            else:
                runs[label] = series
        if not runs:
            existing = list({k: None for log in logs for k in log.keys()})
            raise KeyError(f'key {key!r} is logged in none of {paths}; '
                           f'their keys: {existing}')
        plotted[key] = runs
    _draw(plotted, labels, out_file, by, ncols, subplot_size, dpi)
    print_log(f'curves of {keys} saved to {out_file}', logger='current')
    return plotted


def _check_plot_args(paths, keys, out_file, labels, by, timestamps, ncols,
                     dpi) -> List[str]:
    """Check the arguments of :func:`plot_curves`; return the labels."""
    if not paths:
        raise ValueError('plot_curves: no work dir given')
    if not keys or len(set(keys)) != len(keys):
        raise ValueError('plot_curves: keys must be non-empty and distinct; '
                         f'got keys={keys}')
    if by not in BY_CHOICES:
        raise ValueError(f'by must be one of {BY_CHOICES}; got by={by!r}')
    if timestamps is not None and len(timestamps) != len(paths):
        raise ValueError(f'{len(timestamps)} timestamps for {len(paths)} '
                         f'work dirs: timestamps={list(timestamps)}')
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f'ncols must be an int >= 1; got ncols={ncols!r}')
    if not isinstance(dpi, int) or dpi < 1:
        raise ValueError(f'dpi must be an int >= 1; got dpi={dpi!r}')
    from matplotlib.backend_bases import FigureCanvasBase
    ext = osp.splitext(out_file)[1].lstrip('.').lower()
    formats = FigureCanvasBase.get_supported_filetypes()
    if ext not in formats:
        raise ValueError(f'out_file={out_file!r}: unknown image format '
                         f'{ext!r}; use one of {sorted(formats)}')
    if labels is None:
        labels = [osp.basename(osp.normpath(p)) or p for p in paths]
        if len(set(labels)) < len(labels):
            labels = [osp.normpath(p) for p in paths]
    labels = [str(label) for label in labels]
    if len(labels) != len(paths) or len(set(labels)) != len(labels):
        raise ValueError(f'need {len(paths)} distinct labels, one per work '
                         f'dir; got labels={labels}')
    return labels


def _draw(plotted: Dict[str, Dict[str, Series]], labels: List[str],
          out_file: str, by: str, ncols: int,
          subplot_size: Tuple[float, float], dpi: int) -> None:
    """Draw and save the figure (Agg canvas, no pyplot)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    ncols = min(ncols, len(plotted))
    nrows = math.ceil(len(plotted) / ncols)
    fig = Figure(
        figsize=(ncols * subplot_size[0], nrows * subplot_size[1]),
        dpi=dpi,
        layout='constrained')
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    # one colour per run, the same on every subplot
    colours = {label: f'C{i % 10}' for i, label in enumerate(labels)}
    for ax, (key, runs) in zip(axes, plotted.items()):
        for label, (steps, values) in runs.items():
            ax.plot(steps, values, label=label, color=colours[label],
                    marker='o' if len(steps) <= 30 else None, markersize=3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if key.endswith('lr') and all((v > 0).all() for _, v in runs.values()):
            ax.set_yscale('log')
        ax.set_title(key)
        ax.set_xlabel(by)
        ax.grid(alpha=0.3)
        ax.legend(fontsize='small')
    for ax in axes[len(plotted):]:
        ax.set_visible(False)
    out_dir = osp.dirname(osp.abspath(out_file))
    os.makedirs(out_dir, exist_ok=True)
    fig.savefig(out_file, dpi=dpi)
