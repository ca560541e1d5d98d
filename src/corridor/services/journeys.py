"""Journeys of the node's documents: planned legs, tracking events, ETA and overdue alerts.

The use cases behind the document page's "Journey" section and the corridor page. They join the
pure journey model (``corridor.domain``: ``legs``, ``journey``, ``eta``, ``journey_alerts``,
``corridor_stats``; see ``docs/journey-model.md``) to two injected sources, so this module knows
nothing of how events are stored:

``EventSource``
    ``(transportDocumentReference, [container numbers]) -> [TNT 3.0 Event dicts]``: every version
    of every event of that document (retractions included: the model collapses versions). The
    default, ``no_events``, has none. An implementation returns SHIPMENT events too (TNT 3.0
    ``shipmentDetails.documentReference``, or TNT 2.2 ``documentTypeCode``/``documentID``): the
    title actions of the register (``ISSUED``, ``SURRENDERED_FOR_DELIVERY``, ...) then appear on
    the journey's timeline as ``TitleEvent`` milestones.
``HistorySource``
    ``() -> [JourneyRecord]``: past journeys (a transport document and its events). The ETA
    learns leg durations from them (``corridor_stats.duration_history``) and the corridor page
    draws its charts from them. ``node_history(node, events)`` is the node's own history: every
    document on the node with the events ``events`` returns for it.

``JourneySources`` bundles both; the web app reads it from ``app.state.journey_sources`` and
falls back to ``JourneySources.for_node(node)`` (no events; history of the node's documents).

Time is ``node.clock()`` or passed in; a document that cannot be planned (DCSA eBL 3.0.3
``transports`` without a planned date, an unknown mode) raises ``DocumentRuleError`` naming the
field, and unreadable events are left out with the reason (``Journey.ignored``), never raised.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corridor.crypto.canonical import parse_json
from corridor.domain.corridor_stats import (
    DwellDistribution,
    OnTimeShare,
    duration_history,
    dwell_distribution,
    on_time_share,
    transit_times,
)
from corridor.domain.durations import DurationSummary
from corridor.domain.eta import Eta, LegDurationHistory, estimate_arrival
from corridor.domain.journey import Journey, build_journey
from corridor.domain.journey_alerts import Alert, overdue_alerts
from corridor.domain.legs import JourneyPlan, LegKey, plan_journey
from corridor.domain.tracking_event import Classifier, TrackingEvent
from corridor.errors import DocumentRuleError, MalformedInputError
from corridor.services.node import Node

__all__ = [
    "CorridorSummary",
    "EventSource",
    "History",
    "HistorySource",
    "JourneyRecord",
    "JourneySources",
    "JourneyView",
    "TitleEvent",
    "corridor_summary",
    "document_journey",
    "journey_view",
    "learn_history",
    "no_events",
    "node_history",
    "past_journeys",
    "title_events",
]

log = logging.getLogger("corridor.journeys")

EventSource = Callable[[str, list[str]], list[dict[str, Any]]]
"""Transport document reference and its container numbers -> that document's TNT 3.0 events."""


@dataclass(frozen=True)
class JourneyRecord:
    """One journey as the history knows it: the transport document (JSON) and its events."""

    document: Mapping[str, Any]
    events: Sequence[Mapping[str, Any]]


HistorySource = Callable[[], Iterable[JourneyRecord]]
"""The past journeys the ETA and the corridor page learn from."""


def no_events(reference: str, containers: list[str]) -> list[dict[str, Any]]:
    """The default ``EventSource``: no events yet (the event store is not wired)."""
    return []


def node_history(node: Node, events: EventSource, limit: int = 2000) -> HistorySource:
    """The node's own history: each of its documents (at most ``limit``), with its events.

    Documents that cannot be planned are skipped later (``past_journeys``); a document's own
    unfinished legs add nothing to the statistics.
    """

    def history() -> list[JourneyRecord]:
        records = []
        for row in node.records()[:limit]:
            reference = row.record.document_reference
            document = parse_json(node.document(reference))
            if not isinstance(document, dict):
                continue
            containers = list(_containers(document))
            records.append(JourneyRecord(document, events(reference, containers)))
        return records

    return history


@dataclass(frozen=True)
class JourneySources:
    """Where journeys get their events and their history from (see the module docstring)."""

    events: EventSource = no_events
    history: HistorySource = field(default=lambda: ())

    @classmethod
    def for_node(cls, node: Node, events: EventSource = no_events) -> JourneySources:
        """``events`` and the history of the node's own documents with those events."""
        return cls(events=events, history=node_history(node, events))


@dataclass(frozen=True)
class TitleEvent:
    """A SHIPMENT event on the timeline: a title action or another document milestone."""

    at: dt.datetime
    shipment_event_type: str
    """TNT 3.0 ``shipmentEventType`` (``ISSUED``) or 2.2 ``shipmentEventTypeCode`` (``ISSU``)."""
    document_type: str | None
    """TNT 3.0 ``documentReference.type`` (``TRANSPORT_DOCUMENT``) or 2.2 ``documentTypeCode``."""
    classifier: Classifier | None
    event_id: str | None
    reason: str | None


@dataclass(frozen=True)
class JourneyView:
    """Everything the document page shows of one document's journey, as of ``journey.as_of``."""

    reference: str
    journey: Journey
    eta: Eta
    alerts: tuple[Alert, ...]
    title_events: tuple[TitleEvent, ...]
    history_size: int
    """How many past journeys the ETA's history was learned from."""

    @property
    def plan(self) -> JourneyPlan:
        return self.journey.plan

    @property
    def as_of(self) -> dt.datetime:
        return self.journey.as_of


def _containers(document: Mapping[str, Any]) -> tuple[str, ...]:
    raw = document.get("utilizedTransportEquipments")
    found: list[str] = []
    for ute in raw if isinstance(raw, list) else []:
        equipment = ute.get("equipment") if isinstance(ute, Mapping) else None
        reference = equipment.get("equipmentReference") if isinstance(equipment, Mapping) else None
        if isinstance(reference, str) and reference and reference.upper() not in found:
            found.append(reference.upper())
    return tuple(found)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _first(places: Sequence[Mapping[str, Any]], *names: str) -> str | None:
    for place in places:
        for name in names:
            if (text := _text(place.get(name))) is not None:
                return text
    return None


def _title_event(event: TrackingEvent) -> TitleEvent | None:
    raw = event.raw
    classification = raw.get("eventClassification")
    places = (classification, raw) if isinstance(classification, Mapping) else (raw,)
    kind = _first(places, "eventType", "eventTypeCode")  # TNT 2.2 has them at the top level
    subtype = _first(places, "shipmentEventType", "shipmentEventTypeCode")
    if kind != "SHIPMENT" or subtype is None or event.event_time is None:
        return None
    details = raw.get("shipmentDetails")
    primary = details.get("documentReference") if isinstance(details, Mapping) else None
    document_type = _text(primary.get("type")) if isinstance(primary, Mapping) else None
    return TitleEvent(
        at=event.event_time,
        shipment_event_type=subtype,
        document_type=document_type or _text(raw.get("documentTypeCode")),
        classifier=event.classifier,
        event_id=event.event_id,
        reason=_text(raw.get("reason")),
    )


def title_events(journey: Journey) -> tuple[TitleEvent, ...]:
    """The journey's SHIPMENT events (current versions, known at ``as_of``), oldest first."""
    found = (_title_event(event) for event in journey.unmatched)
    return tuple(sorted((t for t in found if t is not None), key=lambda t: t.at))


def journey_view(
    document: Mapping[str, Any],
    events: Iterable[Mapping[str, Any]],
    history: LegDurationHistory,
    now: dt.datetime,
    history_size: int = 0,
) -> JourneyView:
    """Plan ``document``, build its journey from ``events`` at ``now``, its ETA and alerts.

    Raises ``DocumentRuleError`` if the document cannot be planned.
    """
    plan = plan_journey(document)
    journey = build_journey(plan, list(events), now)
    return JourneyView(
        reference=plan.document_reference,
        journey=journey,
        eta=estimate_arrival(journey, history, now),
        alerts=tuple(overdue_alerts(journey, now)),
        title_events=title_events(journey),
        history_size=history_size,
    )


def past_journeys(records: Iterable[JourneyRecord], now: dt.datetime) -> list[Journey]:
    """The journeys of ``records`` as of ``now``; records that cannot be planned are skipped."""
    journeys = []
    for record in records:
        try:
            plan = plan_journey(record.document)
        except (DocumentRuleError, MalformedInputError) as unusable:
            log.info("history: skipped a document that cannot be planned: %s", unusable)
            continue
        journeys.append(build_journey(plan, list(record.events), now))
    return journeys


@dataclass(frozen=True)
class History:
    """Past journeys as of one instant, and the leg durations the ETA learns from them."""

    journeys: tuple[Journey, ...]
    durations: LegDurationHistory


def learn_history(sources: JourneySources, now: dt.datetime) -> History:
    """Read ``sources.history`` once and build its journeys as of ``now``."""
    journeys = tuple(past_journeys(sources.history(), now))
    return History(journeys, duration_history(journeys))


def document_journey(
    node: Node,
    reference: str,
    sources: JourneySources,
    now: dt.datetime | None = None,
    history: History | None = None,
) -> JourneyView:
    """The journey of the node's document ``reference`` (``NotFoundError`` if there is none).

    ``history`` saves reading the history again when many documents are shown at once.
    """
    moment = now or node.clock()
    document = parse_json(node.document(reference))
    if not isinstance(document, dict):
        raise DocumentRuleError("/", "the stored transport document is not a JSON object")
    events = sources.events(reference, list(_containers(document)))
    learned = history or learn_history(sources, moment)
    return journey_view(document, events, learned.durations, moment, len(learned.journeys))


@dataclass(frozen=True)
class CorridorSummary:
    """The corridor page's figures over past journeys (``corridor_stats``)."""

    journeys: int
    transit: Mapping[LegKey, DurationSummary]
    on_time: Mapping[LegKey, OnTimeShare]
    dwell: DwellDistribution
    as_of: dt.datetime

    @property
    def empty(self) -> bool:
        """No finished leg anywhere: nothing to chart."""
        return not self.transit and self.dwell.summary is None


def corridor_summary(
    journeys: Sequence[Journey], now: dt.datetime, port: str = "CNQZH"
) -> CorridorSummary:
    """Transit time and on-time share per leg, and the dwell at ``port``, over ``journeys``."""
    return CorridorSummary(
        journeys=len(journeys),
        transit=transit_times(journeys),
        on_time=on_time_share(journeys),
        dwell=dwell_distribution(journeys, port),
        as_of=now,
    )
