"""benchmark_stcr.py --quick runs and writes every table, as JSON and as
Markdown, with sane ratios (no timing thresholds: speed is measured by the
tool, not by tests).

One run covers all six tables with one backbone (each memory row and the
DDP table start fresh processes, so a second backbone would double the
cost); the parsing of ``--archs`` is tested on the parser."""
import importlib.util
import json
import math
import os.path as osp

import pytest

from mmstcr.utils.malloc import is_glibc

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO_ROOT, 'tools', 'analysis', 'benchmark_stcr.py')


def _tool():
    spec = importlib.util.spec_from_file_location('benchmark_stcr', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _median_ratio(row, key='ratio'):
    """A ratio reported as the median of paired per-round ratios lies
    within their spread, and is a positive finite number."""
    spread = row[f'{key}_spread']
    assert spread['min'] <= spread['median'] <= spread['max']
    assert row[key] == spread['median']
    return math.isfinite(row[key]) and row[key] > 0


# The quick run does little compute but starts about a dozen Python
# processes (memory workers, two-process DDP); it took 60-200 s on a 2-core
# machine with a load average of 2-9 (2026-12-03). Its caps guard against a
# hang, with room for a slow machine: they are not a speed check.
QUICK_RUN_CAP_S = 1500


@pytest.mark.timeout(QUICK_RUN_CAP_S + 60)
def test_quick_run_writes_all_tables_as_json_and_markdown(
        run_command, tmp_path):
    out = tmp_path / 'speed.json'
    result = run_command([
        'python', TOOL, '--quick', '--archs', 'c3d', '--out-json', out
    ], env=dict(OMP_NUM_THREADS='1'), timeout=QUICK_RUN_CAP_S)
    assert result.returncode == 0, result.stdout[-4000:]
    res = json.loads(out.read_text())
    assert res['machine']['threads'] == 1
    # the allocator as tools/train.py sets it on a CPU, by default
    assert res['machine']['malloc'] == ('tuned' if is_glibc() else
                                        'default (not glibc)')
    assert res['machine']['nproc'] >= 1 and len(res['machine']['loadavg'])
    assert {'pipeline', 'step', 'memory', 'dataloader', 'ddp',
            'scaling'} <= set(res)
    pipe = res['pipeline']
    assert len(pipe['rows']) == 2  # two generated videos in --quick
    for row in pipe['rows']:
        # the ratio of the two pipelines' median totals
        assert row['ratio'] == pytest.approx(row['stcr_ms']['total'] /
                                             row['mma_ms']['total'])
        assert set(row['stcr_ms']) >= {'decode', 'resize', 'crops',
                                       'flip/STT', 'mixup', 'pack', 'total'}
        assert row['stcr_ms']['decode'] > 0 and row['mma_ms']['mixup'] == 0
        assert 0 < row['stt_mixup_share'] < 1
        assert row['frames_paired'] == 1.0  # the same frames, every round
        spread = row['ratio_spread']
        assert spread['min'] <= spread['median'] <= spread['max']
    assert pipe['geomean_ratio'] == pytest.approx(
        math.prod(r['ratio'] for r in pipe['rows'])**(1 / len(pipe['rows'])))
    assert [r['arch'] for r in res['step']['rows']] == ['c3d']
    assert all(_median_ratio(r) and _median_ratio(r, 'two_pass_ratio')
               for r in res['step']['rows'])
    assert [r['arch'] for r in res['memory']['rows']] == ['c3d']
    assert all(_median_ratio(r) and _median_ratio(r, 'tensor_ratio')
               for r in res['memory']['rows'])
    assert [r['num_workers'] for r in res['dataloader']['rows']] == [0, 1, 2]
    assert all(r['bottleneck'] in ('data', 'model')
               for r in res['dataloader']['rows'])
    ddp = res['ddp']
    assert _median_ratio(ddp)
    assert ddp['speedup'] == pytest.approx(ddp['one_process_s'] /
                                           ddp['two_process_s'])
    scaling = res['scaling']
    assert len(scaling['rows']) == 6
    assert all(0 < r['own_ms'] < r['stcr_ms'] for r in scaling['rows'])
    assert all(r['ratio'] == pytest.approx(r['stcr_ms'] / r['mma_ms'])
               for r in scaling['rows'])
    for key in ('exponent_clip_len', 'own_exponent_clip_len'):
        assert set(scaling[key]) == {'16', '32'} or \
            set(scaling[key]) == {16, 32}

    # the Markdown file: next to the JSON by default, the printed tables
    md = (tmp_path / 'speed.md').read_text()
    first = md.splitlines()[0]
    assert first.startswith('Machine: nproc ')
    m = res['machine']
    for part in (f"nproc {m['nproc']}", m['cpu'], f"torch {m['torch']}",
                 '1 intra-op thread(s)', f"glibc malloc {m['malloc']}",
                 f"1-minute load average {m['loadavg'][0]:.2f}"):
        assert part in first, (part, first)
    for header in ('| video | STCR ms | MMAction2 ms |',
                   '| backbone | STCR s | 2 x Recognizer3D s | '
                   'ratio (min-max) | STCR, one pass per view s |',
                   '| backbone | STCR tensors MB | Recognizer3D (2x batch) '
                   'tensors MB | ratio (min-max) | STCR RSS MB |',
                   '| num_workers | clips/s | bottleneck |',
                   '| clip length | crop | STCR ms | STCR crops + STT + '
                   'mixup + pack ms | MMAction2 ms |'):
        assert header in md, header
    assert 'geometric mean ratio' in md and 'DDP on CPU (gloo)' in md
    assert '| c3d |' in md
    # one row per video under the pipeline table's separator
    rows = md.split('|---|---:|---:|---:|---:|---|---|\n', 1)[1]
    assert all(rows.splitlines()[i].startswith(f'| {r["video"]} |')
               for i, r in enumerate(pipe['rows']))
    assert md.strip() in result.stdout


def test_only_runs_a_subset_and_out_md_goes_where_asked(run_command,
                                                        tmp_path):
    out_md = tmp_path / 'tables' / 'readme.md'
    out_md.parent.mkdir()
    result = run_command(
        ['python', TOOL, '--quick', '--only', 'pipeline', '--malloc',
         'default', '--out-md', out_md], env=dict(OMP_NUM_THREADS='1'))
    assert result.returncode == 0, result.stdout[-4000:]
    md = out_md.read_text()
    assert md.startswith('Machine: ') and '| video | STCR ms' in md
    assert 'glibc malloc default,' in md.splitlines()[0]
    assert '| backbone |' not in md and 'DDP on CPU' not in md


def test_markdown_path_and_archs():
    tool = _tool()
    assert tool.markdown_path(None, 'a/speed.json') == 'a/speed.md'
    assert tool.markdown_path('b.md', 'a/speed.json') == 'b.md'
    assert tool.markdown_path(None, None) is None
    args = tool.parse_args(['--archs', 'r3d,c3d', '--quick'])
    assert args.archs == ['r3d', 'c3d'] and args.repeats == 3


def test_unknown_table_is_an_error(run_command):
    result = run_command(['python', TOOL, '--only', 'pipline'])
    assert result.returncode != 0 and 'pipline' in result.stdout
