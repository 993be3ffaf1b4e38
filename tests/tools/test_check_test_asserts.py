"""tools/misc/check_test_asserts.py: finds the test functions that check
nothing, follows helpers through calls, and passes on this suite."""
import importlib.util
import os.path as osp
import textwrap

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'misc', 'check_test_asserts.py')


def _tool():
    spec = importlib.util.spec_from_file_location('check_test_asserts', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLE = '''
import pytest
import torch
from conftest import shared_check


def _helper_checks(x):
    assert x


def _helper_calls_helper(x):
    _helper_checks(x)


def _helper_idle(x):
    return x + 1


def test_assert():
    assert 1


def test_raises():
    with pytest.raises(ValueError):
        int('a')


def test_assert_close():
    torch.testing.assert_close(torch.ones(1), torch.ones(1))


def test_two_levels_of_helpers():
    _helper_calls_helper(1)


def test_conftest_helper():
    shared_check(1)


def test_nothing():
    _helper_idle(1)


def test_only_a_comparison():
    1 == 2


class TestGroup:

    def test_method_checks(self):
        assert True

    def test_method_idle(self):
        pass
'''

CONFTEST = '''
def shared_check(x):
    if not x:
        pytest.fail('no')
'''


def test_finds_exactly_the_tests_without_a_check(tmp_path, capsys):
    (tmp_path / 'test_sample.py').write_text(textwrap.dedent(SAMPLE))
    (tmp_path / 'conftest.py').write_text(textwrap.dedent(CONFTEST))
    tool = _tool()
    findings = tool.find_unchecked([str(tmp_path)])
    assert [line.split(': ', 1)[1] for line in findings] == [
        'test_nothing checks nothing',
        'test_only_a_comparison checks nothing',
        'test_method_idle checks nothing',
    ]
    lines = SAMPLE.splitlines()
    for finding in findings:  # file:line names the def
        path, line, _ = finding.split(':', 2)
        assert path.endswith('test_sample.py')
        assert lines[int(line) - 1].lstrip().startswith('def test_')
    assert tool.main([str(tmp_path)]) == 1
    assert '3 test function(s) without a check' in capsys.readouterr().out


def test_this_suite_has_no_test_without_a_check(capsys):
    assert _tool().main([osp.join(REPO, 'tests')]) == 0, \
        capsys.readouterr().out
