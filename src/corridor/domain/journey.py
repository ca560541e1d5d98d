"""A transport document's journey: tracking events matched to planned legs, and each leg's status.

Events are DCSA Track & Trace 3.0 ``Event`` objects (read by ``corridor.domain.tracking_event``);
legs come from the transport document (``corridor.domain.legs``).

**Matching** (``match_events``). Only the current version of each event counts: versions sharing
an ``eventID`` collapse to the latest ``eventUpdatedDateTime`` and ``isRetracted`` drops the event.
An event with a milestone is matched to the leg whose *origin* (gate-in, load, departure) or
*destination* (arrival, discharge) is its ``eventLocation.UNLocationCode``, whose mode agrees with
``transportCall.modeOfTransport`` when the event gives one (``MULTIMODAL`` agrees with any), and,
for a transport event of a vessel, whose ``vesselVoyages`` share a voyage number with
``exportVoyageNumberOrReference`` / ``importVoyageNumberOrReference`` when both give one (another
voyage at the same port is another ship). When several events report the same milestone of the
same container with the same classifier, the latest (``eventUpdatedDateTime``, then
``eventDateTime``) wins. An event naming no container (``equipmentDetails`` absent, typically a
vessel's or train's transport event) applies to every container.

**Which containers.** A journey follows one container of the document, or all of them. With all,
a leg has reached a stage only when every container has: the document's cargo has left Qinzhou
when its last container has. Times are then those of the last container. A vehicle's transport
event moves every container with it; whether one was in fact left on the quay is asked from the
containers' own events by ``corridor.domain.left_behind``.

**Leg status** is a state machine driven by three signals from actual (``ACT``) events known at
``now``:

* ``READY``: the cargo is at the leg's origin: a gate-in or load there, or the previous leg's
  arrival;
* ``DEPARTED``: a departure from the origin;
* ``ARRIVED``: an arrival or a discharge at the destination, or any actual event on a later leg
  (the cargo cannot be further along without having arrived).

========================  ===========  ===========  ===========
status before \\ signal    READY        DEPARTED     ARRIVED
========================  ===========  ===========  ===========
PLANNED                   DWELLING     IN_PROGRESS  COMPLETED
DWELLING                  DWELLING     IN_PROGRESS  COMPLETED
IN_PROGRESS               IN_PROGRESS  IN_PROGRESS  COMPLETED
COMPLETED                 COMPLETED    COMPLETED    COMPLETED
========================  ===========  ===========  ===========

No signal is refused and none moves a leg back: events are facts reported late and out of order,
so a leg is at the furthest stage any event shows. ``DWELLING`` is the state of a leg whose cargo
waits at its origin (arrived at the transshipment point or gated in) for the departure.
Estimated and planned events never move a status; estimates feed the ETA.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from corridor.domain.legs import JourneyPlan, Place, PlannedLeg, PlannedMilestone
from corridor.domain.tracking_event import (
    Classifier,
    IgnoredEvent,
    MilestoneKind,
    Mode,
    TrackingEvent,
    current_events,
    read_tracking_event,
)
from corridor.errors import MalformedInputError, NotFoundError

__all__ = [
    "SIGNAL_OF_MILESTONE",
    "TRANSITIONS",
    "EventMatch",
    "Journey",
    "LegProgress",
    "LegStatus",
    "MatchedEvent",
    "MilestoneState",
    "Signal",
    "advance",
    "build_journey",
    "match_events",
    "require_aware",
]

RawEvent = Mapping[str, Any] | TrackingEvent


class LegStatus(StrEnum):
    PLANNED = "PLANNED"
    DWELLING = "DWELLING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {status: rank for rank, status in enumerate(LegStatus)}


class Signal(StrEnum):
    READY = "READY"
    DEPARTED = "DEPARTED"
    ARRIVED = "ARRIVED"


_P, _D, _I, _C = LegStatus
TRANSITIONS: Mapping[tuple[LegStatus, Signal], LegStatus] = {
    (_P, Signal.READY): _D,
    (_P, Signal.DEPARTED): _I,
    (_P, Signal.ARRIVED): _C,
    (_D, Signal.READY): _D,
    (_D, Signal.DEPARTED): _I,
    (_D, Signal.ARRIVED): _C,
    (_I, Signal.READY): _I,
    (_I, Signal.DEPARTED): _I,
    (_I, Signal.ARRIVED): _C,
    (_C, Signal.READY): _C,
    (_C, Signal.DEPARTED): _C,
    (_C, Signal.ARRIVED): _C,
}
"""The table of the module docstring."""

SIGNAL_OF_MILESTONE: Mapping[MilestoneKind, Signal] = {
    MilestoneKind.GATE_IN: Signal.READY,
    MilestoneKind.LOAD: Signal.READY,
    MilestoneKind.DEPARTURE: Signal.DEPARTED,
    MilestoneKind.ARRIVAL: Signal.ARRIVED,
    MilestoneKind.DISCHARGE: Signal.ARRIVED,
}


def advance(status: LegStatus, signal: Signal) -> LegStatus:
    """The status after ``signal`` (the table above)."""
    return TRANSITIONS[(status, signal)]


@dataclass(frozen=True)
class MatchedEvent:
    leg_index: int
    event: TrackingEvent

    @property
    def milestone(self) -> MilestoneKind:
        assert self.event.milestone is not None
        return self.event.milestone


@dataclass(frozen=True)
class EventMatch:
    """Events assigned to legs; the rest, and what was ignored and why."""

    matched: tuple[MatchedEvent, ...]
    unmatched: tuple[TrackingEvent, ...]
    ignored: tuple[IgnoredEvent, ...]

    @cached_property
    def _by_milestone(self) -> dict[tuple[int, MilestoneKind, Classifier], list[TrackingEvent]]:
        index: dict[tuple[int, MilestoneKind, Classifier], list[TrackingEvent]] = {}
        for m in self.matched:
            if m.event.classifier is not None:
                key = (m.leg_index, m.milestone, m.event.classifier)
                index.setdefault(key, []).append(m.event)
        return index

    def latest(
        self, leg_index: int, kind: MilestoneKind, classifier: Classifier, container: str | None
    ) -> TrackingEvent | None:
        """The winning event for one milestone of one container (``None``: any container)."""
        candidates = [
            event
            for event in self._by_milestone.get((leg_index, kind, classifier), ())
            if container is None or event.equipment_reference in (None, container)
        ]
        return max(candidates, key=TrackingEvent.recency, default=None)


def _modes_agree(event: TrackingEvent, leg: PlannedLeg) -> bool:
    loose = (None, Mode.MULTIMODAL)
    return event.mode in loose or leg.mode is Mode.MULTIMODAL or event.mode is leg.mode


def _voyage_agrees(event: TrackingEvent, leg: PlannedLeg) -> bool:
    vessel_movement = event.event_type == "TRANSPORT" and event.equipment_reference is None
    if not vessel_movement or not event.voyages or not leg.voyages:
        return True
    return bool(event.voyages & leg.voyages)


def _leg_for(legs: Sequence[PlannedLeg], event: TrackingEvent) -> PlannedLeg | None:
    kind = event.milestone
    if kind is None or event.location is None or event.classifier is None:
        return None
    for leg in legs:
        place = leg.origin if kind.at_origin else leg.destination
        at_place = place.code == event.location
        if at_place and _modes_agree(event, leg) and _voyage_agrees(event, leg):
            return leg
    return None


def match_events(
    legs: Sequence[PlannedLeg],
    events: Iterable[RawEvent],
    equipment: Collection[str] | None = None,
) -> EventMatch:
    """Assign each current event to a leg (see the module docstring).

    ``equipment`` keeps only the events of those containers (and events naming none).
    """
    current, ignored = current_events(events)
    wanted = None if equipment is None else {ref.upper() for ref in equipment}
    matched: list[MatchedEvent] = []
    unmatched: list[TrackingEvent] = []
    for event in current:
        ref = event.equipment_reference
        if wanted is not None and ref is not None and ref not in wanted:
            ignored.append(IgnoredEvent(event.event_id, f"container {ref} is not followed"))
            continue
        leg = _leg_for(legs, event)
        if leg is None:
            unmatched.append(event)
        else:
            matched.append(MatchedEvent(leg.index, event))
    return EventMatch(tuple(matched), tuple(unmatched), tuple(ignored))


@dataclass(frozen=True)
class MilestoneState:
    """An expected milestone as of ``Journey.as_of``."""

    planned: PlannedMilestone
    actual: dt.datetime | None
    """When every followed container had it (the last one's time)."""
    estimated: dt.datetime | None
    """The carrier's latest estimate (``EST``), if any."""
    reached: bool
    """It, or anything after it on the journey, has happened for every container."""
    pending: tuple[str, ...]
    """The followed containers for which it has not (empty if containers are not named)."""


@dataclass(frozen=True)
class LegProgress:
    leg: PlannedLeg
    status: LegStatus
    ready_since: dt.datetime | None
    actual_departure: dt.datetime | None
    actual_arrival: dt.datetime | None
    estimated_departure: dt.datetime | None
    estimated_arrival: dt.datetime | None
    milestones: tuple[MilestoneState, ...]
    events: tuple[TrackingEvent, ...]

    @property
    def departure_delay(self) -> dt.timedelta | None:
        """Actual minus planned departure (negative: early)."""
        if self.actual_departure is None:
            return None
        return self.actual_departure - self.leg.planned_departure

    @property
    def arrival_delay(self) -> dt.timedelta | None:
        if self.actual_arrival is None:
            return None
        return self.actual_arrival - self.leg.planned_arrival

    @property
    def transit(self) -> dt.timedelta | None:
        """Actual departure to actual arrival, once both are known."""
        if self.actual_departure is None or self.actual_arrival is None:
            return None
        return self.actual_arrival - self.actual_departure


@dataclass(frozen=True)
class Journey:
    plan: JourneyPlan
    equipment: tuple[str, ...]
    """The containers followed; empty when the document names none (the cargo as a whole)."""
    as_of: dt.datetime
    legs: tuple[LegProgress, ...]
    unmatched: tuple[TrackingEvent, ...]
    ignored: tuple[IgnoredEvent, ...]

    @property
    def destination(self) -> Place:
        return self.plan.destination

    @property
    def is_complete(self) -> bool:
        return self.legs[-1].status is LegStatus.COMPLETED

    @property
    def current_leg(self) -> LegProgress | None:
        """The first leg not completed, or ``None`` once the journey is complete."""
        return next((p for p in self.legs if p.status is not LegStatus.COMPLETED), None)


@dataclass(frozen=True)
class _UnitLeg:
    """One container on one leg."""

    status: LegStatus
    ready: dt.datetime | None
    departure: dt.datetime | None
    arrival: dt.datetime | None
    acts: Mapping[MilestoneKind, dt.datetime]
    later_evidence: bool


def _fold(status: LegStatus, signals: Iterable[tuple[dt.datetime, Signal]]) -> LegStatus:
    for _, signal in sorted(signals):
        status = advance(status, signal)
    return status


def _actuals(
    match: EventMatch, leg_count: int, unit: str | None
) -> list[dict[MilestoneKind, dt.datetime]]:
    acts: list[dict[MilestoneKind, dt.datetime]] = []
    for index in range(leg_count):
        found = {}
        for kind in MilestoneKind:
            event = match.latest(index, kind, Classifier.ACTUAL, unit)
            if event is not None and event.event_time is not None:
                found[kind] = event.event_time
        acts.append(found)
    return acts


def _unit_legs(match: EventMatch, leg_count: int, unit: str | None) -> list[_UnitLeg]:
    acts = _actuals(match, leg_count, unit)
    own = [
        _fold(LegStatus.PLANNED, ((t, SIGNAL_OF_MILESTONE[k]) for k, t in a.items())) for a in acts
    ]
    out: list[_UnitLeg] = []
    previous_arrival: dt.datetime | None = None
    for index, leg_acts in enumerate(acts):
        later = any(s is not LegStatus.PLANNED for s in own[index + 1 :])
        signals = [(t, SIGNAL_OF_MILESTONE[k]) for k, t in leg_acts.items()]
        if previous_arrival is not None:
            signals.append((previous_arrival, Signal.READY))
        status = _fold(LegStatus.PLANNED, signals)
        if later:
            status = advance(status, Signal.ARRIVED)
        readiness = [leg_acts.get(MilestoneKind.GATE_IN), leg_acts.get(MilestoneKind.LOAD)]
        ready = min((t for t in [*readiness, previous_arrival] if t is not None), default=None)
        arrival = leg_acts.get(MilestoneKind.ARRIVAL) or leg_acts.get(MilestoneKind.DISCHARGE)
        departure = leg_acts.get(MilestoneKind.DEPARTURE)
        out.append(_UnitLeg(status, ready, departure, arrival, leg_acts, later))
        previous_arrival = arrival
    return out


def _last(times: Iterable[dt.datetime | None]) -> dt.datetime | None:
    """The latest time if every unit has one, else ``None``."""
    collected = list(times)
    if not collected or any(t is None for t in collected):
        return None
    return max(t for t in collected if t is not None)


def _estimate(
    match: EventMatch, index: int, kind: MilestoneKind, units: Sequence[str | None]
) -> dt.datetime | None:
    found = [match.latest(index, kind, Classifier.ESTIMATED, u) for u in units]
    times = [e.event_time for e in found if e is not None and e.event_time is not None]
    return max(times, default=None)


def _passed(unit: _UnitLeg, kind: MilestoneKind) -> bool:
    return unit.later_evidence or any(k >= kind for k in unit.acts)


def _milestone_state(
    planned: PlannedMilestone,
    per_unit: Sequence[_UnitLeg],
    units: Sequence[str | None],
    estimated: dt.datetime | None,
) -> MilestoneState:
    pending = [u for u, leg in zip(units, per_unit, strict=True) if not _passed(leg, planned.kind)]
    return MilestoneState(
        planned=planned,
        actual=_last(leg.acts.get(planned.kind) for leg in per_unit),
        estimated=estimated,
        reached=not pending,
        pending=tuple(u for u in pending if u is not None),
    )


def _progress(
    leg: PlannedLeg, per_unit: Sequence[_UnitLeg], units: Sequence[str | None], match: EventMatch
) -> LegProgress:
    events = sorted(
        (m.event for m in match.matched if m.leg_index == leg.index),
        key=lambda e: (e.event_time or e.recency()[0], e.recency()),
    )
    return LegProgress(
        leg=leg,
        status=min((u.status for u in per_unit), key=lambda s: s.rank),
        ready_since=_last(u.ready for u in per_unit),
        actual_departure=_last(u.departure for u in per_unit),
        actual_arrival=_last(u.arrival for u in per_unit),
        estimated_departure=_estimate(match, leg.index, MilestoneKind.DEPARTURE, units),
        estimated_arrival=_estimate(match, leg.index, MilestoneKind.ARRIVAL, units),
        milestones=tuple(
            _milestone_state(m, per_unit, units, _estimate(match, leg.index, m.kind, units))
            for m in leg.milestones
        ),
        events=tuple(events),
    )


def _known_at(event: TrackingEvent, now: dt.datetime) -> bool:
    """Whether the journey could know this version at ``now``."""
    if event.known_since is not None and event.known_since > now:
        return False
    actual = event.classifier is Classifier.ACTUAL
    return not (actual and event.event_time is not None and event.event_time > now)


def _read_known(
    events: Iterable[RawEvent], now: dt.datetime
) -> tuple[list[TrackingEvent], list[IgnoredEvent]]:
    known: list[TrackingEvent] = []
    ignored: list[IgnoredEvent] = []
    for index, item in enumerate(events):
        try:
            event = (
                item
                if isinstance(item, TrackingEvent)
                else read_tracking_event(item, f"events[{index}]")
            )
        except MalformedInputError as exc:
            raw_id = item.get("eventID") if isinstance(item, Mapping) else None
            ignored.append(IgnoredEvent(raw_id if isinstance(raw_id, str) else None, exc.message))
            continue
        if _known_at(event, now):
            known.append(event)
    return known, ignored


def require_aware(now: dt.datetime, name: str = "now") -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a UTC offset)")


def build_journey(
    plan: JourneyPlan,
    events: Iterable[RawEvent],
    now: dt.datetime,
    equipment: str | None = None,
) -> Journey:
    """The journey as known at ``now``: of one container (``equipment``) or of all of them.

    Events not yet known at ``now`` (updated later, or actual events in the future) are left
    out, so a journey can be replayed at any past instant. Raises ``NotFoundError`` if
    ``equipment`` is not a container of the document.
    """
    require_aware(now)
    if equipment is not None and equipment.upper() not in plan.equipment_references:
        raise NotFoundError(
            f"container {equipment} is not on transport document {plan.document_reference}; "
            f"its containers are {', '.join(plan.equipment_references) or 'not listed'}"
        )
    scope = (equipment.upper(),) if equipment is not None else plan.equipment_references
    known, unreadable = _read_known(events, now)
    match = match_events(plan.legs, known, scope or None)
    units: tuple[str | None, ...] = scope or (None,)
    per_unit = [_unit_legs(match, len(plan.legs), unit) for unit in units]
    legs = tuple(
        _progress(leg, [unit[leg.index] for unit in per_unit], units, match) for leg in plan.legs
    )
    return Journey(plan, scope, now, legs, match.unmatched, (*unreadable, *match.ignored))
