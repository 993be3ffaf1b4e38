"""``mmstcr_tools.results``: the run folders of a work dir, and the metrics
file of the latest test."""
import json
import os

import pytest

from mmstcr_tools.results import (find_metrics_file, latest_run_dir,
                                  read_test_metrics, run_dirs)


def _make_run(work_dir, name, files=()):
    run = work_dir / name
    run.mkdir()
    for rel, content in files:
        path = run / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return run


def test_run_dirs_in_time_order_and_filtered(tmp_path):
    _make_run(tmp_path, '20240102_000000', [('vis_data/scalars.json', '')])
    _make_run(tmp_path, '20240101_000000',
              [('20240101_000000.json', '{"acc/top1": 0.5}')])
    _make_run(tmp_path, '20240103_000000')  # crashed before writing
    _make_run(tmp_path, 'best')  # not a run
    (tmp_path / '20240104_000000').write_text('a file, not a run')
    assert run_dirs(str(tmp_path)) == [
        '20240101_000000', '20240102_000000', '20240103_000000'
    ]
    assert run_dirs(str(tmp_path), has='vis_data/scalars.json') == [
        '20240102_000000'
    ]
    assert run_dirs(str(tmp_path), has='{run}.json') == ['20240101_000000']
    assert latest_run_dir(str(tmp_path)) == str(tmp_path / '20240103_000000')
    assert latest_run_dir(str(tmp_path), has='nothing.txt') is None
    with pytest.raises(FileNotFoundError, match='no_such'):
        run_dirs(str(tmp_path / 'no_such'))


def test_latest_test_metrics(tmp_path):
    for name, top1 in (('20240101_000000', 0.25), ('20240105_000000', 0.75)):
        _make_run(tmp_path, name, [(f'{name}.json',
                                    json.dumps({'acc/top1': top1,
                                                'time': 1.0}))])
    _make_run(tmp_path, '20240106_000000',
              [('vis_data/scalars.json', '')])  # a later training run
    path = find_metrics_file(str(tmp_path))
    assert path == os.path.join(str(tmp_path), '20240105_000000',
                                '20240105_000000.json')
    assert read_test_metrics(str(tmp_path)) == {'acc/top1': 0.75}
    assert find_metrics_file(path) == path
    with pytest.raises(FileNotFoundError, match='no test metrics file'):
        find_metrics_file(str(tmp_path / '20240106_000000'))
