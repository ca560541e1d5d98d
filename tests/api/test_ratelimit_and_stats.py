"""The public rate limiter's token bucket, and benchmark figures that never overstate."""

from __future__ import annotations

import pytest

from corridor.api.ratelimit import RateLimitedError, RateLimiter
from corridor.bench.stats import floor_to, latency_ms, percentile


def test_a_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    limiter = RateLimiter(rate=2.0, burst=3)
    for _ in range(3):
        limiter.take("a", now=0.0)
    with pytest.raises(RateLimitedError) as refused:
        limiter.take("a", now=0.0)
    assert refused.value.retry_after == pytest.approx(0.5)
    limiter.take("b", now=0.0)  # another client has its own bucket
    limiter.take("a", now=0.5)
    with pytest.raises(RateLimitedError):
        limiter.take("a", now=0.5)


def test_figures_are_cut_not_rounded_up() -> None:
    assert floor_to(1.23999) == 1.239
    assert floor_to(1877.99, 1) == 1877.9
    assert percentile([float(n) for n in range(1, 101)], 0.99) == 99.0
    assert latency_ms([0.0015, 0.002, 0.1]) == {"p50": 2.0, "p99": 100.0, "max": 100.0}
    assert latency_ms([]) == {"p50": 0.0, "p99": 0.0, "max": 0.0}
