"""The proxy benchmark's pieces that need no training: the labelled subset,
the result collection, the table and the chart."""
import json
import os.path as osp

import pytest

from mmstcr.benchmark import (best_method, collect, labelled_subset,
                              read_class_count, report_table)
from mmstcr.benchmark.proxy import loss_drop
from mmstcr.visualization.bars import plot_seed_bars


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


def test_chart_and_json_names(tmp_path):
    results = fake_results()
    out = plot_seed_bars(results, ['top-1', 'kNN', 'R@1'],
                         str(tmp_path / 'r.png'), title='t')
    assert osp.getsize(out) > 5000
    json.dumps(results)  # plain JSON: method -> metric -> per-seed values


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
