"""Summaries over seeds, against hand-computed values."""
import math

import pytest

from mmstcr_tools.stats import paired_difference, summarize


def test_summarize_by_hand():
    s = summarize([0.2, 0.4, 0.6])
    assert s.mean == pytest.approx(0.4)
    assert s.std == pytest.approx(0.2)  # sqrt(((.2)^2 + 0 + (.2)^2) / 2)
    assert s.format() == '40.0 ± 20.0'
    assert summarize([0.5]).std == 0
    assert summarize([0.5]).format() == '50.0'  # one seed: no spread


def test_paired_difference_t_interval_by_hand():
    a = [0.50, 0.60, 0.70]
    b = [0.40, 0.45, 0.50]
    d = paired_difference(a, b)
    # diffs .10 .15 .20: mean .15, sd .05, t(0.975, 2) = 4.302653
    half = 4.302653 * 0.05 / math.sqrt(3)
    assert d.mean == pytest.approx(0.15)
    assert d.low == pytest.approx(0.15 - half, abs=1e-6)
    assert d.high == pytest.approx(0.15 + half, abs=1e-6)
    assert d.excludes_zero
    assert d.format() == '+15.0 [+2.6, +27.4]'
    # pairing matters: the same values unpaired would not exclude 0 here
    d2 = paired_difference([0.50, 0.70, 0.60], b)
    assert d2.mean == pytest.approx(0.15) and not d2.excludes_zero


def test_one_seed_has_no_interval_and_errors_are_named():
    d = paired_difference([0.5], [0.4])
    assert math.isnan(d.low) and 'no interval' in d.format()
    with pytest.raises(ValueError, match='one value per seed'):
        paired_difference([0.5, 0.6], [0.4])
    with pytest.raises(ValueError, match='NaN'):
        summarize([0.5, float('nan')])
