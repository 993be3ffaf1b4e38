"""Gather the test results of the official splits into one table with their
mean and standard deviation.

    python tools/analysis/gather_split_results.py RUN1 RUN2 RUN3
        [--names split1 split2 split3] [--keys acc/top1 acc/top5 ...]
        [--out-md table.md] [--out-json table.json] [--population-std]
        [--scale 100]

Each ``RUN`` is the ``--work-dir`` of a ``tools/test.py`` (or
``tools/analysis/video_retrieval.py``) run, or the metrics JSON file itself.
MMEngine's ``Runner.test()`` writes its metrics to
``<work_dir>/<timestamp>/<timestamp>.json`` (``LoggerHook.after_test_epoch``,
one JSON object: ``{"acc/top1": 0.53, "acc/top5": ..., "acc/mean1": ...,
"data_time": ..., "time": ...}``); for a work dir the latest such file (by
timestamp) is read. Training runs do not write that file (their scalars go
to ``<timestamp>/vis_data/``).

Columns: every metric of the runs (``time``, ``data_time`` and other
bookkeeping left out) or those named by ``--keys``, ordered top-1, top-5,
mean class accuracy (``acc/mean1``), retrieval ``R@k`` by ``k``, then the
others. Every run must have every column. Values are MMAction2's fractions,
shown in percent (``--scale 100``). The last row is the mean +- the
standard deviation over the runs: the *sample* standard deviation
(``ddof=1``, divides by n - 1) unless ``--population-std`` (``ddof=0``).
"""
import argparse
import json
import math
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple

from mmstcr_tools.results import (metric_sort_key, find_metrics_file, label_of,
                                  read_metrics)


def mean_std(values: Sequence[float], ddof: int) -> Tuple[float, float]:
    """Mean and standard deviation with ``ddof`` (1: sample, 0:
    population)."""
    n = len(values)
    if n - ddof < 1:
        raise ValueError(f'the standard deviation with ddof={ddof} needs '
                         f'more than {ddof} runs, got {n}')
    mean = sum(values) / n
    var = sum((v - mean)**2 for v in values) / (n - ddof)
    return mean, math.sqrt(var)


def gather(runs: Sequence[str],
           names: Optional[Sequence[str]] = None,
           keys: Optional[Sequence[str]] = None,
           ddof: int = 1,
           scale: float = 100.) -> dict:
    """Read the runs and compute the table (values times ``scale``).

    Returns:
        dict: ``{'columns', 'splits': {name: {'source', 'metrics'}}, 'mean',
        'std', 'std_type', 'scale'}``.
    """
    if not names:
        names = [f'split{i}' for i in range(1, len(runs) + 1)]
    names = list(names)
    if len(names) != len(runs) or len(set(names)) != len(names):
        raise ValueError(f'need {len(runs)} distinct names, got {names}')
    sources = [find_metrics_file(run) for run in runs]
    metrics = [read_metrics(path) for path in sources]
    if keys:
        columns = list(keys)
    else:
        columns = sorted({k for m in metrics for k in m}, key=metric_sort_key)
        if not columns:
            raise KeyError(f'no metric found in {sources}')
    splits = {}
    for name, source, values in zip(names, sources, metrics):
        row = {}
        for key in columns:
            if key not in values:
                raise KeyError(f'{source} ({name}) has no metric {key!r}; it '
                               f'has {sorted(values)}')
            if scale == 100 and not 0 <= values[key] <= 1:
                raise ValueError(
                    f'{source} ({name}): {key}={values[key]} is not a '
                    'fraction in [0, 1]; pass --scale 1 for values already '
                    'in percent')
            row[key] = values[key] * scale
        splits[name] = dict(source=source, metrics=row)
    stats = {
        key: mean_std([splits[n]['metrics'][key] for n in names], ddof)
        for key in columns
    }
    std_type = {
        0: 'population (ddof=0)',
        1: 'sample (ddof=1)'
    }.get(ddof, f'ddof={ddof}')
    return dict(
        columns=columns,
        splits=splits,
        mean={k: s[0] for k, s in stats.items()},
        std={k: s[1] for k, s in stats.items()},
        std_type=std_type,
        scale=scale)


def to_markdown(table: dict, digits: int = 2) -> str:
    columns = table['columns']
    lines = [
        '| split | ' + ' | '.join(label_of(k) for k in columns) + ' |',
        '|---|' + '---:|' * len(columns)
    ]
    for name, split in table['splits'].items():
        lines.append(f'| {name} | ' + ' | '.join(
            f"{split['metrics'][k]:.{digits}f}" for k in columns) + ' |')
    lines.append('| mean ± std | ' + ' | '.join(
        f"{table['mean'][k]:.{digits}f} ± {table['std'][k]:.{digits}f}"
        for k in columns) + ' |')
    return '\n'.join(lines) + (
        f"\n\nstd: {table['std_type']} standard deviation over "
        f"{len(table['splits'])} splits; values x{table['scale']:g}.\n")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Mean and std of test results over splits')
    parser.add_argument(
        'runs', nargs='+', help='work dirs of the test runs, or JSON files')
    parser.add_argument('--names', nargs='+', help='row names (split1, ...)')
    parser.add_argument('--keys', nargs='+', help='metrics to report')
    parser.add_argument('--out-md', help='write the Markdown table here')
    parser.add_argument('--out-json', help='write the numbers here')
    parser.add_argument(
        '--population-std',
        action='store_true',
        help='population std (ddof=0) instead of the sample std (ddof=1)')
    parser.add_argument(
        '--scale',
        type=float,
        default=100.,
        help='multiply the metrics by this (default 100: percent)')
    return parser.parse_args(argv)


def _write(path: str, text: str) -> None:
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    table = gather(args.runs, args.names, args.keys,
                   0 if args.population_std else 1, args.scale)
    markdown = to_markdown(table)
    print(markdown)
    if args.out_md:
        _write(args.out_md, markdown)
    if args.out_json:
        _write(args.out_json, json.dumps(table, indent=2) + '\n')
    return table


if __name__ == '__main__':
    main()
