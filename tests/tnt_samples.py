"""Tracking events for tests: DCSA's examples, and TNT 3.0.0 events of the Chongqing corridor."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from corridor.domain.equipment import iso6346_check_digit

EXAMPLES = Path(__file__).parent / "vectors" / "dcsa" / "examples"
V22_EXAMPLE = "tnt220-response.json"
V30_EXAMPLES = (
    "tnt300-request-equipment.json",
    "tnt300-request-shipment.json",
    "tnt300-request-transport.json",
    "tnt300-response.json",
)
TD = "WLSM26CQSG0104"
BOOKING = "CQSG0104BK"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def v22_examples() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = example(V22_EXAMPLE)
    return events


def v30_examples() -> list[dict[str, Any]]:
    return [event for name in V30_EXAMPLES for event in example(name)["events"]]


def container(serial: int, owner: str = "CQLU") -> str:
    prefix = f"{owner}{serial % 1_000_000:06d}"
    return prefix + str(iso6346_check_digit(prefix))


def equipment_event(
    event_id: str = "evt-qzh-load-1",
    *,
    equipment: str | None = None,
    updated: str = "2026-03-04T10:05:00Z",
    happened: str = "2026-03-04T10:00:00Z",
    kind: str = "LOADED",
    where: str = "CNQZH",
    document: str = TD,
) -> dict[str, Any]:
    """A container loaded on the vessel at Qinzhou, tied to the bill and its booking."""
    return {
        "eventID": event_id,
        "eventDateTime": happened,
        "eventUpdatedDateTime": updated,
        "eventClassification": {
            "eventType": "EQUIPMENT",
            "eventClassifier": "ACTUAL",
            "equipmentEventType": kind,
        },
        "eventLocation": {"UNLocationCode": where, "locationName": "Qinzhou port"},
        "equipmentDetails": {
            "equipmentReference": equipment or container(1),
            "ISOEquipmentCode": "45G1",
            "emptyIndicator": "LADEN",
            "seals": [{"number": "CQ778899", "source": "CARRIER", "type": "BOLT"}],
        },
        "shipmentDetails": {
            "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": document},
            "additionalDocumentReferences": [{"type": "BOOKING", "reference": BOOKING}],
        },
        "transportDetails": {
            "transportCall": {
                "transportCallReference": "TC-QZH-2610S",
                "modeOfTransport": "VESSEL",
                "exportVoyageNumberOrReference": {"carrierVoyageNumber": "2610S"},
                "serviceCodeOrReference": {"carrierServiceCode": "QZS"},
                "vesselTransport": {"vesselIMONumber": "9321483", "vesselName": "Beibu Gulf"},
            }
        },
    }


def transport_event(
    event_id: str = "evt-cqi-depa-1",
    *,
    kind: str = "DEPARTED",
    where: str = "CNCQI",
    mode: str = "RAIL",
    updated: str = "2026-03-02T08:05:00Z",
    happened: str = "2026-03-02T08:00:00Z",
) -> dict[str, Any]:
    """The rail service leaving Chongqing (or another place) for the bill's containers."""
    return {
        "eventID": event_id,
        "eventDateTime": happened,
        "eventUpdatedDateTime": updated,
        "eventClassification": {
            "eventType": "TRANSPORT",
            "eventClassifier": "ACTUAL",
            "transportEventType": kind,
        },
        "eventLocation": {"UNLocationCode": where, "facilityType": "RAMP"},
        "shipmentDetails": {
            "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": TD},
        },
        "transportDetails": {
            "transportCall": {
                "transportCallReference": f"TC-{where}-{mode}",
                "modeOfTransport": mode,
                "railTransport": {"railServiceReference": "CQ-QZ-X8083"},
            }
        },
    }


def shipment_event(
    event_id: str = "evt-td-issued", *, kind: str = "ISSUED", document: str = TD
) -> dict[str, Any]:
    return {
        "eventID": event_id,
        "eventDateTime": "2026-03-01T09:00:00Z",
        "eventUpdatedDateTime": "2026-03-01T09:00:00Z",
        "eventClassification": {
            "eventType": "SHIPMENT",
            "eventClassifier": "ACTUAL",
            "shipmentEventType": kind,
        },
        "shipmentDetails": {
            "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": document},
        },
    }


def retraction(event_id: str, updated: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"eventID": event_id, "isRetracted": True}
    if updated is not None:
        event["eventUpdatedDateTime"] = updated
    return event


def changed(event: dict[str, Any], **values: Any) -> dict[str, Any]:
    """A deep copy of ``event`` with top-level ``values`` replaced."""
    return {**copy.deepcopy(event), **values}
