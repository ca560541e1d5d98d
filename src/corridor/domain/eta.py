"""The estimated time of arrival at the journey's final destination.

``estimate_arrival`` walks the legs in order, carrying the cargo's time forward:

1. **What happened** stays: a completed leg's actual arrival, an actual departure.
2. **Carrier estimates** come next: an estimated (``eventClassifier`` ``EST``) departure or
   arrival matched to the leg (DCSA TNT 3.0 ``Event`` with ``transportEventType``
   ``DEPARTED``/``ARRIVED``) replaces Corridor's own figure, as long as it is not in the past
   (an estimate of something that should already have happened is stale), a departure not
   before the cargo reaches the origin (else the cargo misses that sailing), and an arrival not
   before the leg's departure.
3. **Observed delay is carried forward**: a leg that has not departed leaves at its planned time
   or, if the cargo reaches its origin late, that much later: ``max(planned departure, arrival at
   the origin + dwell)``. The dwell is the planned gap between the legs (so slack in the plan is
   kept, never used up) unless history knows the dwell at that place. Corridor does not know
   sailing schedules; a container that misses its vessel is assumed to leave about as late as it
   arrived.
4. **Transit from history**: a leg not yet arrived takes ``LegDurationHistory``'s median transit
   for its (from, to, mode) when there are at least ``min_samples`` (5) observations, else the
   planned transit (the document's dates or the typical-duration table of
   ``corridor.domain.legs``). The median, not the mean: transit times are skewed by rare long
   delays, and one 10-day hold should not move every estimate.
5. Nothing that has not happened is estimated before ``now``.

The **range** repeats the walk with the 10th and the 90th percentile of every remaining transit and
dwell (80 % of past journeys fell inside it). With thin history the range is the planned transit
times ``DEFAULT_SPREAD`` (0.9 to 1.25: journeys run late more often and by more than they run
early). A carrier's estimate keeps the leg's spread around it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum

from corridor.domain.durations import quantile
from corridor.domain.journey import Journey, LegProgress, LegStatus, require_aware
from corridor.domain.legs import LegKey, Place, PlannedLeg

__all__ = [
    "DEFAULT_SPREAD",
    "MIN_SAMPLES",
    "DurationEstimate",
    "Eta",
    "EtaBasis",
    "LegDurationHistory",
    "LegEstimate",
    "estimate_arrival",
]

MIN_SAMPLES = 5
DEFAULT_SPREAD = (0.9, 1.25)
_QUANTILES = (0.1, 0.5, 0.9)


class Band(IntEnum):
    """Which walk: the optimistic, the central or the pessimistic one."""

    LOW = 0
    MID = 1
    HIGH = 2


@dataclass(frozen=True)
class DurationEstimate:
    """A duration as p10, median and p90, and whether it came from enough history."""

    p10: dt.timedelta
    median: dt.timedelta
    p90: dt.timedelta
    samples: int
    from_history: bool

    def at(self, band: Band) -> dt.timedelta:
        return (self.p10, self.median, self.p90)[band]

    @classmethod
    def planned(cls, duration: dt.timedelta, samples: int = 0) -> DurationEstimate:
        low, high = DEFAULT_SPREAD
        return cls(duration * low, duration, duration * high, samples, False)


@dataclass(frozen=True)
class LegDurationHistory:
    """Observed durations from the store: transit per (from, to, mode), dwell per UN/LOCODE."""

    transit: Mapping[LegKey, Sequence[dt.timedelta]] = field(default_factory=dict)
    dwell: Mapping[str, Sequence[dt.timedelta]] = field(default_factory=dict)
    min_samples: int = MIN_SAMPLES

    def _estimate(
        self, samples: Sequence[dt.timedelta], fallback: dt.timedelta
    ) -> DurationEstimate:
        usable = [d for d in samples if d >= dt.timedelta(0)]
        if len(usable) < self.min_samples:
            return DurationEstimate.planned(fallback, len(usable))
        low, mid, high = (quantile(usable, q) for q in _QUANTILES)
        return DurationEstimate(low, mid, high, len(usable), True)

    def transit_for(self, leg: PlannedLeg) -> DurationEstimate:
        samples = self.transit.get(leg.key, ()) if leg.key is not None else ()
        return self._estimate(samples, leg.planned_transit)

    def dwell_at(self, place: Place, planned: dt.timedelta) -> DurationEstimate:
        samples = self.dwell.get(place.code, ()) if place.code is not None else ()
        estimate = self._estimate(samples, planned)
        if estimate.from_history:
            return estimate
        return DurationEstimate(planned, planned, planned, estimate.samples, False)


class EtaBasis(StrEnum):
    ACTUAL = "ACTUAL"
    """Taken from actual events."""
    CARRIER_ESTIMATE = "CARRIER_ESTIMATE"
    """A carrier's ``EST`` event."""
    OBSERVED_DELAY = "OBSERVED_DELAY"
    """A delay observed so far, carried forward (or: it has not happened yet, so not before now)."""
    HISTORY = "HISTORY"
    """The median of the store's history of this leg or dwell."""
    PLAN = "PLAN"
    """The planned time or planned transit."""


@dataclass(frozen=True)
class LegEstimate:
    leg: PlannedLeg
    departure: dt.datetime
    arrival: dt.datetime
    departure_basis: EtaBasis
    arrival_basis: EtaBasis


@dataclass(frozen=True)
class Eta:
    """The final ETA, its likely range, what it rests on, and the estimate of every leg."""

    destination: Place
    arrival: dt.datetime
    earliest: dt.datetime
    latest: dt.datetime
    basis: tuple[EtaBasis, ...]
    delay: dt.timedelta
    """ETA minus the planned arrival at the destination (negative: early)."""
    legs: tuple[LegEstimate, ...]
    explanation: str


@dataclass
class _Walk:
    band: Band
    now: dt.datetime
    history: LegDurationHistory
    previous_arrival: dt.datetime | None = None
    previous_planned_arrival: dt.datetime | None = None


def _departure(walk: _Walk, progress: LegProgress) -> tuple[dt.datetime, EtaBasis]:
    leg = progress.leg
    if progress.actual_departure is not None:
        return progress.actual_departure, EtaBasis.ACTUAL
    if progress.status is LegStatus.IN_PROGRESS:
        return min(leg.planned_departure, walk.now), EtaBasis.PLAN
    estimate = progress.estimated_departure
    reachable = walk.previous_arrival is None or (
        estimate is not None and estimate >= walk.previous_arrival
    )
    if estimate is not None and estimate >= walk.now and reachable:
        return estimate, EtaBasis.CARRIER_ESTIMATE
    departure, basis = leg.planned_departure, EtaBasis.PLAN
    if walk.previous_arrival is not None and walk.previous_planned_arrival is not None:
        gap = max(leg.planned_departure - walk.previous_planned_arrival, dt.timedelta(0))
        dwell = walk.history.dwell_at(leg.origin, gap)
        ready = walk.previous_arrival + dwell.at(walk.band)
        if ready > departure:
            late = walk.previous_arrival + gap > leg.planned_departure
            departure, basis = ready, EtaBasis.OBSERVED_DELAY if late else EtaBasis.HISTORY
    if departure < walk.now:
        return walk.now, EtaBasis.OBSERVED_DELAY
    return departure, basis


def _arrival(
    walk: _Walk, progress: LegProgress, departure: dt.datetime
) -> tuple[dt.datetime, EtaBasis]:
    transit = walk.history.transit_for(progress.leg)
    estimate = progress.estimated_arrival
    floor = max(walk.now, departure)
    if estimate is not None and estimate >= floor:
        shifted = estimate + (transit.at(walk.band) - transit.median)
        return max(shifted, floor), EtaBasis.CARRIER_ESTIMATE
    arrival = departure + transit.at(walk.band)
    if arrival < walk.now:
        return walk.now, EtaBasis.OBSERVED_DELAY
    return arrival, EtaBasis.HISTORY if transit.from_history else EtaBasis.PLAN


def _leg_estimate(walk: _Walk, progress: LegProgress) -> LegEstimate:
    leg = progress.leg
    if progress.status is LegStatus.COMPLETED:
        arrival = progress.actual_arrival or min(leg.planned_arrival, walk.now)
        departure = progress.actual_departure or min(leg.planned_departure, arrival)
        return LegEstimate(leg, departure, arrival, EtaBasis.ACTUAL, EtaBasis.ACTUAL)
    departure, departure_basis = _departure(walk, progress)
    arrival, arrival_basis = _arrival(walk, progress, departure)
    return LegEstimate(leg, departure, arrival, departure_basis, arrival_basis)


def _walk(
    journey: Journey, history: LegDurationHistory, now: dt.datetime, band: Band
) -> list[LegEstimate]:
    walk = _Walk(band, now, history)
    estimates = []
    for progress in journey.legs:
        estimate = _leg_estimate(walk, progress)
        estimates.append(estimate)
        walk.previous_arrival = estimate.arrival
        walk.previous_planned_arrival = progress.leg.planned_arrival
    return estimates


def _basis(journey: Journey, legs: Sequence[LegEstimate]) -> tuple[EtaBasis, ...]:
    if journey.is_complete:
        return (EtaBasis.ACTUAL,)
    used: set[EtaBasis] = set()
    for progress, estimate in zip(journey.legs, legs, strict=True):
        if progress.status is LegStatus.COMPLETED:
            continue
        used.update((estimate.departure_basis, estimate.arrival_basis))
        late = estimate.departure > progress.leg.planned_departure
        if estimate.departure_basis is EtaBasis.ACTUAL and late:
            used.add(EtaBasis.OBSERVED_DELAY)
    used.discard(EtaBasis.ACTUAL)
    return tuple(b for b in EtaBasis if b in used) or (EtaBasis.PLAN,)


_BASIS_WORDS = {
    EtaBasis.ACTUAL: "the actual arrival",
    EtaBasis.CARRIER_ESTIMATE: "the carrier's estimate",
    EtaBasis.OBSERVED_DELAY: "the delay observed so far",
    EtaBasis.HISTORY: "past transit times on this corridor",
    EtaBasis.PLAN: "the planned schedule",
}


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _hours(delta: dt.timedelta) -> str:
    hours = round(abs(delta.total_seconds()) / 3600)
    if hours == 0:
        return "on plan"
    return f"{hours} h {'later than' if delta > dt.timedelta(0) else 'earlier than'} planned"


def _explain(eta: Eta) -> str:
    if eta.basis == (EtaBasis.ACTUAL,):
        return f"Arrived at {eta.destination.label} {_utc(eta.arrival)} ({_hours(eta.delay)})."
    words = [_BASIS_WORDS[b] for b in eta.basis]
    basis = " and ".join(filter(None, (", ".join(words[:-1]), words[-1])))
    return (
        f"Expected at {eta.destination.label} {_utc(eta.arrival)} ({_hours(eta.delay)}; "
        f"likely between {_utc(eta.earliest)} and {_utc(eta.latest)}), based on {basis}."
    )


def estimate_arrival(journey: Journey, history: LegDurationHistory | None, now: dt.datetime) -> Eta:
    """The ETA at the journey's final destination (see the module docstring)."""
    require_aware(now)
    history = history or LegDurationHistory()
    low, mid, high = (_walk(journey, history, now, band) for band in Band)
    planned = journey.legs[-1].leg.planned_arrival
    eta = Eta(
        destination=journey.destination,
        arrival=mid[-1].arrival,
        earliest=min(low[-1].arrival, mid[-1].arrival),
        latest=max(high[-1].arrival, mid[-1].arrival),
        basis=_basis(journey, mid),
        delay=mid[-1].arrival - planned,
        legs=tuple(mid),
        explanation="",
    )
    return replace(eta, explanation=_explain(eta))
