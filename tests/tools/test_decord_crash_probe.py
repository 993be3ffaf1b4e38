"""tools/analysis/decord_crash_probe.py: how a process ended, and the
table. (The stock loader's crash itself is decord's and is not asserted.)"""
import importlib.util
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _tool():
    spec = importlib.util.spec_from_file_location(
        'decord_crash_probe',
        osp.join(REPO, 'tools', 'analysis', 'decord_crash_probe.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_outcome_names_ok_the_error_class_or_the_signal():
    tool = _tool()
    assert tool.outcome('import sys; sys.argv[1]', 'v.avi') == 'ok'
    assert tool.outcome(
        'class BadVideoError(Exception): pass\nraise BadVideoError("x: y")',
        'v.avi') == 'BadVideoError'
    assert tool.outcome('import os, signal; os.kill(os.getpid(), '
                        'signal.SIGSEGV)', 'v.avi') == 'killed by SIGSEGV'
    assert tool.outcome('import sys; sys.exit(3)', 'v.avi') == 'exit 3'


def test_table_rows():
    rows = [('xvid', 50, 'killed by SIGSEGV', 'BadVideoError', True),
            ('xvid', 100, 'ok', 'ok', False)]
    assert _tool().table(rows).splitlines()[2:] == [
        '| xvid | 50 % | killed by SIGSEGV | BadVideoError | yes |',
        '| xvid | 100 % | ok | ok | no |'
    ]
