"""Containers left behind: the vehicle of a leg departed, a container of the bill was not on it.

The journey (``corridor.domain.journey``) moves every container with its vehicle: a vessel's or
a train's transport event names no container (DCSA TNT 3.0 ``TransportEvent`` without
``equipmentDetails``), so it applies to all of them, and a reported departure settles the
gate-in and the loading of every container. That is right for the cargo that was loaded, and
hides the container that was not: one box of the bill still on the quay at Qinzhou while the
vessel sails. This module asks, per container of the bill and per leg, whether the container
went with its vehicle.

A followed container ``C`` is **left behind** at the origin of a leg when, from actual
(``ACT``) events known at ``Journey.as_of``:

1. the leg's vehicle **departed**: an actual departure matched to the leg (the vehicle's own
   transport event, or another container's);
2. ``C`` was **not carried** on the leg: no loading of ``C`` on the leg, or its last loading is
   followed by a gate-in or discharge of ``C`` at the leg's origin (taken off again, or arrived
   after the loading); and nothing shows ``C`` further on (its own departure, arrival or
   discharge on the leg, or any of its actual events on a later leg);
3. and Corridor knows ``C`` was expected there, container by container: ``C`` was gated in or
   discharged at the leg's origin (the rail's discharge at Qinzhou, the vessel's at a
   transshipment port), or its loading there was undone, or another container of the bill was
   reported loaded on the leg. A carrier that reports only its vehicle's movements says nothing
   about any one container, so its departure alone leaves nobody behind.

An equipment event naming no container (gate-in, loading, discharge) applies to every container,
as in the journey. A container is left behind once, at the first leg where this holds: a box
left at Qinzhou is not also "left behind" at the next transshipment. A container not on the
bill is not followed (its events are ignored by the journey), and planned or estimated events
never count. When the missing loading is reported later (the box sails on the next vessel) the
container is no longer left behind.

``journey_alerts`` turns each finding into an alert once the departure has been known for a
grace period, so a loading reported a little after the departure is not taken for a box left
behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corridor.domain.journey import Journey, LegProgress
from corridor.domain.legs import Place, PlannedLeg
from corridor.domain.tracking_event import Classifier, MilestoneKind, TrackingEvent

__all__ = ["LeftBehind", "left_behind"]

_EQUIPMENT_MILESTONES = frozenset(
    {MilestoneKind.GATE_IN, MilestoneKind.LOAD, MilestoneKind.DISCHARGE}
)
_ON_THE_GROUND = frozenset({MilestoneKind.GATE_IN, MilestoneKind.DISCHARGE})
_CARRIED = frozenset({MilestoneKind.DEPARTURE, MilestoneKind.ARRIVAL, MilestoneKind.DISCHARGE})


@dataclass(frozen=True)
class LeftBehind:
    """One container that did not go with the vehicle of one leg."""

    container: str
    leg: PlannedLeg
    departure: TrackingEvent
    """The vehicle's actual departure (the latest report of it)."""
    last_load: TrackingEvent | None
    """The container's last actual loading on the leg, undone by ``last_seen``."""
    last_seen: TrackingEvent | None
    """Its last actual gate-in or discharge at the leg's origin, if any."""
    loaded: tuple[str, ...]
    """The other followed containers reported loaded on the leg."""

    @property
    def place(self) -> Place:
        return self.leg.origin

    @property
    def departed(self) -> dt.datetime:
        return _when(self.departure)

    @property
    def noticed(self) -> dt.datetime:
        """From when the journey could know: the departure happened and was reported."""
        reported = self.departure.known_since or self.departed
        return max(self.departed, reported)


def _actual(events: Iterable[TrackingEvent]) -> list[TrackingEvent]:
    return [
        e
        for e in events
        if e.classifier is Classifier.ACTUAL and e.milestone is not None and e.event_time
    ]


def _names(event: TrackingEvent, container: str) -> bool:
    """Whether the event is about ``container``: it names it, or it is an equipment event
    naming no container (which the journey applies to every container)."""
    if event.equipment_reference is None:
        return event.milestone in _EQUIPMENT_MILESTONES
    return event.equipment_reference == container


def _when(event: TrackingEvent) -> dt.datetime:
    assert event.event_time is not None  # ``_actual`` keeps only dated events
    return event.event_time


def _last(events: Iterable[TrackingEvent]) -> TrackingEvent | None:
    return max(events, key=lambda e: (_when(e), e.recency()), default=None)


def _ground_events(journey: Journey, place: str, container: str) -> list[TrackingEvent]:
    """``container``'s gate-ins and discharges at ``place``, whichever leg they matched."""
    everything = [e for p in journey.legs for e in p.events] + list(journey.unmatched)
    return [
        e
        for e in _actual(everything)
        if e.location == place and e.milestone in _ON_THE_GROUND and _names(e, container)
    ]


def _carried_later(journey: Journey, progress: LegProgress, container: str) -> bool:
    later = journey.legs[progress.leg.index + 1 :]
    return any(_names(e, container) for p in later for e in _actual(p.events))


def _check(journey: Journey, progress: LegProgress, container: str) -> LeftBehind | None:
    leg, actual = progress.leg, _actual(progress.events)
    if leg.origin.code is None:
        return None
    own = [e for e in actual if _names(e, container)]
    if any(e.milestone in _CARRIED for e in own) or _carried_later(journey, progress, container):
        return None
    departure = _last(e for e in actual if e.milestone is MilestoneKind.DEPARTURE)
    if departure is None:
        return None
    last_load = _last(e for e in own if e.milestone is MilestoneKind.LOAD)
    last_seen = _last(_ground_events(journey, leg.origin.code, container))
    if last_load is not None and (last_seen is None or _when(last_load) >= _when(last_seen)):
        return None  # loaded, and not taken off again
    loaded = sorted(
        {
            e.equipment_reference
            for e in actual
            if e.milestone is MilestoneKind.LOAD and e.equipment_reference not in (None, container)
        }
        & set(journey.equipment)
    )
    if last_seen is None and not loaded:
        return None  # nothing says this container was expected on this departure
    return LeftBehind(container, leg, departure, last_load, last_seen, tuple(loaded))


def left_behind(journey: Journey) -> list[LeftBehind]:
    """Every followed container left behind, at the first leg where it was (module docstring),
    in leg order then the document's order of containers."""
    found: list[LeftBehind] = []
    for container in journey.equipment:
        for progress in journey.legs:
            finding = _check(journey, progress, container)
            if finding is not None:
                found.append(finding)
                break
    order: Sequence[str] = journey.equipment
    return sorted(found, key=lambda f: (f.leg.index, order.index(f.container)))
