"""The journey's event source on a node: stored TNT events and title actions from the log."""

from __future__ import annotations

from corridor.domain.tnt_event import check_event
from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT30_SPEC_FILE
from corridor.services.demo import seed_corridor
from corridor.services.demo_events import corridor_journeys
from corridor.services.events import EventStore
from corridor.services.journey_events import node_event_source, title_shipment_events
from corridor.services.node import Node

DELIVERED = "WLSM26CQSG0105"


def _shipment_types(events: list[dict[str, object]]) -> list[object]:
    return [
        e["eventClassification"]["shipmentEventType"]  # type: ignore[index]
        for e in events
        if e["eventClassification"]["eventType"] == "SHIPMENT"  # type: ignore[index]
    ]


def test_stored_events_then_title_events_of_the_document(node: Node) -> None:
    seed_corridor(node)
    journey = next(j for j in corridor_journeys(node.clock()) if j.reference == DELIVERED)
    events = node_event_source(node, EventStore(node))(DELIVERED, list(journey.containers))
    stored_ids = {e["eventID"] for e in journey.events}
    assert {e["eventID"] for e in events} >= stored_ids
    titles = events[len(events) - 3 :]
    assert _shipment_types(titles) == [
        "ISSUED",
        "PENDING_SURRENDER_FOR_DELIVERY",
        "SURRENDERED",
    ]
    for event in titles:
        assert schema_errors(TNT30_SPEC_FILE, "Event", event) == []
        check_event(event)


def test_a_document_not_on_the_node_has_no_title_events(node: Node) -> None:
    assert title_shipment_events(node, "NOT-HERE") == []
    assert node_event_source(node, EventStore(node))("NOT-HERE", []) == []
