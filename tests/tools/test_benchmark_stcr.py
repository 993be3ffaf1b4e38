"""benchmark_stcr.py --quick runs and writes every table with sane ratios
(no timing thresholds: speed is measured by the tool, not by tests)."""
import json
import math
import os.path as osp

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO_ROOT, 'tools', 'analysis', 'benchmark_stcr.py')


def _sane(ratio):
    return math.isfinite(ratio) and 0.05 < ratio < 20


def test_quick_run_writes_all_tables(run_command, tmp_path):
    out = tmp_path / 'speed.json'
    result = run_command([
        'python', TOOL, '--quick', '--archs', 'r3d,c3d', '--out-json', out
    ], env=dict(OMP_NUM_THREADS='1'), timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    res = json.loads(out.read_text())
    assert res['machine']['threads'] == 1
    assert {'pipeline', 'step', 'memory', 'dataloader', 'ddp',
            'scaling'} <= set(res)
    pipe = res['pipeline']
    assert len(pipe['rows']) == 2  # two generated videos in --quick
    for row in pipe['rows']:
        assert _sane(row['ratio'])
        assert set(row['stcr_ms']) >= {'decode', 'resize', 'crops',
                                       'flip/STT', 'mixup', 'pack', 'total'}
        assert row['stcr_ms']['decode'] > 0 and row['mma_ms']['mixup'] == 0
        assert 0 < row['stt_mixup_share'] < 1
        spread = row['ratio_spread']
        assert spread['min'] <= spread['median'] <= spread['max']
    assert _sane(pipe['geomean_ratio'])
    assert [r['arch'] for r in res['step']['rows']] == ['r3d', 'c3d']
    assert all(_sane(r['ratio']) for r in res['step']['rows'])
    assert all(_sane(r['ratio']) for r in res['memory']['rows'])
    assert [r['num_workers'] for r in res['dataloader']['rows']] == [0, 1, 2]
    assert all(r['bottleneck'] in ('data', 'model')
               for r in res['dataloader']['rows'])
    assert _sane(res['ddp']['ratio'])
    assert len(res['scaling']['rows']) == 6
    assert 'geometric mean ratio' in result.stdout


def test_only_runs_a_subset(run_command, tmp_path):
    out = tmp_path / 'speed.json'
    result = run_command(
        ['python', TOOL, '--quick', '--only', 'pipeline', '--out-json', out],
        env=dict(OMP_NUM_THREADS='1'))
    assert result.returncode == 0, result.stdout[-4000:]
    res = json.loads(out.read_text())
    assert 'pipeline' in res and 'step' not in res and 'ddp' not in res


def test_unknown_table_is_an_error(run_command):
    result = run_command(['python', TOOL, '--only', 'pipline'])
    assert result.returncode != 0 and 'pipline' in result.stdout
