"""Events written in the code dialect of DCSA's TNT 3.0 examples, turned into TNT 3.0.0 words.

DCSA's published TNT 3.0 example messages (``examples/tnt300-*.json``) predate the wording of the
3.0.0 release vendored in ``spec/TNT_v3.0.0.yaml``: they write ``eventClassification.eventTypeCode``
and ``eventClassifierCode: ACT`` where 3.0.0 writes ``eventType`` and ``eventClassifier: ACTUAL``.
Because the 3.0.0 schema declares no ``required`` and no ``additionalProperties``, such an event
passes the schema while meaning nothing to it. Operators send what the examples show, so Corridor
accepts both and stores only the 3.0.0 form: ``normalise`` renames, in the places below, a
property of the code dialect to its 3.0.0 name and its code to its word (``codes``):

====================================================  ============================================
code dialect                                          TNT 3.0.0
====================================================  ============================================
``eventClassification.eventTypeCode``                 ``eventType`` (same values)
``eventClassification.eventClassifierCode`` PLN ...   ``eventClassifier`` PLANNED, ESTIMATED, ACTUAL
``eventClassification.shipmentEventTypeCode`` (34)    ``shipmentEventType`` (CONF -> CONFIRMED)
``eventClassification.transportEventTypeCode``        ``transportEventType`` (ARRI -> ARRIVED)
``eventClassification.equipmentEventTypeCode``        ``equipmentEventType`` (LOAD -> LOADED)
``eventClassification.reeferEventTypeCode``           ``reeferEventType`` (MEAS -> MEASURED)
``iotEventTypeCode: DETC`` + ``iotDetails.iotEventCode``  ``iotEventType``: DRO -> DOOR_OPENED,
                                                      LOC (location update) -> BREADCRUMB
``eventRouting.originatingParty`` / ``destinationParty``  ``originatingParties`` / ``...Parties``
``eventLocation.facilityTypeCode`` (DEPO, POTE, ...)  ``facilityType`` (DEPOT, PORT_TERMINAL, ...)
``eventLocation.facilityCode`` (+ ``ListProvider``)   ``eventLocation.facility.facilityCode`` (...)
``eventLocation.latitude`` / ``longitude``            ``eventLocation.geoCoordinate.latitude`` ...
``*DocumentReference*.typeCode`` (BKG, TRD, ...)      ``type`` (BOOKING, TRANSPORT_DOCUMENT, ...)
``shipmentReferences[].typeCode`` (FF, EQ, ...)       ``type`` (FREIGHT_FORWARDERS_REFERENCE, ...)
``equipmentDetails.emptyIndicatorCode``               ``emptyIndicator`` (same values)
``equipmentDetails.movementType``                     ``transportPhase`` (same values)
``seals[].sealNumber`` / ``sealSource`` / ``sealType``  ``number`` / ``source`` / ``type`` (words)
====================================================  ============================================

A code that is not on its list is refused naming the property as sent
(``eventClassification.eventClassifierCode: 'XYZ' is not one of PLN, EST, ACT``); a code that
contradicts the 3.0.0 property beside it is refused too. The dialect is recognised by the
classification: an event whose ``eventClassification`` has a code-dialect property is converted
as a whole; any other event comes back as the very same object, untouched (one set test), and
meets the schema and rules as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corridor.domain.tnt_event import EventRuleError
from corridor.interop.dcsa.tnt import codes

__all__ = ["normalise"]

_Rename = tuple[str, str, Mapping[str, str] | None]

_CLASSIFICATION: tuple[_Rename, ...] = (
    ("eventTypeCode", "eventType", None),
    ("eventClassifierCode", "eventClassifier", codes.CLASSIFIER),
    ("shipmentEventTypeCode", "shipmentEventType", codes.SHIPMENT_EVENT),
    ("transportEventTypeCode", "transportEventType", codes.TRANSPORT_EVENT),
    ("equipmentEventTypeCode", "equipmentEventType", codes.EQUIPMENT_EVENT),
    ("reeferEventTypeCode", "reeferEventType", codes.REEFER_EVENT),
)
_IOT_EVENT = {"DRO": "DOOR_OPENED", "LOC": "BREADCRUMB"}
_DOCUMENT: tuple[_Rename, ...] = (("typeCode", "type", codes.DOCUMENT_TYPE),)
_REFERENCE: tuple[_Rename, ...] = (("typeCode", "type", codes.REFERENCE_TYPE),)
_EQUIPMENT: tuple[_Rename, ...] = (
    ("emptyIndicatorCode", "emptyIndicator", None),
    ("movementType", "transportPhase", None),
)
_SEAL: tuple[_Rename, ...] = (
    ("sealNumber", "number", None),
    ("sealSource", "source", codes.SEAL_SOURCE),
    ("sealType", "type", codes.SEAL_TYPE),
)
_LOCATION: tuple[_Rename, ...] = (("facilityTypeCode", "facilityType", codes.FACILITY_TYPE),)


_CODE_KEYS = frozenset({old for old, _, _ in _CLASSIFICATION} | {"iotEventTypeCode"})


def normalise(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """``event`` in TNT 3.0.0 words (the same object if it already was); see the module doc."""
    classification = event.get("eventClassification")
    if type(classification) is not dict or classification.keys().isdisjoint(_CODE_KEYS):
        return event  # written in words (or not an event at all: the schema will say)
    changes: dict[str, Any] = {}
    if isinstance(classification, Mapping):
        changed = _classification(classification, event.get("iotDetails"))
        if changed is not None:
            changes["eventClassification"] = changed
            iot = event.get("iotDetails")
            if isinstance(iot, Mapping) and "iotEventCode" in iot:
                changes["iotDetails"] = {k: v for k, v in iot.items() if k != "iotEventCode"}
    for name, step in _STEPS:
        part = event.get(name)
        if isinstance(part, Mapping):
            changed = step(part, name + ".")
            if changed is not None:
                changes[name] = changed
    return {**event, **changes} if changes else event


def _renamed(
    obj: Mapping[str, Any], where: str, renames: Sequence[_Rename]
) -> dict[str, Any] | None:
    out: dict[str, Any] | None = None
    for old, new, table in renames:
        if old not in obj:
            continue
        value = obj[old]
        if table is not None:
            if not isinstance(value, str) or value not in table:
                raise EventRuleError(
                    where + old, f"{value!r} is not one of {', '.join(dict.fromkeys(table))}"
                )
            value = table[value]
        out = dict(obj) if out is None else out
        del out[old]
        if out.get(new, value) != value:
            raise EventRuleError(where + new, f"{out[new]!r} contradicts {old} {obj[old]!r}")
        out[new] = value
    return out


def _classification(obj: Mapping[str, Any], iot: Any) -> dict[str, Any] | None:
    where = "eventClassification."
    out = _renamed(obj, where, _CLASSIFICATION)
    if "iotEventTypeCode" not in obj:
        return out
    out = dict(obj) if out is None else out
    code = out.pop("iotEventTypeCode")
    if code != "DETC":
        raise EventRuleError(where + "iotEventTypeCode", f"{code!r} is not one of DETC")
    detail = iot.get("iotEventCode") if isinstance(iot, Mapping) else None
    if not isinstance(detail, str) or detail not in _IOT_EVENT:
        raise EventRuleError(
            "iotDetails.iotEventCode",
            f"{detail!r} is not one of {', '.join(_IOT_EVENT)}: with iotEventTypeCode DETC it "
            "says which IoT event was detected",
        )
    if out.get("iotEventType", _IOT_EVENT[detail]) != _IOT_EVENT[detail]:
        raise EventRuleError(where + "iotEventType", f"contradicts iotEventCode {detail!r}")
    out["iotEventType"] = _IOT_EVENT[detail]
    return out


def _each(items: Any, where: str, renames: Sequence[_Rename]) -> list[Any] | None:
    if not isinstance(items, list):
        return None
    changed = False
    out = []
    for index, item in enumerate(items):
        new = _renamed(item, f"{where}[{index}].", renames) if isinstance(item, Mapping) else None
        changed = changed or new is not None
        out.append(item if new is None else new)
    return out if changed else None


def _replacements(items: Any, where: str, renames: Sequence[_Rename]) -> list[Any] | None:
    if not isinstance(items, list):
        return None
    changed = False
    out = []
    for index, item in enumerate(items):
        new_item = item
        if isinstance(item, Mapping):
            for side in ("oldReferences", "newReferences"):
                new = _each(item.get(side), f"{where}[{index}].{side}", renames)
                if new is not None:
                    new_item = {**new_item, side: new}
        changed = changed or new_item is not item
        out.append(new_item)
    return out if changed else None


def _shipment(details: Mapping[str, Any], where: str) -> dict[str, Any] | None:
    changes: dict[str, Any] = {}
    primary = details.get("documentReference")
    if isinstance(primary, Mapping):
        new = _renamed(primary, where + "documentReference.", _DOCUMENT)
        if new is not None:
            changes["documentReference"] = new
    for name, step, renames in (
        ("additionalDocumentReferences", _each, _DOCUMENT),
        ("documentReferenceReplacements", _replacements, _DOCUMENT),
        ("shipmentReferences", _each, _REFERENCE),
        ("shipmentReferenceReplacements", _replacements, _REFERENCE),
    ):
        new_list = step(details.get(name), where + name, renames)
        if new_list is not None:
            changes[name] = new_list
    return {**details, **changes} if changes else None


def _equipment(details: Mapping[str, Any], where: str) -> dict[str, Any] | None:
    out = _renamed(details, where, _EQUIPMENT)
    seals = _each(details.get("seals"), where + "seals", _SEAL)
    if seals is None:
        return out
    return {**(out if out is not None else details), "seals": seals}


def _location(location: Mapping[str, Any], where: str) -> dict[str, Any] | None:
    out = _renamed(location, where, _LOCATION)
    for group, names in (
        ("facility", ("facilityCode", "facilityCodeListProvider")),
        ("geoCoordinate", ("latitude", "longitude")),
    ):
        moved = {name: location[name] for name in names if name in location}
        if not moved:
            continue
        out = dict(location) if out is None else out
        for name in moved:
            del out[name]
        existing = out.get(group)
        out[group] = {**moved, **existing} if isinstance(existing, Mapping) else moved
    return out


def _routing(routing: Mapping[str, Any], where: str) -> dict[str, Any] | None:
    out: dict[str, Any] | None = None
    for old, new in (
        ("originatingParty", "originatingParties"),
        ("destinationParty", "destinationParties"),
    ):
        if old in routing:
            out = dict(routing) if out is None else out
            party = out.pop(old)
            if new in out:
                raise EventRuleError(where + old, f"is given beside {new}; send only {new}")
            out[new] = [party]
    return out


_STEPS = (
    ("eventRouting", _routing),
    ("eventLocation", _location),
    ("shipmentDetails", _shipment),
    ("equipmentDetails", _equipment),
)
