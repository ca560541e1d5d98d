"""A DCSA TNT 2.2 event, checked against TNT 2.2 and rewritten as a TNT 3.0.0 event.

``from_v22(raw)`` first checks ``raw`` against the TNT 2.2 schema of its ``eventType``
(``transportEvent``, ``shipmentEvent`` or ``equipmentEvent`` in ``TNT_v2.2.0.yaml``, compiled by
``compiled``; enums and ``required`` are real there), so a refusal names the 2.2 field
(``transportEventTypeCode: 'ARRX' is not one of ARRI, DEPA``). Then it maps (codes by ``codes``):

=================================================  ===============================================
TNT 2.2                                            TNT 3.0.0
=================================================  ===============================================
eventID                                            eventID
eventCreatedDateTime                               eventUpdatedDateTime
eventDateTime                                      eventDateTime
eventType, eventClassifierCode                     eventClassification.eventType, eventClassifier
shipment/transport/equipmentEventTypeCode          eventClassification.<type>EventType (words)
documentID + documentTypeCode (SHIPMENT)           shipmentDetails.documentReference
documentReferences[] (BKG, TRD)                    shipmentDetails.documentReference (first, if
                                                   not a SHIPMENT event), additionalDocumentRefs
references[] (FF, SI, PO, CR, AAO, EQ)             shipmentDetails.shipmentReferences[] (words)
reason (SHIPMENT); changeRemark (TRANSPORT)        reason
delayReasonCode                                    transportDetails.delayReasonCodes[0]
transportCall.transportCallID                      transportDetails.transportCall
                                                   .transportCallReference
transportCall.carrierServiceCode                   ...serviceCodeOrReference.carrierServiceCode
transportCall.exportVoyageNumber (carrierVoyage..)  ...exportVoyageNumberOrReference
                                                   .carrierVoyageNumber (import likewise)
transportCall.transportCallSequenceNumber, mode    ...transportCallSequenceNumber, modeOfTransport
transportCall.vessel (vesselCallSignNumber,        ...vesselTransport (vesselCallSign,
vesselOperatorCarrierCode[ListProvider])           operatorCarrierCode[ListProvider])
TRANSPORT: transportCall.UNLocationCode,           eventLocation (UNLocationCode, facility,
facilityCode[ListProvider], facilityTypeCode,      facilityType, facility.facilityName, and the
otherFacility, location                            location's name, geoCoordinate, address)
EQUIPMENT: eventLocation                           eventLocation
equipmentReference, ISOEquipmentCode,              equipmentDetails.equipmentReference,
emptyIndicatorCode, seals[]                        ISOEquipmentCode, emptyIndicator, seals[]
location.latitude / longitude                      location.geoCoordinate.latitude / longitude
location.facilityCode[ListProvider]                location.facility.facilityCode[ListProvider]
address.street, streetNumber, floor, postCode,     address.street, ... (countryCode if the 2.2
city, stateRegion, country                         country is two capital letters)
=================================================  ===============================================

What is lost: the deprecated members (``eventTypeCode``, ``shipmentInformationTypeCode``,
``shipmentID``, ``transportCallID`` beside ``transportCall``, ``vesselScheduleChangeRemark`` when
``changeRemark`` is given, ``carrierVoyageNumber`` when ``exportVoyageNumber`` is given);
``address.name`` and a ``country`` that is a name, not a code (both kept only as 3.0
``addressLines``); and, of an EQUIPMENT event's transport call, its own location
(``UNLocationCode``, facility, ``location``: TNT 3.0 keeps one location per event, and an
equipment event's is its ``eventLocation``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from corridor.domain.tnt_event import EventRuleError
from corridor.interop.dcsa.schema_loader import TNT22_SPEC_FILE
from corridor.interop.dcsa.tnt import codes
from corridor.interop.dcsa.tnt.compiled import CompiledSchema, compile_schema

__all__ = ["V22_EVENT_SCHEMAS", "from_v22", "v22_schema"]

V22_EVENT_SCHEMAS: Mapping[str, str] = {
    "SHIPMENT": "shipmentEvent",
    "TRANSPORT": "transportEvent",
    "EQUIPMENT": "equipmentEvent",
}
_SUBTYPES = {
    "SHIPMENT": ("shipmentEventTypeCode", "shipmentEventType", codes.SHIPMENT_EVENT_V22),
    "TRANSPORT": ("transportEventTypeCode", "transportEventType", codes.TRANSPORT_EVENT),
    "EQUIPMENT": ("equipmentEventTypeCode", "equipmentEventType", codes.EQUIPMENT_EVENT),
}
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


@functools.cache
def v22_schema(schema_name: str) -> CompiledSchema:
    """TNT 2.2 ``components.schemas.<schema_name>``, compiled."""
    return compile_schema(TNT22_SPEC_FILE, schema_name)


def from_v22(raw: object) -> dict[str, Any]:
    """``raw`` (one TNT 2.2 event) as a TNT 3.0.0 event; ``EventRuleError`` names a 2.2 field."""
    if not isinstance(raw, Mapping):
        raise EventRuleError("", "a TNT 2.2 event must be a JSON object")
    event_type = raw.get("eventType")
    if not isinstance(event_type, str) or event_type not in V22_EVENT_SCHEMAS:
        raise EventRuleError(
            "eventType", f"{event_type!r} is not one of {', '.join(V22_EVENT_SCHEMAS)}"
        )
    errors = v22_schema(V22_EVENT_SCHEMAS[event_type]).errors(raw)
    if errors:
        raise EventRuleError(*errors[0])
    code_name, word_name, table = _SUBTYPES[event_type]
    event: dict[str, Any] = {
        "eventID": raw.get("eventID"),
        "eventDateTime": raw["eventDateTime"],
        "eventUpdatedDateTime": raw["eventCreatedDateTime"],
        "eventClassification": {
            "eventType": event_type,
            "eventClassifier": codes.CLASSIFIER[raw["eventClassifierCode"]],
            word_name: table[raw[code_name]],
        },
    }
    if event["eventID"] is None:
        raise EventRuleError("eventID", "is required: Corridor keeps events by their id")
    _copy(event, "reason", raw.get("reason") or raw.get("changeRemark"))
    if event_type != "SHIPMENT":
        _copy(event, "reason", raw.get("vesselScheduleChangeRemark"))
    shipment = _shipment_details(raw, event_type)
    _copy(event, "shipmentDetails", shipment)
    _copy(event, "transportDetails", _transport_details(raw))
    if event_type == "TRANSPORT":
        _copy(event, "eventLocation", _call_location(raw["transportCall"]))
    else:
        _copy(event, "eventLocation", _location(raw.get("eventLocation")))
    if event_type == "EQUIPMENT":
        event["equipmentDetails"] = _equipment_details(raw)
    return event


def _copy(target: dict[str, Any], name: str, value: Any) -> None:
    if value not in (None, {}, []) and name not in target:
        target[name] = value


def _shipment_details(raw: Mapping[str, Any], event_type: str) -> dict[str, Any]:
    documents = []
    if event_type == "SHIPMENT":
        kind = codes.DOCUMENT_TYPE_V22[raw["documentTypeCode"]]
        documents.append({"type": kind, "reference": raw["documentID"]})
    for item in raw.get("documentReferences") or ():
        kind, value = item.get("documentReferenceType"), item.get("documentReferenceValue")
        if kind is not None and value is not None:
            documents.append({"type": codes.DOCUMENT_TYPE[kind], "reference": value})
    details: dict[str, Any] = {}
    if documents:
        details["documentReference"] = documents[0]
        _copy(details, "additionalDocumentReferences", documents[1:])
    references = [
        {"type": codes.REFERENCE_TYPE[item["referenceType"]], "reference": item["referenceValue"]}
        for item in raw.get("references") or ()
    ]
    _copy(details, "shipmentReferences", references)
    return details


def _transport_details(raw: Mapping[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if raw.get("delayReasonCode") is not None:
        details["delayReasonCodes"] = [raw["delayReasonCode"]]
    call = raw.get("transportCall")
    if isinstance(call, Mapping):
        details["transportCall"] = _transport_call(call)
    return details


def _transport_call(call: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _copy(out, "transportCallReference", call.get("transportCallID"))
    _copy(out, "transportCallSequenceNumber", call.get("transportCallSequenceNumber"))
    _copy(out, "modeOfTransport", call.get("modeOfTransport"))
    if call.get("carrierServiceCode") is not None:
        out["serviceCodeOrReference"] = {"carrierServiceCode": call["carrierServiceCode"]}
    export = call.get("exportVoyageNumber") or call.get("carrierVoyageNumber")
    if export is not None:
        out["exportVoyageNumberOrReference"] = {"carrierVoyageNumber": export}
    if call.get("importVoyageNumber") is not None:
        out["importVoyageNumberOrReference"] = {"carrierVoyageNumber": call["importVoyageNumber"]}
    vessel = call.get("vessel")
    if isinstance(vessel, Mapping):
        out["vesselTransport"] = _renamed(vessel, _VESSEL)
    return out


_VESSEL = {
    "vesselIMONumber": "vesselIMONumber",
    "vesselName": "vesselName",
    "vesselFlag": "vesselFlag",
    "vesselCallSignNumber": "vesselCallSign",
    "vesselOperatorCarrierCode": "operatorCarrierCode",
    "vesselOperatorCarrierCodeListProvider": "operatorCarrierCodeListProvider",
}
_ADDRESS = {
    "street": "street",
    "streetNumber": "streetNumber",
    "floor": "floor",
    "postCode": "postCode",
    "city": "city",
    "stateRegion": "stateRegion",
}


def _renamed(source: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {new: source[old] for old, new in names.items() if source.get(old) is not None}


def _call_location(call: Mapping[str, Any]) -> dict[str, Any]:
    """A TNT 2.2 transport call's place, as a TNT 3.0 ``Location``."""
    location = _location(call.get("location"))
    _copy(location, "UNLocationCode", call.get("UNLocationCode"))
    facility = {
        "facilityCode": call.get("facilityCode"),
        "facilityCodeListProvider": call.get("facilityCodeListProvider"),
        "facilityName": call.get("otherFacility"),
    }
    facility = {k: v for k, v in facility.items() if v is not None}
    if facility:
        location["facility"] = {**facility, **location.get("facility", {})}
    if call.get("facilityTypeCode") is not None:
        location["facilityType"] = codes.FACILITY_TYPE[call["facilityTypeCode"]]
    return location


def _location(location: Any) -> dict[str, Any]:
    if not isinstance(location, Mapping):
        return {}
    out = _renamed(location, {"locationName": "locationName", "UNLocationCode": "UNLocationCode"})
    geo = _renamed(location, {"latitude": "latitude", "longitude": "longitude"})
    _copy(out, "geoCoordinate", geo)
    facility = _renamed(
        location,
        {"facilityCode": "facilityCode", "facilityCodeListProvider": "facilityCodeListProvider"},
    )
    _copy(out, "facility", facility)
    address = location.get("address")
    if isinstance(address, Mapping):
        _copy(out, "address", _address(address))
    return out


def _address(address: Mapping[str, Any]) -> dict[str, Any]:
    out = _renamed(address, _ADDRESS)
    lines = [address["name"]] if address.get("name") else []
    country = address.get("country")
    if isinstance(country, str) and _COUNTRY_CODE.fullmatch(country):
        out["countryCode"] = country
    elif country:
        lines.append(country)
    _copy(out, "addressLines", lines)
    return out


def _equipment_details(raw: Mapping[str, Any]) -> dict[str, Any]:
    out = _renamed(
        raw,
        {
            "equipmentReference": "equipmentReference",
            "ISOEquipmentCode": "ISOEquipmentCode",
            "emptyIndicatorCode": "emptyIndicator",
        },
    )
    seals = []
    for seal in raw.get("seals") or ():
        item = {"number": seal["sealNumber"], "type": codes.SEAL_TYPE[seal["sealType"]]}
        if seal.get("sealSource") is not None:
            item["source"] = codes.SEAL_SOURCE[seal["sealSource"]]
        seals.append(item)
    _copy(out, "seals", seals)
    return out
