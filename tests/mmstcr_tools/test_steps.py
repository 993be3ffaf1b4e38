"""Steps run as child processes: progress parsed from MMEngine's log lines,
the full log in a file, and a failure that says how to rerun it."""
import sys

import pytest

from mmstcr_tools.steps import StepError, progress_of, run_step


def test_progress_of_train_and_test_lines():
    line = ('12/01 21:13:27 - mmengine - INFO - Epoch(train)  [4][15/24]  '
            'lr: 1e-3')
    assert progress_of(line, max_epochs=16) == pytest.approx(
        (3 * 24 + 15) / (16 * 24))
    assert progress_of('Epoch(test) [ 5/20]    eta: 0:00:01', None) == 0.25
    # a validation inside a training run is not the run's progress
    assert progress_of('Epoch(val) [4][12/12]  acc/top1: 0.5', 16) is None
    assert progress_of('unrelated', 16) is None


def test_log_goes_to_the_file(tmp_path):
    log = tmp_path / 'logs' / 'ok.log'
    script = ("print('Epoch(train) [1][1/2]'); "
              "print('Epoch(train) [1][2/2]')")
    run_step([sys.executable, '-c', script], str(log), 'ok', max_epochs=1,
             show_progress=False)
    assert 'Epoch(train) [1][2/2]' in log.read_text()


def test_failure_shows_the_tail_and_the_command(tmp_path):
    log = tmp_path / 'bad.log'
    script = "print('first'); print('the last words'); raise SystemExit(3)"
    with pytest.raises(StepError) as err:
        run_step([sys.executable, '-c', script], str(log), 'bad step',
                 show_progress=False)
    message = str(err.value)
    assert 'exit 3' in message and 'the last words' in message
    assert 'rerun it with' in message and '-c' in message
