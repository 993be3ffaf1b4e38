import os

import pytest

from mmstcr_tools.preparation import CaseInsensitiveResolver


def touch(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'w').close()


@pytest.fixture
def tree(tmp_path):
    touch(tmp_path / 'HandStandPushups' / 'v_HandStandPushups_g01_c01.avi')
    touch(tmp_path / 'Archery' / 'v_Archery_g01_c01.avi')
    touch(tmp_path / 'Twin' / 'a.avi')
    touch(tmp_path / 'Twin' / 'A.avi')
    os.makedirs(tmp_path / 'Archery' / 'v_dir.avi')
    return str(tmp_path)


def test_exact(tree):
    resolver = CaseInsensitiveResolver(tree)
    assert resolver.resolve('Archery/v_Archery_g01_c01.avi') == (
        'Archery/v_Archery_g01_c01.avi', None)
    # Exact wins over an entry that matches only ignoring case.
    assert resolver.resolve('Twin/A.avi') == ('Twin/A.avi', None)


@pytest.mark.parametrize('listed', [
    'HandstandPushups/v_HandstandPushups_g01_c01.avi',
    'handstandpushups/V_HANDSTANDPUSHUPS_G01_C01.AVI',
    'HandStandPushups/v_HandstandPushups_g01_c01.avi',
])
def test_case_insensitive(tree, listed):
    assert CaseInsensitiveResolver(tree).resolve(listed) == (
        'HandStandPushups/v_HandStandPushups_g01_c01.avi', None)


def test_missing_and_ambiguous(tree):
    resolver = CaseInsensitiveResolver(tree)
    found, reason = resolver.resolve('Archery/v_Archery_g02_c01.avi')
    assert found is None
    assert reason.startswith("missing: no 'v_Archery_g02_c01.avi' in ")
    assert reason.endswith('Archery')
    found, reason = resolver.resolve('Bowling/x.avi')
    assert found is None and "no 'Bowling' in" in reason
    found, reason = resolver.resolve('twin/a.AVI')
    assert found is None
    assert reason == "ambiguous: 'a.AVI' matches ['A.avi', 'a.avi'] " \
        'ignoring case'
    # A folder where a file is expected.
    found, reason = resolver.resolve('Archery/v_dir.avi')
    assert found is None and reason.endswith('is not a file')


def test_root_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match='video root not found'):
        CaseInsensitiveResolver(str(tmp_path / 'nope'))
