"""Gap closed, the measurability check, the table, results.json and the
ladder chart, against hand-computed values."""
import json
import math

import pytest

from mmstcr_tools.benchmark.report import (MethodResult, format_table,
                                           gap_closed, ladder_chart,
                                           measurability, results_json,
                                           table_rows)

METRICS = ('kNN', 'linear')


def _results(ceiling=(0.50, 0.46, 0.48)):
    return [
        MethodResult('scratch', 'floor',
                     dict(kNN=[0.16, 0.18, 0.17], linear=[0.2, 0.2, 0.2]),
                     [0, 1, 2]),
        MethodResult('supervised', 'ceiling',
                     dict(kNN=list(ceiling), linear=[0.4, 0.4, 0.4]),
                     [0, 1, 2]),
        MethodResult('pace', 'method',
                     dict(kNN=[0.27, 0.29, 0.28], linear=[0.3, 0.3, 0.3]),
                     [0, 1, 2]),
        MethodResult('pace_stcr', 'method',
                     dict(kNN=[0.26, 0.29, 0.29], linear=[0.25, 0.3, 0.35]),
                     [0, 1, 2], baseline='pace', claim='Table 4'),
    ]


def test_gap_closed():
    assert gap_closed(0.28, 0.17, 0.48) == pytest.approx(11 / 31)
    assert gap_closed(0.17, 0.17, 0.48) == 0
    assert gap_closed(0.48, 0.17, 0.48) == pytest.approx(1)
    assert math.isnan(gap_closed(0.3, 0.2, 0.2))
    assert math.isnan(gap_closed(0.3, 0.2, 0.1))


def test_measurability():
    ok = measurability(_results(), METRICS)
    assert ok['kNN']['measurable'] and ok['linear']['measurable']
    # mean difference 0.31, sd 0 -> interval [0.31, 0.31]
    assert ok['linear']['diff'].low == pytest.approx(0.2)
    bad = measurability(_results(ceiling=(0.15, 0.25, 0.17)), METRICS)
    assert not bad['kNN']['measurable']  # diffs -0.01, +0.07, 0.0


def test_table_rows_by_hand():
    rows = {r['name']: r for r in table_rows(_results(), METRICS)}
    knn = rows['pace']['metrics']['kNN']
    assert knn['summary'].mean == pytest.approx(0.28)
    assert knn['summary'].std == pytest.approx(0.01)
    # diffs vs scratch: 0.11, 0.11, 0.11
    assert knn['vs_floor'].mean == pytest.approx(0.11)
    assert knn['vs_floor'].low == pytest.approx(0.11)
    assert knn['gap'] == pytest.approx(0.11 / 0.31)
    # pace_stcr - pace: -0.01, 0, +0.01: t_{0.975,2} * 0.01 / sqrt(3)
    vs = rows['pace_stcr']['metrics']['kNN']['vs_baseline']
    assert vs.mean == pytest.approx(0.0, abs=1e-12)
    assert vs.high == pytest.approx(4.302653 * 0.01 / math.sqrt(3),
                                    rel=1e-5)
    assert rows['scratch']['metrics']['kNN']['vs_floor'] is None
    table = format_table(list(rows.values()), METRICS)
    assert '| pace | method | 28.0 ± 1.0 | +11.0 [+11.0, +11.0] | +0.35 |' \
        in table
    assert '0.0 [-2.5, +2.5] / +0.0 [-12.4, +12.4] |' in table


def test_json_and_chart(tmp_path):
    data = results_json(_results(), METRICS, dict(seeds=[0, 1, 2]))
    text = json.dumps(data)
    back = json.loads(text)
    assert back['metrics'] == ['kNN', 'linear']
    assert back['methods']['scratch']['role'] == 'floor'
    assert back['methods']['supervised']['role'] == 'ceiling'
    assert back['methods']['pace_stcr']['baseline'] == 'pace'
    assert back['methods']['pace']['kNN'] == pytest.approx([27., 29., 28.])
    path = tmp_path / 'ladder.png'
    ladder_chart(_results(), METRICS, str(path), 'test')
    head = path.read_bytes()[:24]
    assert head[:8] == b'\x89PNG\r\n\x1a\n'
    width = int.from_bytes(head[16:20], 'big')
    assert width >= 2 * 300  # one axis per metric


def test_one_role_each():
    res = _results()
    res[1].role = 'floor'
    with pytest.raises(ValueError, match='exactly one floor'):
        table_rows(res, METRICS)
    with pytest.raises(ValueError, match='role'):
        MethodResult('x', 'baseline', {}, [0])
