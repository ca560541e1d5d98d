"""Corridor statistics over journeys, and duration quantiles."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.domain.test_journey_fixtures import at, demo_plan, event

from corridor.domain.corridor_stats import (
    ON_TIME_TOLERANCE,
    HistogramBin,
    duration_history,
    dwell_distribution,
    dwell_times,
    on_time_share,
    transit_times,
)
from corridor.domain.durations import quantile, summarise
from corridor.domain.eta import estimate_arrival
from corridor.domain.journey import Journey, build_journey
from corridor.domain.legs import LegKey
from corridor.domain.tracking_event import Mode

H = dt.timedelta(hours=1)
RAIL = LegKey("CNCQI", "CNQZH", Mode.RAIL)
SEA = LegKey("CNQZH", "SGSIN", Mode.VESSEL)


def journey(rail: tuple[str, str], sea: tuple[str, str] | None = None) -> Journey:
    events = [
        event("rd", "DEPA", rail[0], "CNCQI", mode="RAIL"),
        event("ra", "ARRI", rail[1], "CNQZH", mode="RAIL"),
    ]
    if sea is not None:
        events += [
            event("sd", "DEPA", sea[0], "CNQZH", mode="VESSEL"),
            event("sa", "ARRI", sea[1], "SGSIN", mode="VESSEL"),
        ]
    return build_journey(demo_plan(), events, at("04-30 00:00"))


# Plans: rail 03-09 12:00 -> 03-11 12:00, sea 03-12 12:00 -> 03-18 12:00.
HISTORY = [
    journey(("03-09 12:00", "03-11 12:00"), ("03-12 12:00", "03-18 12:00")),  # all on plan
    journey(("03-09 12:00", "03-11 18:00"), ("03-12 18:00", "03-19 18:00")),  # sea 30 h late
    journey(("03-10 12:00", "03-12 20:00"), ("03-14 08:00", "03-20 08:00")),  # both late
    journey(("03-09 12:00", "03-11 06:00")),  # still at Qinzhou: only the rail leg counts
]


def test_transit_time_per_leg() -> None:
    stats = transit_times(HISTORY)
    rail, sea = stats[RAIL], stats[SEA]
    assert (rail.count, rail.minimum, rail.maximum) == (4, 42 * H, 56 * H)
    assert rail.median == 51 * H  # (48 + 54) / 2
    assert rail.p10 == 43.8 * H
    assert rail.p90 == 55.4 * H
    assert (sea.count, sea.median, sea.p90) == (3, 144 * H, 163.2 * H)


def test_on_time_share_per_leg() -> None:
    assert ON_TIME_TOLERANCE == 24 * H
    shares = on_time_share(HISTORY)
    assert (shares[RAIL].legs, shares[RAIL].on_time) == (4, 3)  # 32 h late is not on time
    assert shares[RAIL].share == 0.75
    assert (shares[SEA].legs, shares[SEA].on_time) == (3, 1)
    strict = on_time_share(HISTORY, tolerance=dt.timedelta(0))
    assert strict[RAIL].on_time == 2  # on plan, and early
    assert on_time_share([]) == {}


def test_dwell_at_qinzhou() -> None:
    assert dwell_times(HISTORY) == [24 * H, 24 * H, 36 * H]
    distribution = dwell_distribution(HISTORY)
    assert distribution.port == "CNQZH"
    assert distribution.summary is not None
    assert distribution.summary.median == 24 * H
    assert distribution.bins == (
        HistogramBin(0 * H, 12 * H, 0),
        HistogramBin(12 * H, 24 * H, 0),
        HistogramBin(24 * H, 36 * H, 2),
        HistogramBin(36 * H, 48 * H, 1),
    )
    assert dwell_distribution(HISTORY, "SGSIN") == dwell_distribution([], "SGSIN")
    assert dwell_distribution([], "SGSIN").bins == ()
    with pytest.raises(ValueError, match="positive"):
        dwell_distribution(HISTORY, bin_width=dt.timedelta(0))


def test_the_history_for_the_eta_comes_from_the_same_journeys() -> None:
    history = duration_history(HISTORY * 2)  # eight rail trips, six sea trips, six dwells
    assert sorted(history.transit) == sorted([RAIL, SEA])
    assert len(history.transit[RAIL]) == 8
    assert history.dwell == {"CNQZH": [24 * H, 24 * H, 36 * H] * 2}
    fresh = build_journey(demo_plan(), [], at("03-01 00:00"))
    eta = estimate_arrival(fresh, history, at("03-01 00:00"))
    # Rail median 51 h -> Qinzhou 03-11 15:00; median dwell 24 h -> sails 03-12 15:00;
    # sea median 144 h.
    assert eta.arrival == at("03-18 15:00")


def test_quantiles() -> None:
    assert quantile([H], 0.9) == H
    assert quantile([H, 3 * H], 0.5) == 2 * H
    assert summarise([]) is None
    with pytest.raises(ValueError, match="no durations"):
        quantile([], 0.5)
    with pytest.raises(ValueError, match="outside"):
        quantile([H], 1.5)


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=2, max_size=40))
def test_quantiles_agree_with_the_standard_library(seconds: list[int]) -> None:
    values = [dt.timedelta(seconds=s) for s in seconds]
    deciles = statistics.quantiles(seconds, n=10, method="inclusive")
    for k, expected in enumerate(deciles, start=1):
        assert quantile(values, k / 10).total_seconds() == pytest.approx(expected, abs=1e-3)
