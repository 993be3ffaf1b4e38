"""tools/analysis/fault_injection.py: a CPU pretraining killed by SIGKILL,
at a random moment and inside a checkpoint save, resumes with ``--resume``
and repeats the unbroken run's losses and weights (issue 19, item 3). The
same tool, run on MMEngine's own CheckpointHook, finds the fault the issue
reported, so the tool can fail.

A short schedule (2 epochs) to stay quick; ``python
tools/analysis/fault_injection.py`` runs 30 trials of 6 epochs
(docs/faults.md).
"""
import json
import os.path as osp

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO_ROOT, 'tools', 'analysis', 'fault_injection.py')


@pytest.fixture(scope='module')
def data_dir(tmp_path_factory):
    """Where the tool writes its videos once (each run writes them if they
    are missing, so a failure here is no run's failure)."""
    return tmp_path_factory.mktemp('fault_injection_videos')


def run_tool(run_command, data_dir, work_dir, *args):
    result = run_command([
        'python', TOOL, '--epochs', '2', '--work-dir', work_dir,
        '--data-dir', data_dir, '--json', work_dir / 'rows.json', *args
    ],
                         cwd=REPO_ROOT,
                         timeout=900)
    rows = None
    if (work_dir / 'rows.json').is_file():
        rows = json.loads((work_dir / 'rows.json').read_text())['rows']
    return result, rows


@pytest.mark.timeout(1000)
def test_random_kill_and_kill_between_writing_and_renaming_resume_exactly(
        run_command, data_dir, tmp_path):
    result, rows = run_tool(run_command, data_dir, tmp_path, '--trials', '2',
                            '--in-save-every', '2', '--stages', 'written',
                            '--kill-save', '2')
    assert result.returncode == 0, result.stdout[-4000:]
    assert rows is not None, result.stdout[-4000:]
    random_kill, in_save = rows
    assert random_kill['moment'].startswith('after ')
    assert in_save['moment'] == 'in save 2: written (iter 6 logged)'
    # the kill left the previous checkpoint whole, and the new one unnamed
    assert in_save['state'] == ('epoch_1.pth epoch_2.pth.saving; '
                                'last -> epoch_1.pth')
    assert in_save['resumed'] == 'yes (from epoch_1.pth)'
    for row in rows:
        assert row['passed'] and row['identical'], row
        assert row['detail'].startswith('max |loss diff| ')
    assert '2/2 trials resumed and repeated the unbroken run' in result.stdout


@pytest.mark.timeout(1000)
def test_mmengine_hook_loses_the_run_the_tool_reports_it(
        run_command, data_dir, tmp_path):
    """MMEngine's hook with max_keep_ckpts=1, killed while it writes the
    second checkpoint: it had removed the first before writing, so nothing
    is left to resume from (the issue's report)."""
    result, rows = run_tool(run_command, data_dir, tmp_path, '--trials', '1',
                            '--in-save-every', '1', '--kill-save', '2',
                            '--checkpoint-hook', 'CheckpointHook')
    assert result.returncode == 1, result.stdout[-4000:]
    [row] = rows
    assert row['moment'] == 'in save 2: writing (iter 6 logged)'
    assert row['state'] == ('epoch_2.pth (incomplete); '
                            'last -> epoch_1.pth (missing)')
    assert not row['passed']
    assert '0/1 trials resumed' in result.stdout
