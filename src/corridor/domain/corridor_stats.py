"""Corridor statistics over stored journeys, for the corridor page's charts.

Pure functions over ``Journey`` values (``corridor.domain.journey``); the store decides which
journeys to pass (typically the completed ones of a period). Only legs with both an actual
departure and an actual arrival count; a journey still under way contributes its finished legs.

* **Transit time per leg**: actual arrival minus actual departure, per (from, to, mode),
  summarised by count, median, 10th and 90th percentile (``corridor.domain.durations``).
* **On-time share per leg**: the share of legs whose actual arrival is no more than
  ``ON_TIME_TOLERANCE`` (24 h) after the planned arrival; early counts as on time. A day because
  the transport document plans by date only (DCSA eBL 3.0.3 ``plannedArrivalDate``): anything
  finer than a day would measure the planning convention, not the carrier.
* **Dwell at the port of loading** (Qinzhou, CNQZH, by default): from the moment the cargo was
  there (the earliest of the previous leg's arrival, the gate-in and the loading) to the vessel's
  actual departure, summarised and binned for a histogram.

``duration_history`` turns the same journeys into the ``LegDurationHistory`` the ETA uses, so
the page and the estimates rest on the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from corridor.domain.durations import DurationSummary, summarise
from corridor.domain.eta import LegDurationHistory
from corridor.domain.journey import Journey, LegProgress
from corridor.domain.legs import LegKey

__all__ = [
    "ON_TIME_TOLERANCE",
    "DwellDistribution",
    "HistogramBin",
    "OnTimeShare",
    "duration_history",
    "dwell_distribution",
    "dwell_times",
    "on_time_share",
    "transit_times",
]

ON_TIME_TOLERANCE = dt.timedelta(hours=24)


def _finished_legs(journeys: Iterable[Journey]) -> Iterator[tuple[LegKey, LegProgress]]:
    for journey in journeys:
        for progress in journey.legs:
            key = progress.leg.key
            if key is not None and progress.transit is not None:
                yield key, progress


def transit_times(journeys: Iterable[Journey]) -> dict[LegKey, DurationSummary]:
    """Median, p10 and p90 of the actual transit time of every leg with finished trips."""
    samples: dict[LegKey, list[dt.timedelta]] = defaultdict(list)
    for key, progress in _finished_legs(journeys):
        assert progress.transit is not None
        samples[key].append(progress.transit)
    return {key: s for key, values in samples.items() if (s := summarise(values)) is not None}


@dataclass(frozen=True)
class OnTimeShare:
    legs: int
    on_time: int
    tolerance: dt.timedelta

    @property
    def share(self) -> float:
        return self.on_time / self.legs if self.legs else 0.0


def on_time_share(
    journeys: Iterable[Journey], tolerance: dt.timedelta = ON_TIME_TOLERANCE
) -> dict[LegKey, OnTimeShare]:
    """Per leg: how many finished trips arrived no later than ``tolerance`` after plan."""
    counts: dict[LegKey, list[int]] = defaultdict(lambda: [0, 0])
    for key, progress in _finished_legs(journeys):
        delay = progress.arrival_delay
        assert delay is not None
        counts[key][0] += 1
        counts[key][1] += int(delay <= tolerance)
    return {key: OnTimeShare(n, ok, tolerance) for key, (n, ok) in counts.items()}


def _dwells(journeys: Iterable[Journey]) -> Iterator[tuple[str, dt.timedelta]]:
    for journey in journeys:
        for progress in journey.legs:
            code = progress.leg.origin.code
            ready, departed = progress.ready_since, progress.actual_departure
            if code is None or ready is None or departed is None:
                continue
            if departed >= ready:
                yield code, departed - ready


def dwell_times(journeys: Iterable[Journey], port: str = "CNQZH") -> list[dt.timedelta]:
    """Every observed wait at ``port`` before the departure of the leg leaving it."""
    return [dwell for code, dwell in _dwells(journeys) if code == port]


@dataclass(frozen=True)
class HistogramBin:
    start: dt.timedelta
    end: dt.timedelta
    count: int


@dataclass(frozen=True)
class DwellDistribution:
    port: str
    summary: DurationSummary | None
    bins: tuple[HistogramBin, ...]


def dwell_distribution(
    journeys: Iterable[Journey],
    port: str = "CNQZH",
    bin_width: dt.timedelta = dt.timedelta(hours=12),
) -> DwellDistribution:
    """The dwell at ``port``: summary and a histogram of ``bin_width`` bins from zero."""
    if bin_width <= dt.timedelta(0):
        raise ValueError("the histogram's bin width must be positive")
    dwells = dwell_times(journeys, port)
    counts: dict[int, int] = defaultdict(int)
    for dwell in dwells:
        counts[dwell // bin_width] += 1
    top = max(counts, default=-1)
    bins = tuple(
        HistogramBin(bin_width * i, bin_width * (i + 1), counts.get(i, 0)) for i in range(top + 1)
    )
    return DwellDistribution(port, summarise(dwells), bins)


def duration_history(journeys: Iterable[Journey], min_samples: int = 5) -> LegDurationHistory:
    """The store's history for the ETA: transit per leg and dwell per place of departure."""
    collected = list(journeys)
    transit: dict[LegKey, list[dt.timedelta]] = defaultdict(list)
    for key, progress in _finished_legs(collected):
        assert progress.transit is not None
        transit[key].append(progress.transit)
    dwell: dict[str, list[dt.timedelta]] = defaultdict(list)
    for code, wait in _dwells(collected):
        dwell[code].append(wait)
    return LegDurationHistory(dict(transit), dict(dwell), min_samples)
