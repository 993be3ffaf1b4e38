"""The benchmark's outputs: the table (mean ± std over seeds, paired
intervals, gap closed), the ladder chart and ``results.json``."""
import json
import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from mmstcr_tools.stats import paired_difference, summarize

ROLES = ('floor', 'ceiling', 'method')


def gap_closed(method: float, floor: float, ceiling: float) -> float:
    """``(method - floor) / (ceiling - floor)``; NaN when the ceiling does
    not exceed the floor (the gap is not measurable)."""
    if not ceiling > floor:
        return float('nan')
    return (method - floor) / (ceiling - floor)


@dataclass
class MethodResult:
    """One method's per-seed top-1 (fractions), by metric name."""
    name: str
    role: str
    per_seed: Dict[str, List[float]]
    seeds: List[int]
    baseline: Optional[str] = None
    claim: str = ''

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f'role must be one of {ROLES}, got {self.role!r}')


def _by_role(results: Sequence[MethodResult], role: str) -> MethodResult:
    found = [r for r in results if r.role == role]
    if len(found) != 1:
        raise ValueError(f'need exactly one {role} result, got {len(found)}')
    return found[0]


def measurability(results: Sequence[MethodResult], metrics: Sequence[str],
                  level: float = 0.95) -> Dict[str, dict]:
    """Per metric: the paired difference ceiling - floor and whether it
    measures (interval above 0; with one seed, a positive difference)."""
    floor, ceiling = _by_role(results, 'floor'), _by_role(results, 'ceiling')
    out = {}
    for metric in metrics:
        diff = paired_difference(ceiling.per_seed[metric],
                                 floor.per_seed[metric], level)
        ok = diff.low > 0 if diff.n > 1 else diff.mean > 0
        out[metric] = dict(diff=diff, measurable=bool(ok))
    return out


def table_rows(results: Sequence[MethodResult], metrics: Sequence[str],
               level: float = 0.95,
               unmeasurable: Sequence[str] = ()) -> List[dict]:
    """One row per method: per metric the summary, the paired difference
    against the floor and against the method's baseline, and the gap
    closed (of the means; NaN for the ``unmeasurable`` metrics, where the
    ceiling does not beat the floor)."""
    floor, ceiling = _by_role(results, 'floor'), _by_role(results, 'ceiling')
    by_name = {r.name: r for r in results}
    rows = []
    for r in results:
        row = dict(name=r.name, role=r.role, claim=r.claim,
                   baseline=r.baseline, n=len(r.seeds), metrics={})
        for metric in metrics:
            values = r.per_seed[metric]
            s = summarize(values)
            f_mean = summarize(floor.per_seed[metric]).mean
            c_mean = summarize(ceiling.per_seed[metric]).mean
            cell = dict(
                summary=s,
                vs_floor=(None if r.role == 'floor' else paired_difference(
                    values, floor.per_seed[metric], level)),
                gap=(float('nan') if metric in unmeasurable else
                     gap_closed(s.mean, f_mean, c_mean)))
            if r.baseline is not None and r.baseline in by_name:
                cell['vs_baseline'] = paired_difference(
                    values, by_name[r.baseline].per_seed[metric], level)
            row['metrics'][metric] = cell
        rows.append(row)
    return rows


def _gap(value: float) -> str:
    return 'n/a' if math.isnan(value) else f'{value:+.2f}'


def format_table(rows: List[dict], metrics: Sequence[str]) -> str:
    """A Markdown table: per metric, top-1 % as mean ± std, the paired
    difference against scratch with its interval, and the gap closed; a
    last column with the difference against the baseline (kNN / linear /
    finetune) for the rows that have one."""
    head = ['method', 'role']
    for m in metrics:
        head += [f'{m} top-1 %', f'{m} vs scratch', f'{m} gap']
    head.append('vs baseline (' + ' / '.join(metrics) + ')')
    lines = ['| ' + ' | '.join(head) + ' |',
             '|' + '|'.join(['---'] * 2 + ['---:'] * (len(head) - 2)) + '|']
    for row in rows:
        cells = [row['name'], row['role']]
        for m in metrics:
            cell = row['metrics'][m]
            cells += [cell['summary'].format(),
                      '' if cell['vs_floor'] is None else
                      cell['vs_floor'].format(), _gap(cell['gap'])]
        if row['baseline'] and 'vs_baseline' in row['metrics'][metrics[0]]:
            cells.append(f"vs {row['baseline']}: " + ' / '.join(
                row['metrics'][m]['vs_baseline'].format() for m in metrics))
        else:
            cells.append('')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def results_json(results: Sequence[MethodResult], metrics: Sequence[str],
                 extra: Optional[dict] = None) -> dict:
    """What ``results.json`` holds: per method its role, claim, baseline,
    seeds and per-seed top-1 (%) under the table's metric names."""
    out = dict(
        metrics=list(metrics),
        unit='top-1 %',
        methods={
            r.name: dict(
                role=r.role,
                claim=r.claim,
                baseline=r.baseline,
                seeds=list(r.seeds),
                **{m: [100. * v for v in r.per_seed[m]]
                   for m in metrics})
            for r in results
        })
    if extra:
        out.update(extra)
    return out


def write_json(path: str, data: dict) -> None:
    with open(path, 'w') as f:
        json.dump(data, f, indent=1, default=str)


def ladder_chart(results: Sequence[MethodResult], metrics: Sequence[str],
                 path: str, title: str = '') -> None:
    """A PNG: one axis per metric; every method's mean top-1 (dot) and
    per-seed values (small marks), floor and ceiling as vertical lines,
    methods in the order given (floor at the bottom)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    names = [r.name for r in results]
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(4.2 * len(metrics), 0.38 * len(names) + 1.6),
        sharey=True, squeeze=False)
    colours = dict(floor='tab:red', ceiling='tab:green', method='tab:blue')
    floor, ceiling = _by_role(results, 'floor'), _by_role(results, 'ceiling')
    for ax, metric in zip(axes[0], metrics):
        for y, r in enumerate(results):
            values = [100. * v for v in r.per_seed[metric]]
            mean = sum(values) / len(values)
            ax.plot(values, [y] * len(values), '|', color='grey', ms=8)
            ax.plot([mean], [y], 'o', color=colours[r.role])
        for ref, style in ((floor, '--'), (ceiling, ':')):
            v = 100. * summarize(ref.per_seed[metric]).mean
            ax.axvline(v, color=colours[ref.role], ls=style, lw=1)
        ax.set_title(f'{metric} top-1 %')
        ax.grid(axis='x', alpha=0.3)
    axes[0][0].set_yticks(range(len(names)))
    axes[0][0].set_yticklabels(names)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
