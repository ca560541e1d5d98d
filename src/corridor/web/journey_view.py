"""The document page's "Journey" section: legs, a timeline of milestones, the ETA, alerts, map.

Built from ``services.journeys.JourneyView`` (see ``docs/journey-model.md``):

* **legs**: mode, route, status, planned and actual (or estimated) departure and arrival, delay;
* **timeline**: every expected milestone of every leg in plan order (gate-in, loading, departure,
  arrival, discharge) with its planned time, what happened (actual), else the carrier's estimate
  (TNT 3.0 ``ESTIMATED``) or Corridor's own (the ETA's walk), its state (done, overdue,
  expected) and delay; a "now" line; and, merged in by time, the document's SHIPMENT events
  (title actions: ``ISSUED``, ``SURRENDERED_FOR_DELIVERY``, ...; TNT 2.2 codes too) and the
  other events of its containers that move no leg (a gate-out);
* the **ETA** with its likely range and the sentence saying what it rests on;
* the **alerts** (``domain.journey_alerts``): overdue milestones, also marked on their milestone,
  and containers left behind, also named on their leg's departure ("Departed without ...");
* the **map** (``web.corridor_map``).

A document that cannot be planned, or events that cannot be read, give a section that says so;
the rest of the page is unaffected.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from corridor.domain.eta import EtaBasis
from corridor.domain.journey import LegProgress, LegStatus, MilestoneState
from corridor.domain.journey_alerts import Alert, AlertKind
from corridor.domain.legs import PlanSource
from corridor.domain.tracking_event import Classifier, MilestoneKind, Mode, TrackingEvent
from corridor.errors import CorridorError
from corridor.services.journeys import JourneySources, JourneyView, TitleEvent, document_journey
from corridor.services.node import Node
from corridor.web.corridor_map import CorridorMap, corridor_map
from corridor.web.shipment_words import event_words, title_words

__all__ = ["JourneySection", "build_section", "journey_section", "sources_of", "stamp"]

log = logging.getLogger("corridor.web")

MODE_WORDS = {
    Mode.RAIL: "Rail",
    Mode.VESSEL: "Sea",
    Mode.TRUCK: "Road",
    Mode.BARGE: "Barge",
    Mode.MULTIMODAL: "Multimodal",
}
STATUS_WORDS = {
    LegStatus.PLANNED: "Planned",
    LegStatus.DWELLING: "Waiting to depart",
    LegStatus.IN_PROGRESS: "Under way",
    LegStatus.COMPLETED: "Completed",
}
_VEHICLE = {Mode.RAIL: "train", Mode.VESSEL: "vessel", Mode.TRUCK: "truck", Mode.BARGE: "barge"}
BASIS_WORDS = {
    EtaBasis.ACTUAL: "actual",
    EtaBasis.CARRIER_ESTIMATE: "carrier's estimate",
    EtaBasis.OBSERVED_DELAY: "Corridor's estimate (delay carried forward)",
    EtaBasis.HISTORY: "Corridor's estimate (past trips)",
    EtaBasis.PLAN: "as planned",
}


@dataclass(frozen=True)
class Stamp:
    text: str
    iso: str


def stamp(moment: dt.datetime) -> Stamp:
    utc = moment.astimezone(dt.UTC)
    return Stamp(utc.strftime("%Y-%m-%d %H:%M UTC"), utc.strftime("%Y-%m-%dT%H:%M:%SZ"))


def delay_text(delta: dt.timedelta | None, expected: bool = False) -> str:
    """``3 h late``, ``on time``, ``1 d 2 h early`` (to the hour); ``expected`` says so."""
    if delta is None:
        return ""
    hours = round(delta.total_seconds() / 3600)
    if hours == 0:
        return "expected on time" if expected else "on time"
    size = f"{abs(hours)} h" if abs(hours) < 48 else f"{abs(hours) // 24} d {abs(hours) % 24} h"
    word = "late" if hours > 0 else "early"
    return f"expected {size} {word}" if expected else f"{size} {word}"


@dataclass(frozen=True)
class LegLine:
    number: int
    mode: str
    css: str
    route: str
    vehicle: str
    status: str
    status_css: str
    planned_departure: Stamp
    planned_arrival: Stamp
    departure: Stamp
    departure_note: str
    arrival: Stamp
    arrival_note: str
    delay: str
    typical_plan: bool


@dataclass(frozen=True)
class TimelineItem:
    kind: str
    """``cargo`` (an expected milestone), ``title`` (a SHIPMENT event), ``event``, ``now``."""
    label: str
    state: str
    """``done``, ``overdue``, ``expected``; ``title``, ``event`` or ``now`` for the others."""
    state_text: str
    at: Stamp | None
    at_note: str
    planned: Stamp | None
    delay: str
    detail: str
    sort_key: dt.datetime


@dataclass(frozen=True)
class JourneySection:
    problem: str | None
    legs: tuple[LegLine, ...] = ()
    timeline: tuple[TimelineItem, ...] = ()
    eta_arrival: Stamp | None = None
    eta_earliest: Stamp | None = None
    eta_latest: Stamp | None = None
    eta_explanation: str = ""
    eta_delay: str = ""
    history_note: str = ""
    alerts: tuple[str, ...] = ()
    alert_heading: str = "Overdue"
    map: CorridorMap | None = None
    plan_note: str = ""
    footnotes: tuple[str, ...] = ()
    as_of: Stamp | None = None
    complete: bool = False


def _leg_line(view: JourneyView, progress: LegProgress) -> LegLine:
    leg, estimate = progress.leg, view.eta.legs[progress.leg.index]
    vessel = ", ".join(f"{name}" for name in leg.vessel_names)
    voyages = ", ".join(sorted(leg.voyages))
    arrival_delay = progress.arrival_delay
    expected = arrival_delay is None
    return LegLine(
        number=leg.index + 1,
        mode=MODE_WORDS[leg.mode],
        css=leg.mode.lower(),
        route=f"{leg.origin.label} → {leg.destination.label}",
        vehicle=" ".join(part for part in (vessel, voyages) if part),
        status=STATUS_WORDS[progress.status],
        status_css=progress.status.lower().replace("_", "-"),
        planned_departure=stamp(leg.planned_departure),
        planned_arrival=stamp(leg.planned_arrival),
        departure=stamp(progress.actual_departure or estimate.departure),
        departure_note=BASIS_WORDS[estimate.departure_basis],
        arrival=stamp(progress.actual_arrival or estimate.arrival),
        arrival_note=BASIS_WORDS[estimate.arrival_basis],
        delay=delay_text(
            arrival_delay if not expected else estimate.arrival - leg.planned_arrival, expected
        ),
        typical_plan=leg.plan_source is not PlanSource.DOCUMENT,
    )


def _milestone_label(kind: MilestoneKind, progress: LegProgress) -> str:
    leg = progress.leg
    vehicle = _VEHICLE.get(leg.mode, "transport")
    return {
        MilestoneKind.GATE_IN: f"Gate-in at {leg.origin.label}",
        MilestoneKind.LOAD: f"Loaded onto the {vehicle} at {leg.origin.label}",
        MilestoneKind.DEPARTURE: f"{vehicle.capitalize()} departs {leg.origin.label}",
        MilestoneKind.ARRIVAL: f"{vehicle.capitalize()} arrives at {leg.destination.label}",
        MilestoneKind.DISCHARGE: f"Discharged at {leg.destination.label}",
    }[kind]


def _expected_time(
    view: JourneyView, progress: LegProgress, state: MilestoneState
) -> tuple[dt.datetime | None, str]:
    if state.estimated is not None and state.estimated >= view.as_of:
        return state.estimated, "carrier's estimate"
    estimate = view.eta.legs[progress.leg.index]
    if state.planned.kind is MilestoneKind.DEPARTURE:
        return estimate.departure, BASIS_WORDS[estimate.departure_basis]
    if state.planned.kind is MilestoneKind.ARRIVAL:
        return estimate.arrival, BASIS_WORDS[estimate.arrival_basis]
    return None, ""


def _cargo_item(
    view: JourneyView,
    progress: LegProgress,
    state: MilestoneState,
    alert: Alert | None,
    left_behind: Sequence[str] = (),
) -> TimelineItem:
    planned = state.planned.planned
    label = _milestone_label(state.planned.kind, progress)
    if state.reached:
        at, note = state.actual, "actual" if state.actual else "passed (not reported)"
        delay = delay_text(None if at is None else at - planned)
        state_css, words = "done", "Done"
    else:
        at, note = _expected_time(view, progress, state)
        delay = delay_text(None if at is None else at - planned, expected=True)
        state_css, words = ("overdue", "Overdue") if alert else ("expected", "Expected")
    detail = alert.message if alert else ""
    some = 0 < len(state.pending) < len(view.journey.equipment)
    if not state.reached and some and not alert:
        detail = f"Still waiting for {', '.join(state.pending)}"
    if left_behind:
        without = f"Departed without {', '.join(left_behind)} (left behind)"
        detail = f"{detail}; {without}" if detail else without
    return TimelineItem(
        "cargo",
        label,
        state_css,
        words,
        None if at is None else stamp(at),
        note,
        stamp(planned),
        delay,
        detail,
        max(at or planned, planned) if state.reached else (at or planned),
    )


def _cargo_items(view: JourneyView) -> list[TimelineItem]:
    overdue = AlertKind.OVERDUE_MILESTONE
    alerts = {(a.leg.index, a.milestone): a for a in view.alerts if a.kind is overdue}
    behind: dict[int, list[str]] = {}
    for a in view.alerts:
        if a.kind is AlertKind.CONTAINER_LEFT_BEHIND:
            behind.setdefault(a.leg.index, []).extend(a.containers)
    items: list[TimelineItem] = []
    floor: dt.datetime | None = None
    for progress in view.journey.legs:
        for state in progress.milestones:
            alert = alerts.get((progress.leg.index, state.planned.kind))
            departs = state.planned.kind is MilestoneKind.DEPARTURE
            left = behind.get(progress.leg.index, ()) if departs else ()
            item = _cargo_item(view, progress, state, alert, left)
            # keep plan order: a later milestone never sorts before an earlier one
            floor = item.sort_key if floor is None else max(floor, item.sort_key)
            items.append(_with_key(item, floor))
    return items


def _with_key(item: TimelineItem, key: dt.datetime) -> TimelineItem:
    return TimelineItem(
        item.kind,
        item.label,
        item.state,
        item.state_text,
        item.at,
        item.at_note,
        item.planned,
        item.delay,
        item.detail,
        key,
    )


def _title_item(event: TitleEvent) -> TimelineItem:
    label, note = title_words(event)
    classifier = "" if event.classifier in (None, Classifier.ACTUAL) else event.classifier.lower()
    return TimelineItem(
        "title",
        label,
        "title",
        "Title",
        stamp(event.at),
        classifier or note,
        None,
        "",
        event.reason or "",
        event.at,
    )


def _other_items(events: Sequence[TrackingEvent]) -> list[TimelineItem]:
    """Events that move no leg (a gate-out), one line per kind, place and classifier."""
    groups: dict[tuple[str, str], list[TrackingEvent]] = {}
    for event in events:
        if event.event_time is None or event.event_type == "SHIPMENT":
            continue
        note = "" if event.classifier in (None, Classifier.ACTUAL) else event.classifier.lower()
        groups.setdefault((event_words(event), note), []).append(event)
    items = []
    for (label, note), group in groups.items():
        last = max(e.event_time for e in group if e.event_time is not None)
        boxes = ", ".join(sorted({e.equipment_reference for e in group if e.equipment_reference}))
        items.append(
            TimelineItem("event", label, "event", "Event", stamp(last), note, None, "", boxes, last)
        )
    return items


def _unexpected_items(progress: LegProgress) -> list[TimelineItem]:
    """Actual milestones the plan does not watch (gate-in and loading onto a train), one line
    per milestone with its last time and its containers."""
    watched = {state.planned.kind for state in progress.milestones}
    seen: dict[MilestoneKind, list[TrackingEvent]] = {}
    for event in progress.events:
        kind = event.milestone
        if kind is not None and kind not in watched and event.classifier is Classifier.ACTUAL:
            seen.setdefault(kind, []).append(event)
    items = []
    for kind, events in sorted(seen.items()):
        last = max(e.event_time for e in events if e.event_time is not None)
        boxes = sorted({e.equipment_reference for e in events if e.equipment_reference})
        label = _milestone_label(kind, progress)
        detail = ", ".join(boxes)
        items.append(
            TimelineItem(
                "event", label, "event", "Event", stamp(last), "actual", None, "", detail, last
            )
        )
    return items


def _merge(cargo: Sequence[TimelineItem], extra: Sequence[TimelineItem]) -> Iterator[TimelineItem]:
    """``cargo`` in its order with ``extra`` (sorted by time) merged in before later items."""
    pending = sorted(extra, key=lambda item: item.sort_key)
    for item in cargo:
        while pending and pending[0].sort_key < item.sort_key:
            yield pending.pop(0)
        yield item
    yield from pending


def _timeline(view: JourneyView) -> tuple[TimelineItem, ...]:
    extra = [_title_item(event) for event in view.title_events]
    extra += _other_items(view.journey.unmatched)
    for progress in view.journey.legs:
        extra += _unexpected_items(progress)
    now = view.as_of
    extra.append(TimelineItem("now", "Now", "now", "Now", stamp(now), "", None, "", "", now))
    return tuple(_merge(_cargo_items(view), extra))


def _history_note(view: JourneyView) -> str:
    if view.history_size == 0:
        return "No past journeys are stored yet: the estimate uses the planned transit times."
    return f"Learned from {view.history_size} past journeys on this node."


def _plan_note(view: JourneyView) -> str:
    if all(leg.leg.plan_source is PlanSource.DOCUMENT for leg in view.journey.legs):
        return ""
    return (
        "* The document gives dates for the sea leg only; the other planned times use the "
        "corridor's typical durations (rail 2 days, 24 h at Qinzhou)."
    )


def _footnotes(view: JourneyView) -> tuple[str, ...]:
    notes = []
    unreadable = [i for i in view.journey.ignored if "not followed" not in i.reason]
    if unreadable:
        notes.append(
            f"{len(unreadable)} event(s) left out: "
            + "; ".join(f"{i.event_id or 'no eventID'}: {i.reason}" for i in unreadable[:5])
        )
    return tuple(notes)


_ALERT_HEADINGS = {
    AlertKind.OVERDUE_MILESTONE: "Overdue",
    AlertKind.CONTAINER_LEFT_BEHIND: "Left behind",
}


def _alert_heading(alerts: Sequence[Alert]) -> str:
    kinds = {alert.kind for alert in alerts}
    return _ALERT_HEADINGS[kinds.pop()] if len(kinds) == 1 else "Alerts"


def build_section(view: JourneyView) -> JourneySection:
    """The section's view model for ``view``."""
    eta = view.eta
    return JourneySection(
        problem=None,
        legs=tuple(_leg_line(view, p) for p in view.journey.legs),
        timeline=_timeline(view),
        eta_arrival=stamp(eta.arrival),
        eta_earliest=stamp(eta.earliest),
        eta_latest=stamp(eta.latest),
        eta_explanation=eta.explanation,
        eta_delay=delay_text(eta.delay, expected=not view.journey.is_complete),
        history_note=_history_note(view),
        alerts=tuple(alert.message for alert in view.alerts),
        alert_heading=_alert_heading(view.alerts),
        map=corridor_map(view),
        plan_note=_plan_note(view),
        footnotes=_footnotes(view),
        as_of=stamp(view.as_of),
        complete=view.journey.is_complete,
    )


def sources_of(request: Request) -> JourneySources:
    """The app's ``JourneySources`` (``app.state.journey_sources``); none wired: no events."""
    sources = getattr(request.app.state, "journey_sources", None)
    return sources if isinstance(sources, JourneySources) else JourneySources()


def journey_section(node: Node, reference: str, sources: JourneySources) -> JourneySection:
    """The section for the node's document ``reference``; a problem sentence if it cannot be."""
    try:
        return build_section(document_journey(node, reference, sources))
    except CorridorError as failure:
        return JourneySection(problem=f"The journey cannot be shown: {failure.message}")
    except SQLAlchemyError as failure:
        log.error("journey of %s: tracking events unavailable: %s", reference, failure)
        return JourneySection(problem="Tracking events are unavailable right now; try again later.")
