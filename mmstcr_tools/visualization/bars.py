"""Bar charts of per-seed results: one group per metric, one bar per
method, the mean with its standard deviation and every seed as a dot."""
from typing import Dict, List, Mapping, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_seed_bars(results: Mapping[str, Mapping[str, Sequence[float]]],
                   metrics: List[str],
                   out_file: str,
                   labels: Dict[str, str] = None,
                   title: str = '',
                   scale: float = 100.) -> str:
    """Write a PNG bar chart.

    Args:
        results: ``{method: {metric: [value per seed]}}``.
        metrics: Metrics to draw, one panel each.
        out_file: PNG path.
        labels: Display name of each metric. Defaults to the metric key.
        title: Figure title.
        scale: Factor on the values (100 for percent).

    Returns:
        str: ``out_file``.
    """
    methods = list(results)
    labels = labels or {}
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(3.2 * len(metrics) + 1, 3.6), squeeze=False)
    colours = plt.cm.tab10(np.arange(len(methods)) % 10)
    for ax, metric in zip(axes[0], metrics):
        for i, method in enumerate(methods):
            values = np.asarray(results[method].get(metric, []), float) * scale
            if values.size == 0:
                continue
            std = values.std(ddof=1) if values.size > 1 else 0.
            ax.bar(i, values.mean(), yerr=std, color=colours[i], alpha=0.8,
                   capsize=3)
            ax.scatter(np.full(values.size, i), values, color='k', s=8,
                       zorder=3)
        ax.set_xticks(range(len(methods)))
        ax.set_xticklabels(methods, rotation=35, ha='right', fontsize=8)
        ax.set_title(labels.get(metric, metric), fontsize=9)
        ax.grid(axis='y', alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out_file, dpi=110)
    plt.close(fig)
    return out_file
