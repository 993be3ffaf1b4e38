"""Summaries over seeds: mean and standard deviation, and the paired
difference of two methods with its t-interval."""
import math
from dataclasses import dataclass
from typing import Sequence

from scipy import stats


@dataclass(frozen=True)
class Summary:
    """Mean and sample standard deviation (``ddof=1``; 0 for one value)."""
    mean: float
    std: float
    n: int

    def format(self, scale: float = 100., digits: int = 1) -> str:
        """``'mean ± std'``, or the value alone for a single seed."""
        mean, std = self.mean * scale, self.std * scale
        if self.n == 1:
            return f'{mean:.{digits}f}'
        return f'{mean:.{digits}f} ± {std:.{digits}f}'


@dataclass(frozen=True)
class PairedDifference:
    """``a - b`` paired by seed: mean, and the two-sided ``level``
    Student-t interval ``mean ± t_{(1+level)/2, n-1} * sd / sqrt(n)``
    (NaN bounds for a single pair)."""
    mean: float
    low: float
    high: float
    n: int
    level: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def format(self, scale: float = 100., digits: int = 1) -> str:
        if math.isnan(self.low):
            return f'{self.mean * scale:+.{digits}f} (one seed: no interval)'
        return (f'{self.mean * scale:+.{digits}f} '
                f'[{self.low * scale:+.{digits}f}, '
                f'{self.high * scale:+.{digits}f}]')


def _check(values: Sequence[float], what: str) -> list:
    values = [float(v) for v in values]
    if not values:
        raise ValueError(f'{what}: no values')
    if any(math.isnan(v) for v in values):
        raise ValueError(f'{what}: NaN among the values {values}')
    return values


def summarize(values: Sequence[float]) -> Summary:
    """Mean and sample standard deviation of per-seed values."""
    values = _check(values, 'summarize')
    n = len(values)
    mean = sum(values) / n
    var = (sum((v - mean)**2 for v in values) / (n - 1)) if n > 1 else 0.
    return Summary(mean=mean, std=math.sqrt(var), n=n)


def paired_difference(a: Sequence[float],
                      b: Sequence[float],
                      level: float = 0.95) -> PairedDifference:
    """The paired difference ``a - b`` over seeds (``a[i]`` and ``b[i]``
    share seed ``i``) with its Student-t interval."""
    a, b = _check(a, 'paired_difference'), _check(b, 'paired_difference')
    if len(a) != len(b):
        raise ValueError(f'paired_difference needs one value per seed on '
                         f'both sides; got {len(a)} and {len(b)}')
    if not 0 < level < 1:
        raise ValueError(f'level must be in (0, 1), got {level!r}')
    diffs = [x - y for x, y in zip(a, b)]
    s = summarize(diffs)
    if s.n < 2:
        return PairedDifference(s.mean, float('nan'), float('nan'), 1, level)
    half = stats.t.ppf((1 + level) / 2, s.n - 1) * s.std / math.sqrt(s.n)
    return PairedDifference(s.mean, s.mean - half, s.mean + half, s.n, level)
