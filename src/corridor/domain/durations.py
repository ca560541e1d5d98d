"""Quantiles of durations, shared by the ETA and the corridor statistics.

Quantiles interpolate linearly between the two nearest order statistics (Hyndman & Fan's type 7,
the default of R, NumPy and ``statistics.quantiles(method="inclusive")``): for ``n`` sorted
values the ``q`` quantile sits at position ``(n - 1) * q``. With one value every quantile is that
value. Leg durations are skewed to the right (a customs hold or a missed sailing adds days, nothing
removes them), so Corridor summarises them by the median and the 10th and 90th percentiles rather
than by a mean and a standard deviation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["DurationSummary", "quantile", "summarise"]


def quantile(values: Sequence[dt.timedelta], q: float) -> dt.timedelta:
    """The ``q`` quantile (0 <= q <= 1) of ``values`` (type 7, see the module docstring)."""
    if not values:
        raise ValueError("the quantile of no durations is undefined")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is outside [0, 1]")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


@dataclass(frozen=True)
class DurationSummary:
    count: int
    minimum: dt.timedelta
    p10: dt.timedelta
    median: dt.timedelta
    p90: dt.timedelta
    maximum: dt.timedelta


def summarise(values: Iterable[dt.timedelta]) -> DurationSummary | None:
    """Count, extremes, median and 10th/90th percentiles; ``None`` for no values."""
    collected = sorted(values)
    if not collected:
        return None
    return DurationSummary(
        count=len(collected),
        minimum=collected[0],
        p10=quantile(collected, 0.1),
        median=quantile(collected, 0.5),
        p90=quantile(collected, 0.9),
        maximum=collected[-1],
    )
