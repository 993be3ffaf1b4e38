"""Reading the metrics that MMEngine's ``Runner.test()`` writes, and
putting them into tables.

``Runner.test()`` (``tools/test.py``, ``tools/analysis/video_retrieval.py``)
writes its metrics to ``<work_dir>/<timestamp>/<timestamp>.json``
(``LoggerHook.after_test_epoch``: one JSON object such as ``{"acc/top1":
0.53, "acc/top5": ..., "acc/mean1": ..., "data_time": ..., "time": ...}``).
Training runs do not write that file (their scalars go to
``<timestamp>/vis_data/``).

:func:`run_dirs` and :func:`latest_run_dir` find a work dir's run folders;
``mmstcr_tools.visualization.curves`` uses them too.
"""
import json
import os
import os.path as osp
import re
from typing import Dict, List, Mapping, Optional, Tuple

TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')
BOOKKEEPING = {'time', 'data_time', 'step', 'epoch', 'iter', 'lr', 'memory'}
LABELS = {
    'acc/top1': 'top-1',
    'acc/top5': 'top-5',
    'acc/mean1': 'mean class acc',
}


def run_dirs(work_dir: str, has: Optional[str] = None) -> List[str]:
    """The names of the run folders of ``work_dir``, oldest first.

    MMEngine's Runner writes each run to ``<work_dir>/<timestamp>/``, named
    ``%Y%m%d_%H%M%S``, so the names sort in time order; other folders are
    not runs.

    Args:
        work_dir (str): The work dir.
        has (str, optional): Keep only the runs holding this file, a path
            relative to the run folder in which ``{run}`` stands for the
            run's name (``'vis_data/scalars.json'``, ``'{run}.json'``).
            Defaults to None (every run).
    """
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'no such work dir: {work_dir}')
    runs = sorted(name for name in os.listdir(work_dir)
                  if TIMESTAMP.match(name)
                  and osp.isdir(osp.join(work_dir, name)))
    if has is not None:
        runs = [
            name for name in runs
            if osp.isfile(osp.join(work_dir, name, has.format(run=name)))
        ]
    return runs


def latest_run_dir(work_dir: str, has: Optional[str] = None
                   ) -> Optional[str]:
    """The path of the newest run of ``work_dir`` (holding ``has``, see
    :func:`run_dirs`), or None if there is none."""
    runs = run_dirs(work_dir, has)
    return osp.join(work_dir, runs[-1]) if runs else None


def find_metrics_file(run: str) -> str:
    """The metrics JSON of a run: ``run`` itself if it is a file, else the
    latest ``<run>/<timestamp>/<timestamp>.json``."""
    if osp.isfile(run):
        return run
    if not osp.isdir(run):
        raise FileNotFoundError(f'no such work dir or file: {run}')
    latest = latest_run_dir(run, has='{run}.json')
    if latest is None:
        raise FileNotFoundError(
            f'{run} has no test metrics file <timestamp>/<timestamp>.json '
            '(written by tools/test.py / Runner.test())')
    return osp.join(latest, osp.basename(latest) + '.json')


def read_metrics(path: str) -> Dict[str, float]:
    """The numeric entries of a metrics JSON file."""
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as exc:
        raise ValueError(f'{path} is not one JSON object (a test metrics '
                         f'file): {exc}') from exc
    if not isinstance(data, dict):
        raise ValueError(f'{path} holds a {type(data).__name__}, not a JSON '
                         'object of metrics')
    return {
        k: float(v)
        for k, v in data.items() if isinstance(v, (int, float))
        and not isinstance(v, bool) and k not in BOOKKEEPING
    }


def metric_sort_key(key: str) -> Tuple:
    known = list(LABELS)
    if key in known:
        return (0, known.index(key), key)
    match = re.fullmatch(r'(?:.*/)?R@(\d+)', key)
    if match:
        return (1, int(match.group(1)), key)
    return (2, 0, key)


def label_of(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    match = re.fullmatch(r'retrieval/(R@\d+)', key)
    return match.group(1) if match else key


def read_test_metrics(run: str) -> Dict[str, float]:
    """The metrics of the latest test of ``run`` (a work dir or the JSON
    file itself)."""
    return read_metrics(find_metrics_file(run))


def results_table(rows: Mapping[str, Mapping[str, float]],
                  scale: float = 100.) -> str:
    """A Markdown table: one row per name of ``rows``, one column per metric
    (in the order of :func:`metric_sort_key`), values times ``scale``; a metric a
    row lacks shows as a dash."""
    columns = sorted({k for metrics in rows.values() for k in metrics},
                     key=metric_sort_key)
    lines = [
        '| run | ' + ' | '.join(label_of(c) for c in columns) + ' |',
        '|---|' + '---:|' * len(columns),
    ]
    for name, metrics in rows.items():
        cells = [
            f'{metrics[c] * scale:.1f}' if c in metrics else '-'
            for c in columns
        ]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
