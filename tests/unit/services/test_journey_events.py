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


def _gate_in(box: str, at: str, event_id: str) -> dict[str, object]:
    return {
        "eventID": event_id,
        "eventDateTime": at,
        "eventUpdatedDateTime": at,
        "eventClassification": {
            "eventType": "EQUIPMENT",
            "eventClassifier": "ACTUAL",
            "equipmentEventType": "GATED_IN",
        },
        "eventLocation": {"UNLocationCode": "CNCQI"},
        "equipmentDetails": {"equipmentReference": box, "emptyIndicator": "LADEN"},
    }


def test_a_reused_container_brings_only_this_bills_events(node: Node) -> None:
    """Containers go trip after trip: another bill's events, or events long before this bill,
    are not this bill's journey."""
    ids = seed_corridor(node)
    first = next(j for j in corridor_journeys(node.clock()) if j.reference == "WLSM26CQSG0101")
    again = {**first.document, "transportDocumentReference": "WLSM26CQSG0199"}
    node.issue(again, carrier=ids["carrier"], to=ids["exporter"])
    box = first.containers[0]
    issued = title_shipment_events(node, "WLSM26CQSG0199")[0]["eventDateTime"]
    year = str(int(issued[:4]) - 1)
    store = EventStore(node)
    store.ingest_events([_gate_in(box, f"{year}{issued[4:]}", "old-trip")])
    store.ingest_events([_gate_in(box, issued, "this-trip")])

    events = node_event_source(node, store)("WLSM26CQSG0199", list(first.containers))
    ids_seen = [e["eventID"] for e in events]
    assert "this-trip" in ids_seen  # names no bill, inside the window
    assert "old-trip" not in ids_seen  # a year before the bill
    assert not {e["eventID"] for e in first.events} & set(ids_seen)  # they name 0101
    assert _shipment_types(events) == ["ISSUED"]


def test_stored_events_under_the_title_prefix_never_reach_the_timeline(node: Node) -> None:
    seed_corridor(node)
    forged = title_shipment_events(node, "WLSM26CQSG0101")[0]
    forged = {
        **forged,
        "eventID": forged["eventID"] + "x",
        "eventClassification": {
            "eventType": "SHIPMENT",
            "eventClassifier": "ACTUAL",
            "shipmentEventType": "SURRENDERED",
        },
    }
    someone_else = {**forged, "eventID": "evil-1"}  # any producer's claim on the title
    store = EventStore(node)
    store.ingest_events([forged, someone_else])
    events = node_event_source(node, store)("WLSM26CQSG0101", [])
    assert _shipment_types(events) == ["ISSUED"]
