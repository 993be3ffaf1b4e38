"""Reading the metrics that MMEngine's ``Runner.test()`` writes, and
putting them into tables.

``Runner.test()`` (``tools/test.py``, ``tools/analysis/video_retrieval.py``)
writes its metrics to ``<work_dir>/<timestamp>/<timestamp>.json``
(``LoggerHook.after_test_epoch``: one JSON object such as ``{"acc/top1":
0.53, "acc/top5": ..., "acc/mean1": ..., "data_time": ..., "time": ...}``).
Training runs do not write that file (their scalars go to
``<timestamp>/vis_data/``).
"""
import glob
import json
import os.path as osp
import re
from typing import Dict, Mapping, Tuple

TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')
BOOKKEEPING = {'time', 'data_time', 'step', 'epoch', 'iter', 'lr', 'memory'}
LABELS = {
    'acc/top1': 'top-1',
    'acc/top5': 'top-5',
    'acc/mean1': 'mean class acc',
}


def find_metrics_file(run: str) -> str:
    """The metrics JSON of a run: ``run`` itself if it is a file, else the
    latest ``<run>/<timestamp>/<timestamp>.json``."""
    if osp.isfile(run):
        return run
    if not osp.isdir(run):
        raise FileNotFoundError(f'no such work dir or file: {run}')
    candidates = sorted(
        path for path in glob.glob(osp.join(run, '*', '*.json'))
        if TIMESTAMP.match(osp.basename(osp.dirname(path)))
        and osp.basename(path) == osp.basename(osp.dirname(path)) + '.json')
    if not candidates:
        raise FileNotFoundError(
            f'{run} has no test metrics file <timestamp>/<timestamp>.json '
            '(written by tools/test.py / Runner.test())')
    return candidates[-1]


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
