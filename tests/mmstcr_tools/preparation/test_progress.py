import io
import os

import pytest

from mmstcr_tools.preparation import map_with_progress


def square_and_pid(x):
    return x * x, os.getpid()


@pytest.mark.parametrize('workers', [1, 2])
def test_order_and_processes(workers):
    out = io.StringIO()
    results = map_with_progress(square_and_pid, list(range(7)),
                                workers=workers, file=out)
    assert [r for r, _ in results] == [0, 1, 4, 9, 16, 25, 36]
    pids = {pid for _, pid in results}
    if workers == 1:
        assert pids == {os.getpid()}
    else:
        assert os.getpid() not in pids
    assert '7/7' in out.getvalue()


def test_no_items_and_bad_workers():
    assert map_with_progress(square_and_pid, [], workers=2) == []
    with pytest.raises(ValueError, match='workers must be an int >= 1'):
        map_with_progress(square_and_pid, [1], workers=0)
