"""The alert watcher's pure parts: its interval setting and the periodic job wrapper."""

from __future__ import annotations

from datetime import timedelta

import pytest

from corridor.errors import NodeError
from corridor.services.alert_watch import DEFAULT_INTERVAL, INTERVAL_ENV, Every, watch_interval


def test_the_interval_defaults_to_five_minutes() -> None:
    assert watch_interval({}) == DEFAULT_INTERVAL == timedelta(minutes=5)
    assert watch_interval({INTERVAL_ENV: "  "}) == DEFAULT_INTERVAL


@pytest.mark.parametrize(("text", "expected"), [("1", 60), ("0.5", 30), ("1440", 86400)])
def test_the_interval_is_minutes(text: str, expected: float) -> None:
    assert watch_interval({INTERVAL_ENV: text}).total_seconds() == expected


@pytest.mark.parametrize("text", ["0", "-1", "soon", "1441", "nan", "inf"])
def test_a_bad_interval_is_refused_naming_the_setting(text: str) -> None:
    with pytest.raises(NodeError, match=INTERVAL_ENV) as refused:
        watch_interval({INTERVAL_ENV: text})
    assert repr(text) in refused.value.message


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_every_runs_at_once_then_once_per_interval() -> None:
    clock = FakeTime()
    runs: list[float] = []

    def job() -> int:
        runs.append(clock.now)
        return 7

    every = Every(timedelta(minutes=5), job, monotonic=clock)
    assert every() == 7
    clock.now += 299
    assert every() == 0
    clock.now += 1
    assert every() == 7
    assert runs == [100.0, 400.0]


def test_a_failing_job_waits_for_the_next_interval() -> None:
    clock = FakeTime()
    calls = 0

    def job() -> int:
        nonlocal calls
        calls += 1
        raise RuntimeError("the database is away")

    every = Every(timedelta(seconds=60), job, monotonic=clock)
    with pytest.raises(RuntimeError):
        every()
    assert every() == 0
    assert calls == 1
