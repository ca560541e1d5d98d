"""A stored TNT 3.0.0 event served as a DCSA TNT 2.2 event (``GET /v2/events``, callbacks).

``to_v22(event)`` is the reverse of ``v22_in.from_v22`` (its docstring has the field table): an
event read from TNT 2.2 comes back as it was, except for what that table says is lost. An event
that TNT 2.2 cannot express is not served over 2.2 (``None``):

- a retracted event (TNT 2.2 has no retraction), and IOT and REEFER events (no such types);
- a sub-type without a 2.2 code: shipment events other than the 15 of TNT 2.2 (e.g.
  ``PENDING_SURRENDER_FOR_DELIVERY``), ``APPROACHING``, and equipment events such as
  ``CUSTOMS_RELEASED`` or ``AVAILABLE_FOR_PICKUP``;
- what 2.2 requires and the event lacks: a SHIPMENT event's primary document of a 2.2
  ``documentTypeCode``; a TRANSPORT event's transport call with ``transportCallReference`` and a
  2.2 ``modeOfTransport`` (not MULTIMODAL); an EQUIPMENT event's ``emptyIndicator``.

``domain.tnt_v22_scope`` states the same conditions in TNT 3.0.0 words, for the event store's
query (tests check the lists against the code tables, and the query against this function on
every kind of event).

Optional values that break a TNT 2.2 limit are left out rather than cut (so nothing false is
said): a ``carrierServiceCode`` over 5 characters, latitude over 10 or longitude over 11, a vessel
name over 35, an ``otherFacility`` over 50, an IMO number over 7 (the whole ``vessel``, whose
``vesselIMONumber`` 2.2 requires), a seal without a 2.2 ``sealType``, a reference type 2.2 lacks.
What comes out always validates against TNT 2.2 (a property test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor.domain.tnt_v22_scope import MODES_OF_TRANSPORT
from corridor.interop.dcsa.tnt import codes

__all__ = ["to_v22"]

_CLASSIFIER = codes.reverse(codes.CLASSIFIER)
_SHIPMENT_EVENT = codes.reverse(codes.SHIPMENT_EVENT_V22)
_TRANSPORT_EVENT = codes.reverse(codes.TRANSPORT_EVENT)
_EQUIPMENT_EVENT = codes.reverse(codes.EQUIPMENT_EVENT)
_DOCUMENT_TYPE = codes.reverse(codes.DOCUMENT_TYPE_V22)
_REFERENCE_TYPE = {
    word: code
    for code, word in codes.REFERENCE_TYPE.items()
    if code in ("FF", "SI", "PO", "CR", "AAO", "EQ")
}
_FACILITY_TYPE = codes.reverse(codes.FACILITY_TYPE)
_SEAL_SOURCE = codes.reverse(codes.SEAL_SOURCE)
_SEAL_TYPE = codes.reverse(codes.SEAL_TYPE)
_MODES = frozenset(MODES_OF_TRANSPORT)
_LINKED = {"BOOKING": "BKG", "TRANSPORT_DOCUMENT": "TRD"}
_OPERATOR_LISTS = frozenset({"SMDG", "NMFTA"})


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _put(target: dict[str, Any], name: str, value: Any, limit: int | None = None) -> None:
    if value in (None, {}, []):
        return
    if limit is not None and isinstance(value, str) and len(value) > limit:
        return
    target[name] = value


def to_v22(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """``event`` as a TNT 2.2 event, or None if TNT 2.2 cannot express it (module doc)."""
    if event.get("isRetracted") is True:
        return None
    classification = event.get("eventClassification") or {}
    event_type = classification.get("eventType")
    out: dict[str, Any] = {
        "eventID": event["eventID"],
        "eventCreatedDateTime": event["eventUpdatedDateTime"],
        "eventType": event_type,
        "eventClassifierCode": _CLASSIFIER[classification["eventClassifier"]],
        "eventDateTime": event["eventDateTime"],
    }
    if event_type == "SHIPMENT":
        shipment = _shipment(event, classification)
        return None if shipment is None else {**out, **shipment}
    if event_type == "TRANSPORT":
        transport = _transport(event, classification)
        return None if transport is None else {**out, **transport}
    if event_type == "EQUIPMENT":
        equipment = _equipment(event, classification)
        return None if equipment is None else {**out, **equipment}
    return None


def _shipment(event: Mapping[str, Any], classification: Mapping[str, Any]) -> dict[str, Any] | None:
    code = _SHIPMENT_EVENT.get(classification.get("shipmentEventType", ""))
    primary = _get(event, "shipmentDetails", "documentReference") or {}
    document_type = _DOCUMENT_TYPE.get(primary.get("type", ""))
    if code is None or document_type is None:
        return None
    out = {
        "shipmentEventTypeCode": code,
        "documentID": primary["reference"],
        "documentTypeCode": document_type,
    }
    _put(out, "reason", event.get("reason"))
    _put(out, "references", _references(event))
    return out


def _transport(
    event: Mapping[str, Any], classification: Mapping[str, Any]
) -> dict[str, Any] | None:
    code = _TRANSPORT_EVENT.get(classification.get("transportEventType", ""))
    call = _call(_get(event, "transportDetails", "transportCall"), event.get("eventLocation"))
    if code is None or call is None:
        return None
    out: dict[str, Any] = {"transportEventTypeCode": code}
    _put(out, "delayReasonCode", (_get(event, "transportDetails", "delayReasonCodes") or [None])[0])
    _put(out, "changeRemark", event.get("reason"))
    out["transportCall"] = call
    _put(out, "documentReferences", _document_references(event))
    _put(out, "references", _references(event))
    return out


def _equipment(
    event: Mapping[str, Any], classification: Mapping[str, Any]
) -> dict[str, Any] | None:
    code = _EQUIPMENT_EVENT.get(classification.get("equipmentEventType", ""))
    details = event.get("equipmentDetails") or {}
    if code is None or details.get("emptyIndicator") is None:
        return None
    out: dict[str, Any] = {"equipmentEventTypeCode": code}
    _put(out, "equipmentReference", details.get("equipmentReference"))
    _put(out, "ISOEquipmentCode", details.get("ISOEquipmentCode"))
    out["emptyIndicatorCode"] = details["emptyIndicator"]
    _put(out, "eventLocation", _location(event.get("eventLocation")))
    _put(out, "transportCall", _call(_get(event, "transportDetails", "transportCall"), None))
    _put(out, "documentReferences", _document_references(event))
    _put(out, "references", _references(event))
    _put(out, "seals", _seals(details.get("seals") or ()))
    return out


def _call(call: Any, location: Any) -> dict[str, Any] | None:
    """A TNT 2.2 ``transportCall``; ``location`` is the event's place (TRANSPORT events)."""
    if not isinstance(call, Mapping):
        return None
    reference, mode = call.get("transportCallReference"), call.get("modeOfTransport")
    if reference is None or mode not in _MODES:
        return None
    out: dict[str, Any] = {"transportCallID": reference}
    _put(out, "carrierServiceCode", _get(call, "serviceCodeOrReference", "carrierServiceCode"), 5)
    export = _get(call, "exportVoyageNumberOrReference", "carrierVoyageNumber")
    _put(out, "exportVoyageNumber", export, 50)
    import_ = _get(call, "importVoyageNumberOrReference", "carrierVoyageNumber")
    _put(out, "importVoyageNumber", import_, 50)
    _put(out, "transportCallSequenceNumber", call.get("transportCallSequenceNumber"))
    if isinstance(location, Mapping):
        _call_place(out, location)
    out["modeOfTransport"] = mode
    _put(out, "vessel", _vessel(call.get("vesselTransport")))
    return out


def _call_place(out: dict[str, Any], location: Mapping[str, Any]) -> None:
    _put(out, "UNLocationCode", location.get("UNLocationCode"))
    facility = location.get("facility") or {}
    _put(out, "facilityCode", facility.get("facilityCode"))
    _put(out, "facilityCodeListProvider", facility.get("facilityCodeListProvider"))
    _put(out, "facilityTypeCode", _FACILITY_TYPE.get(location.get("facilityType", "")))
    _put(out, "otherFacility", facility.get("facilityName"), 50)
    place = _location(location, with_facility=False)
    if place is not None and set(place) - {"UNLocationCode"}:
        out["location"] = place


def _vessel(vessel: Any) -> dict[str, Any] | None:
    if not isinstance(vessel, Mapping):
        return None
    imo = vessel.get("vesselIMONumber")
    if imo is None or len(imo) > 7:
        return None
    out = {"vesselIMONumber": imo}
    _put(out, "vesselName", vessel.get("vesselName"), 35)
    _put(out, "vesselFlag", vessel.get("vesselFlag"))
    _put(out, "vesselCallSignNumber", vessel.get("vesselCallSign"))
    _put(out, "vesselOperatorCarrierCode", vessel.get("operatorCarrierCode"))
    provider = vessel.get("operatorCarrierCodeListProvider")
    if provider in _OPERATOR_LISTS:
        out["vesselOperatorCarrierCodeListProvider"] = provider
    return out


def _location(location: Any, *, with_facility: bool = True) -> dict[str, Any] | None:
    if not isinstance(location, Mapping):
        return None
    out: dict[str, Any] = {}
    _put(out, "locationName", location.get("locationName"))
    geo = location.get("geoCoordinate") or {}
    _put(out, "latitude", geo.get("latitude"), 10)
    _put(out, "longitude", geo.get("longitude"), 11)
    _put(out, "UNLocationCode", location.get("UNLocationCode"))
    if with_facility:
        facility = location.get("facility") or {}
        _put(out, "facilityCode", facility.get("facilityCode"))
        _put(out, "facilityCodeListProvider", facility.get("facilityCodeListProvider"))
    address = location.get("address")
    if isinstance(address, Mapping):
        names = ("street", "streetNumber", "floor", "postCode", "city", "stateRegion")
        out_address = {name: address[name] for name in names if address.get(name) is not None}
        _put(out_address, "country", address.get("countryCode"))
        _put(out, "address", out_address)
    return out


def _document_references(event: Mapping[str, Any]) -> list[dict[str, str]]:
    details = event.get("shipmentDetails") or {}
    documents = [
        details.get("documentReference"),
        *(details.get("additionalDocumentReferences") or ()),
    ]
    return [
        {"documentReferenceType": _LINKED[d["type"]], "documentReferenceValue": d["reference"]}
        for d in documents
        if isinstance(d, Mapping) and d.get("type") in _LINKED
    ]


def _references(event: Mapping[str, Any]) -> list[dict[str, str]]:
    items = _get(event, "shipmentDetails", "shipmentReferences") or ()
    return [
        {"referenceType": _REFERENCE_TYPE[item["type"]], "referenceValue": item["reference"]}
        for item in items
        if item.get("type") in _REFERENCE_TYPE
    ]


def _seals(seals: Any) -> list[dict[str, str]]:
    out = []
    for seal in seals:
        kind = _SEAL_TYPE.get(seal.get("type", ""))
        if kind is None:
            continue
        item = {"sealNumber": seal["number"], "sealType": kind}
        _put(item, "sealSource", _SEAL_SOURCE.get(seal.get("source", "")))
        out.append(item)
    return out
