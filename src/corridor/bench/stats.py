"""Summaries of measured latencies and rates, truncated (never rounded up) for display."""

from __future__ import annotations

import math
import statistics


def floor_to(value: float, places: int = 3) -> float:
    """``value`` cut (not rounded) to ``places`` decimals, so a figure is never overstated."""
    scale: float = 10.0**places
    return math.floor(value * scale) / scale


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile of ``values`` (0 <= q <= 1)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """p50, p99 and max of latencies given in seconds, in milliseconds."""
    if not seconds:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0}
    return {
        "p50": floor_to(statistics.median(seconds) * 1000),
        "p99": floor_to(percentile(seconds, 0.99) * 1000),
        "max": floor_to(max(seconds) * 1000),
    }
