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
   followed by a gate-in, discharge or gate-out (``GTOT``) of ``C`` at the leg's origin (taken
   off again, or arrived after the loading);
3. **nothing shows ``C`` moved on**: no departure, arrival or discharge of ``C`` on the leg, no
   event of ``C`` matched to a later leg, no event of ``C`` at a place further along the
   planned route (this leg's destination, a later leg's places), and no event of ``C`` dated
   after the departure anywhere but the leg's origin. Unmatched events count too (a gate-out
   in Singapore, which the journey has no milestone for, shows the box arrived);
4. and the carrier **reports this leg container by container**: another container of the bill
   was reported loaded on the leg, or ``C``'s own loading on it was undone (rule 2). A carrier
   that reports only its vehicle's movements says nothing about any one container, so its
   departure leaves nobody behind, even when the previous leg's events (the rail's discharge
   at Qinzhou, a gate-in there) put the container at the departure point.

An equipment event naming no container (gate-in, loading, discharge) applies to every container,
as in the journey. A container is left behind once, at the first leg where this holds: a box
left at Qinzhou is not also "left behind" at the next transshipment. A container not on the
bill is not followed (its events are ignored by the journey), and planned or estimated events
never count. Following one container, the others' loadings are not seen, so only its own undone
loading can show it left behind. When the missing loading is reported later (the box sails on
the next vessel) the container is no longer left behind.

``journey_alerts`` turns each finding into an alert once the departure has been known for a
grace period, so a loading reported a little after the departure is not taken for a box left
behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
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
_GATE_OUT_CODES = frozenset({"GTOT", "GATED_OUT"})
_EQUIPMENT_EVENT_TYPE_FIELDS = ("equipmentEventType", "equipmentEventTypeCode")


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
    """Its last actual gate-in, discharge or gate-out at the leg's origin, if any."""
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

    @property
    def gated_out(self) -> bool:
        """Whether ``last_seen`` is a gate-out: the box left the terminal at the origin."""
        return self.last_seen is not None and _is_gate_out(self.last_seen)


def _is_gate_out(event: TrackingEvent) -> bool:
    """A DCSA gate-out (``GTOT``, ``GATED_OUT``). The journey has no milestone for it (the cargo
    leaves the terminal), so the code is read from the event's classification."""
    classification = event.raw.get("eventClassification")
    if event.event_type != "EQUIPMENT" or not isinstance(classification, Mapping):
        return False
    codes = (classification.get(name) for name in _EQUIPMENT_EVENT_TYPE_FIELDS)
    code = next((c for c in codes if isinstance(c, str) and c), "")
    return code.upper() in _GATE_OUT_CODES


def _dated_actual(events: Iterable[TrackingEvent]) -> list[TrackingEvent]:
    """Actual, dated events, whether or not the journey has a milestone for them."""
    return [e for e in events if e.classifier is Classifier.ACTUAL and e.event_time is not None]


def _actual(events: Iterable[TrackingEvent]) -> list[TrackingEvent]:
    return [e for e in _dated_actual(events) if e.milestone is not None]


def _names(event: TrackingEvent, container: str) -> bool:
    """Whether the event is about ``container``: it names it, or it is an equipment event
    naming no container (which the journey applies to every container)."""
    if event.equipment_reference is None:
        return event.milestone in _EQUIPMENT_MILESTONES
    return event.equipment_reference == container


def _when(event: TrackingEvent) -> dt.datetime:
    assert event.event_time is not None  # ``_dated_actual`` keeps only dated events
    return event.event_time


def _last(events: Iterable[TrackingEvent]) -> TrackingEvent | None:
    return max(events, key=lambda e: (_when(e), e.recency()), default=None)


def _own_events(journey: Journey, container: str) -> list[TrackingEvent]:
    """``container``'s actual events, matched to a leg or not (``Journey.unmatched``)."""
    everything = [e for p in journey.legs for e in p.events] + list(journey.unmatched)
    return [e for e in _dated_actual(everything) if _names(e, container)]


def _ground_events(own: Iterable[TrackingEvent], place: str) -> list[TrackingEvent]:
    """Of ``own``, the gate-ins, discharges and gate-outs at ``place``, whichever leg."""
    return [
        e for e in own if e.location == place and (e.milestone in _ON_THE_GROUND or _is_gate_out(e))
    ]


def _further_places(journey: Journey, leg: PlannedLeg) -> set[str]:
    """The places of the planned route after ``leg``'s origin."""
    places = {leg.destination.code}
    for later in journey.legs[leg.index + 1 :]:
        places |= {later.leg.origin.code, later.leg.destination.code}
    return {code for code in places if code is not None} - {leg.origin.code}


def _moved_on(
    journey: Journey,
    progress: LegProgress,
    container: str,
    own: Iterable[TrackingEvent],
    departed: dt.datetime,
) -> bool:
    """Whether anything shows ``container`` went on after all (rule 3 of the module docstring);
    ``own`` are its events (``_own_events``)."""
    leg = progress.leg
    if any(e.milestone in _CARRIED and _names(e, container) for e in _actual(progress.events)):
        return True
    later = journey.legs[leg.index + 1 :]
    if any(_names(e, container) for p in later for e in _actual(p.events)):
        return True
    further = _further_places(journey, leg)
    return any(
        e.location is not None
        and (e.location in further or (e.location != leg.origin.code and _when(e) > departed))
        for e in own
    )


def _check(journey: Journey, progress: LegProgress, container: str) -> LeftBehind | None:
    leg, actual = progress.leg, _actual(progress.events)
    if leg.origin.code is None:
        return None
    departure = _last(e for e in actual if e.milestone is MilestoneKind.DEPARTURE)
    if departure is None:
        return None
    own = _own_events(journey, container)
    if _moved_on(journey, progress, container, own, _when(departure)):
        return None
    last_load = _last(
        e for e in actual if e.milestone is MilestoneKind.LOAD and _names(e, container)
    )
    # Only an event that names the container can undo its loading: one naming no container
    # (the journey applies it to every box) says nothing of this one.
    last_seen = _last(
        e for e in _ground_events(own, leg.origin.code) if e.equipment_reference == container
    )
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
    if last_load is None and not loaded:
        return None  # no loading reported on this leg, of any container: no news box by box
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
