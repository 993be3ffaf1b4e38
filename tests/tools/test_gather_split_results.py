"""tools/analysis/gather_split_results.py on hand-written result files with
hand-computed means and standard deviations."""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO_ROOT, 'tools', 'analysis', 'gather_split_results.py')
spec = importlib.util.spec_from_file_location('gather_split_results', TOOL)
gather_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gather_tool)


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def make_work_dir(root, name, metrics, stale=None):
    """A work dir as tools/test.py leaves it: <ts>/<ts>.json, plus a training
    run's vis_data and, optionally, an older test run."""
    work_dir = root / name
    if stale is not None:
        write_json(work_dir / '20240101_000000' / '20240101_000000.json',
                   stale)
    write_json(work_dir / '20240301_120000' / '20240301_120000.json',
               dict(metrics, data_time=0.01, time=0.2))
    write_json(
        work_dir / '20240201_000000' / 'vis_data' / '20240201_000000.json',
        {'loss': 1.0})
    return str(work_dir)


SPLITS = [
    {'acc/top1': 0.50, 'acc/top5': 0.80, 'acc/mean1': 0.40},
    {'acc/top1': 0.60, 'acc/top5': 0.90, 'acc/mean1': 0.46},
    {'acc/top1': 0.70, 'acc/top5': 0.85, 'acc/mean1': 0.43},
]


def test_mean_and_std_by_hand(tmp_path):
    runs = [
        make_work_dir(tmp_path, f'split{i + 1}', m, stale={'acc/top1': 0.0})
        for i, m in enumerate(SPLITS)
    ]
    table = gather_tool.gather(runs)
    assert table['columns'] == ['acc/top1', 'acc/top5', 'acc/mean1']
    assert table['splits']['split1']['source'].endswith(
        osp.join('20240301_120000', '20240301_120000.json'))
    # top-1 50, 60, 70: mean 60; deviations -10, 0, 10: sample variance
    # 200 / 2 = 100 -> std 10; population 200 / 3 -> std 8.1650.
    # top-5 80, 90, 85: mean 85, squares 25 + 25 + 0 = 50 -> sample std 5.
    # mean1 40, 46, 43: mean 43, squares 9 + 9 + 0 = 18 -> sample std 3.
    assert table['mean'] == pytest.approx({
        'acc/top1': 60.0,
        'acc/top5': 85.0,
        'acc/mean1': 43.0
    })
    assert table['std'] == pytest.approx({
        'acc/top1': 10.0,
        'acc/top5': 5.0,
        'acc/mean1': 3.0
    })
    assert table['std_type'] == 'sample (ddof=1)'
    population = gather_tool.gather(runs, ddof=0)
    assert population['std']['acc/top1'] == pytest.approx(
        (200 / 3)**0.5)
    assert population['std_type'] == 'population (ddof=0)'
    markdown = gather_tool.to_markdown(table)
    lines = markdown.splitlines()
    assert lines[0] == '| split | top-1 | top-5 | mean class acc |'
    assert lines[2] == '| split1 | 50.00 | 80.00 | 40.00 |'
    assert lines[5] == ('| mean ± std | 60.00 ± 10.00 | 85.00 ± 5.00 | '
                        '43.00 ± 3.00 |')
    assert 'sample (ddof=1) standard deviation over 3 splits' in markdown


def test_retrieval_columns_and_json_files(tmp_path):
    files = []
    for i, r1 in enumerate((0.2, 0.3, 0.4)):
        path = tmp_path / f'r{i}.json'
        write_json(
            path, {
                'retrieval/R@10': r1 + 0.2,
                'retrieval/R@1': r1,
                'retrieval/R@5': r1 + 0.1,
                'time': 1.0
            })
        files.append(str(path))
    out_md, out_json = tmp_path / 'o' / 't.md', tmp_path / 'o' / 't.json'
    table = gather_tool.main(files + [
        '--names', 'a', 'b', 'c', '--out-md',
        str(out_md), '--out-json',
        str(out_json)
    ])
    assert table['columns'] == [
        'retrieval/R@1', 'retrieval/R@5', 'retrieval/R@10'
    ]
    assert table['mean']['retrieval/R@5'] == pytest.approx(40.0)
    assert table['std']['retrieval/R@5'] == pytest.approx(10.0)
    assert out_md.read_text().splitlines()[0] == '| split | R@1 | R@5 | R@10 |'
    saved = json.loads(out_json.read_text())
    assert saved['splits']['b']['metrics']['retrieval/R@1'] == \
        pytest.approx(30.0)
    assert saved['std_type'] == 'sample (ddof=1)'


def test_errors(tmp_path):
    runs = [
        make_work_dir(tmp_path, f'split{i + 1}', m)
        for i, m in enumerate(SPLITS)
    ]
    with pytest.raises(FileNotFoundError, match='nowhere'):
        gather_tool.gather(runs[:2] + [str(tmp_path / 'nowhere')])
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError,
                       match='empty has no test metrics file'):
        gather_tool.gather(runs[:2] + [str(tmp_path / 'empty')])
    with pytest.raises(KeyError, match=r"20240301_120000\.json \(split1\) "
                       "has no metric 'knn/top1_k20'"):
        gather_tool.gather(runs, keys=['acc/top1', 'knn/top1_k20'])
    make_work_dir(tmp_path, 'partial', {'acc/top1': 0.5})
    with pytest.raises(KeyError, match="has no metric 'acc/top5'"):
        gather_tool.gather(runs[:2] + [str(tmp_path / 'partial')])
    make_work_dir(tmp_path, 'percent', {k: 50.0 for k in SPLITS[0]})
    with pytest.raises(ValueError, match='is not a fraction'):
        gather_tool.gather(runs[:2] + [str(tmp_path / 'percent')])
    with pytest.raises(ValueError, match='needs more than 1 runs'):
        gather_tool.gather(runs[:1])
    with pytest.raises(ValueError, match='distinct names'):
        gather_tool.gather(runs, names=['a', 'a', 'b'])


def test_command_line(tmp_path):
    runs = [
        make_work_dir(tmp_path, f'split{i + 1}', m)
        for i, m in enumerate(SPLITS)
    ]
    result = subprocess.run([sys.executable, TOOL, *runs, '--population-std'],
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert '| mean ± std | 60.00 ± 8.16 |' in result.stdout
