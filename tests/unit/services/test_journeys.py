"""The journey use cases: a document's journey from injected events and history, and the
corridor summary over past journeys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from corridor.domain.eta import EtaBasis
from corridor.domain.journey import LegStatus
from corridor.domain.tracking_event import Classifier
from corridor.errors import NotFoundError
from corridor.services.demo import DEMO_DOCUMENTS
from corridor.services.demo_events import corridor_journeys, history_journeys
from corridor.services.journeys import (
    JourneyRecord,
    JourneySources,
    corridor_summary,
    document_journey,
    journey_view,
    learn_history,
    no_events,
    node_history,
    past_journeys,
)
from corridor.services.node import Node

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
HISTORY = [JourneyRecord(j.document, j.events) for j in history_journeys(NOW)]
CORRIDOR = {j.reference: j for j in corridor_journeys(NOW)}


def _shipment_v3(event_id: str, code: str, at: str, reference: str) -> dict[str, Any]:
    return {
        "eventID": event_id,
        "eventDateTime": at,
        "eventUpdatedDateTime": at,
        "eventClassification": {
            "eventType": "SHIPMENT",
            "eventClassifier": "ACTUAL",
            "shipmentEventType": code,
        },
        "shipmentDetails": {
            "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": reference}
        },
    }


def _shipment_v22(event_id: str, code: str, at: str, reference: str) -> dict[str, Any]:
    """TNT 2.2's flat shape, as the title register may report it."""
    return {
        "eventID": event_id,
        "eventDateTime": at,
        "eventCreatedDateTime": at,
        "eventType": "SHIPMENT",
        "eventClassifierCode": "ACT",
        "shipmentEventTypeCode": code,
        "documentTypeCode": "TRD",
        "documentID": reference,
    }


def _view(reference: str, extra: list[dict[str, Any]] | None = None, now: dt.datetime = NOW):
    journey = CORRIDOR[reference]
    history = learn_history(JourneySources(history=lambda: HISTORY), now)
    events = [*journey.events, *(extra or [])]
    return journey_view(journey.document, events, history.durations, now, len(history.journeys))


def test_a_journey_joins_plan_events_eta_and_alerts() -> None:
    view = _view("WLSM26CQSG0102")
    assert view.reference == "WLSM26CQSG0102"
    assert [leg.status for leg in view.journey.legs] == [LegStatus.COMPLETED, LegStatus.DWELLING]
    assert [a.milestone.name for a in view.alerts] == ["DEPARTURE"]
    assert view.eta.basis == (EtaBasis.CARRIER_ESTIMATE, EtaBasis.HISTORY)
    assert view.eta.explanation.startswith("Expected at Singapore (SGSIN) ")
    assert view.history_size == 30
    assert view.as_of == NOW


def test_without_history_the_eta_rests_on_the_plan() -> None:
    journey = CORRIDOR["WLSM26CQSG0101"]
    learned = learn_history(JourneySources(), NOW)
    view = journey_view(journey.document, journey.events, learned.durations, NOW)
    assert learned.journeys == ()
    assert EtaBasis.HISTORY not in view.eta.basis
    assert EtaBasis.PLAN in view.eta.basis
    with_history = _view("WLSM26CQSG0101")
    assert EtaBasis.HISTORY in with_history.eta.basis
    assert with_history.eta.arrival != view.eta.arrival


def test_shipment_events_become_title_milestones_in_both_vocabularies() -> None:
    ref = "WLSM26CQSG0104"
    extra = [
        _shipment_v22("t2", "SURR", "2026-03-01T09:00:00Z", ref),
        _shipment_v3("t1", "ISSUED", "2026-02-21T10:00:00Z", ref),
        {"eventID": "t3", "isRetracted": True},
        _shipment_v3("t3", "VOIDED", "2026-02-25T10:00:00Z", ref),
        _shipment_v3("t4", "RELEASED", "2026-03-05T10:00:00Z", ref),  # not yet known at NOW
    ]
    view = _view(ref, extra)
    titles = [(t.shipment_event_type, t.document_type, t.event_id) for t in view.title_events]
    assert titles == [("ISSUED", "TRANSPORT_DOCUMENT", "t1"), ("SURR", "TRD", "t2")]
    assert view.title_events[0].classifier is Classifier.ACTUAL
    assert view.title_events[0].at == dt.datetime(2026, 2, 21, 10, tzinfo=dt.UTC)
    assert view.journey.is_complete  # title events move no leg


def test_document_journey_asks_the_event_source_for_the_document_and_its_containers(
    sqlite_node: Node, demo_parties: Callable[[Node], dict[str, str]]
) -> None:
    ids = demo_parties(sqlite_node)
    journey = CORRIDOR["WLSM26CQSG0103"]
    sqlite_node.issue(journey.document, carrier=ids["carrier"], to=ids["exporter"])
    asked: list[tuple[str, list[str]]] = []

    def events(reference: str, containers: list[str]) -> list[dict[str, Any]]:
        asked.append((reference, containers))
        return list(journey.events)

    sources = JourneySources(events=events, history=lambda: HISTORY)
    view = document_journey(sqlite_node, journey.reference, sources, NOW)
    assert asked == [(journey.reference, list(journey.containers))]
    assert view.journey.legs[1].status is LegStatus.IN_PROGRESS
    assert view.history_size == 30
    at_node_time = document_journey(sqlite_node, journey.reference, JourneySources())
    assert at_node_time.as_of.year == 2026  # the node's (test) clock, not the wall clock
    with pytest.raises(NotFoundError):
        document_journey(sqlite_node, "NOSUCHDOC", sources, NOW)


def test_node_history_reads_every_document_with_its_events(
    sqlite_node: Node, demo_parties: Callable[[Node], dict[str, str]]
) -> None:
    ids = demo_parties(sqlite_node)
    past = history_journeys(NOW, count=6)
    for journey in [*past, CORRIDOR["WLSM26CQSG0101"]]:
        sqlite_node.issue(journey.document, carrier=ids["carrier"], to=ids["exporter"])
    stored = {j.reference: list(j.events) for j in past}
    sources = JourneySources.for_node(sqlite_node, lambda ref, _boxes: stored.get(ref, []))
    records = list(sources.history())
    assert len(records) == 7
    learned = learn_history(sources, NOW)
    assert len(learned.journeys) == 7
    summary = corridor_summary(learned.journeys, NOW)
    assert {s.count for s in summary.transit.values()} == {6}  # the unfinished one adds nothing
    assert node_history(sqlite_node, no_events, limit=2)().__len__() == 2


def test_documents_that_cannot_be_planned_are_left_out_of_the_history() -> None:
    broken = JourneyRecord({"transportDocumentReference": "X1"}, [])
    bad_mode = dict(HISTORY[0].document)
    bad_mode["transports"] = {**bad_mode["transports"], "preCarriageBy": "ZEPPELIN"}
    journeys = past_journeys([broken, JourneyRecord(bad_mode, []), HISTORY[1]], NOW)
    assert [j.plan.document_reference for j in journeys] == [
        HISTORY[1].document["transportDocumentReference"]
    ]


def test_the_corridor_summary_and_its_empty_state() -> None:
    learned = learn_history(JourneySources(history=lambda: HISTORY), NOW)
    summary = corridor_summary(learned.journeys, NOW)
    assert summary.journeys == 30
    assert not summary.empty
    assert {str(k.mode) for k in summary.transit} == {"RAIL", "VESSEL"}
    assert summary.dwell.port == "CNQZH"
    assert sum(b.count for b in summary.dwell.bins) == 30
    empty = corridor_summary([], NOW)
    assert empty.empty
    assert empty.journeys == 0
    unfinished = [_view(d.reference).journey for d in DEMO_DOCUMENTS[:1]]
    assert corridor_summary(unfinished, NOW).empty
