"""The proxy benchmark's pieces that need no training: the labelled subset,
the result collection, the table and the chart."""
import json
from statistics import stdev

import pytest

from mmstcr_tools.visualization.bars import plot_seed_bars
from mmstcr_tools.benchmark.proxy import (collect, labelled_subset, loss_drop,
                                          read_class_count)
from mmstcr_tools.benchmark.proxy_report import best_method, report_table


def test_labelled_subset_is_stratified_and_seeded():
    items = [(f'v{i}.avi', i % 3) for i in range(30)]  # 10 per class
    sub = labelled_subset(items, 0.2, seed=0)
    assert sorted(lab for _, lab in sub) == [0, 0, 1, 1, 2, 2]
    assert sub == labelled_subset(items, 0.2, seed=0)
    assert sub != labelled_subset(items, 0.2, seed=1)
    assert set(sub) <= set(items)
    assert labelled_subset(items, 1.0, seed=0) == items
    # every class keeps at least one video
    assert len(labelled_subset(items, 0.01, seed=0)) == 3
    with pytest.raises(ValueError, match='label_fraction'):
        labelled_subset(items, 0, seed=0)


def fake_results():
    per_seed = {
        seed: {
            'scratch': {'top-1': 0.40 + 0.05 * seed, 'kNN': 0.3, 'R@1': 0.3,
                        'feat_std_ratio': float('nan'),
                        'finetune_loss_drop': 0.3},
            'vicreg': {'top-1': 0.50 + 0.05 * seed + 0.01 * seed**2,
                       'kNN': 0.4, 'R@1': 0.5, 'feat_std_ratio': 0.4,
                       'finetune_loss_drop': 0.2},
            'faithful': {'top-1': 0.9, 'kNN': 0.1, 'R@1': 0.1,
                         'feat_std_ratio': 0.05, 'finetune_loss_drop': 0.9},
        }
        for seed in range(3)
    }
    return collect(per_seed)


def test_collect_and_table():
    results = fake_results()
    assert results['vicreg']['top-1'] == pytest.approx([0.50, 0.56, 0.64])
    table = report_table(results, 'scratch')
    rows = {line.split('|')[1].strip(): line for line in table.splitlines()}
    assert '| top-1 | kNN | R@1 |' in rows['method']
    # scratch 40, 45, 50 -> 45.0 ± 5.0; vicreg diffs 10, 11, 14
    assert '45.0 ± 5.0' in rows['scratch']
    assert '+11.7 [' in rows['vicreg']
    assert '1.26' in rows['vicreg']  # 56.67 / 45
    assert '0.050' in rows['faithful'] and '0.90' in rows['faithful']
    # the faithful configuration is reported, never recommended
    assert best_method(results, 'scratch') == 'vicreg'


def test_chart_draws_each_methods_mean_std_and_seeds(tmp_path,
                                                     monkeypatch):
    """The chart's bars are the per-method means (in percent), its error
    bars the sample standard deviations and its dots the per-seed values,
    in the results' method order; the PNG has the figure's size."""
    from matplotlib.image import imread

    import mmstcr_tools.visualization.bars as bars
    drawn = []
    close = bars.plt.close
    monkeypatch.setattr(bars.plt, 'close',
                        lambda fig: (drawn.append(fig), close(fig)))
    results = fake_results()
    metrics = ['top-1', 'kNN', 'R@1']
    out = plot_seed_bars(results, metrics, str(tmp_path / 'r.png'), title='t')
    (fig, ) = drawn
    for ax, metric in zip(fig.axes, metrics):
        assert ax.get_title() == metric
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            'scratch', 'vicreg', 'faithful']
        heights = [patch.get_height() for patch in ax.patches]
        seeds = [results[m][metric] for m in ('scratch', 'vicreg', 'faithful')]
        assert heights == pytest.approx([100 * sum(v) / 3 for v in seeds])
        dots = [c.get_offsets()[:, 1].tolist() for c in ax.collections
                if c.get_offsets().shape[0] == 3]
        assert dots == [pytest.approx([100 * x for x in v]) for v in seeds]
    # error bars: mean ± sample std; scratch's top-1 is 40, 45, 50, so 5
    from matplotlib.collections import LineCollection
    segments = [seg for c in fig.axes[0].collections
                if isinstance(c, LineCollection) for seg in c.get_segments()]
    assert [seg[1][1] - seg[0][1] for seg in segments] == pytest.approx(
        [10.0, 2 * stdev([50, 56, 64]), 0.0])
    image = imread(out)
    assert image.shape[:2] == (round(3.6 * 110), round((3.2 * 3 + 1) * 110))


def test_results_round_trip_through_json():
    """``{method: {metric: [value per seed]}}`` is plain JSON."""
    results = fake_results()
    back = json.loads(json.dumps(results))
    assert list(back) == list(results)
    assert back['vicreg']['top-1'] == pytest.approx([0.50, 0.56, 0.64])
    assert back['scratch']['kNN'] == [0.3, 0.3, 0.3]


def test_loss_drop_and_class_count(tmp_path):
    run = tmp_path / 'ft' / '20260101_000000' / 'vis_data'
    run.mkdir(parents=True)
    rows = [dict(epoch=1, iter=1, step=1, loss=2.0),
            dict(epoch=1, iter=2, step=2, loss=1.0),
            dict(epoch=2, iter=3, step=3, loss=1.2),
            dict(epoch=3, iter=4, step=4, loss=0.3),
            dict(step=3, **{'acc/top1': 0.5})]  # a validation line
    (run / 'scalars.json').write_text(
        '\n'.join(json.dumps(r) for r in rows))
    assert loss_drop(str(tmp_path / 'ft')) == pytest.approx(0.3 / 1.5)
    with pytest.raises(FileNotFoundError, match='ucfTrainTestlist'):
        read_class_count(str(tmp_path))
