"""The proxy benchmark's report: a Markdown table over seeds, the paired
difference to the baseline, and the JSON of per-seed values."""
import math
from typing import Dict, List

from mmstcr_tools.stats import paired_difference, summarize

from .proxy import METRICS


def report_table(results: Dict[str, Dict[str, List[float]]], baseline: str,
                 level: float = 0.95) -> str:
    """One row per method: mean ± std (percent) of each metric, then the
    paired difference of top-1 to ``baseline`` with its interval, the ratio
    of mean top-1s, the mean last pretraining ``feat_std_ratio`` and the
    worst seed's ``finetune_loss_drop`` (mean training loss of the last
    finetuning epoch over the first: below 0.5 means it at least halved)."""
    pct = int(round(level * 100))
    header = list(METRICS) + [
        f'Δ top-1 vs {baseline} [{pct} % CI]', f'top-1 / {baseline}',
        'feat_std_ratio', 'finetune_loss_drop'
    ]
    lines = [
        '| method | ' + ' | '.join(header) + ' |',
        '|---|' + '---:|' * len(header),
    ]
    base_top1 = results[baseline]['top-1']
    base_mean = summarize(base_top1).mean
    for method, metrics in results.items():
        cells = [summarize(metrics[m]).format() for m in METRICS]
        if method == baseline:
            cells += ['-', '1.00']
        else:
            diff = paired_difference(metrics['top-1'], base_top1, level)
            cells.append(diff.format())
            mean = summarize(metrics['top-1']).mean
            cells.append(f'{mean / base_mean:.2f}' if base_mean > 0 else '-')
        ratios = [v for v in metrics.get('feat_std_ratio', [])
                  if not math.isnan(v)]
        cells.append(f'{summarize(ratios).mean:.3f}' if ratios else '-')
        drops = [v for v in metrics.get('finetune_loss_drop', [])
                 if not math.isnan(v)]
        cells.append(f'{max(drops):.2f}' if drops else '-')
        lines.append(f'| {method} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def best_method(results: Dict[str, Dict[str, List[float]]],
                baseline: str, exclude=('faithful', )) -> str:
    """The non-baseline method with the highest mean top-1 (the faithful
    configuration excluded: it is reported, not recommended)."""
    candidates = [m for m in results if m != baseline and m not in exclude]
    if not candidates:
        return baseline
    return max(candidates, key=lambda m: summarize(results[m]['top-1']).mean)
