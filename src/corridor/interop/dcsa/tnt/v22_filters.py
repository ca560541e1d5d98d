"""TNT 2.2 filters (``GET /v2/events`` query parameters, subscription bodies) as an ``EventFilter``.

The same names appear in both places (``TNT_v2.2.0.yaml``: the ``/v2/events`` parameters and
``shipmentSubscriptionBody``, ``transportSubscriptionBody``, ``equipmentSubscriptionBody``). A
query writes a list as comma-separated values (``style: form, explode: false``), a subscription
body as a JSON array; both are accepted. Codes become TNT 3.0.0 words (``codes``):
``shipmentEventTypeCode=DRFT`` asks for SHIPMENT events of sub-type DRAFTED.

Deprecated 2.2 filters: ``bookingReference`` is read as ``carrierBookingReference`` and
``carrierVoyageNumber`` as ``exportVoyageNumber`` (their replacements, per the spec);
``transportDocumentID``, ``scheduleID`` and ``transportDocumentTypeCode`` name things TNT 2.2
itself deprecated and Corridor does not keep, and are refused with the reason.

``eventCreatedDateTime`` with an operator (``eventCreatedDateTime:gte=...``; no operator means
``eq``) compares the event's ``eventUpdatedDateTime`` (its 2.2 ``eventCreatedDateTime``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from corridor.domain.tnt_event import EventRuleError, parse_date_time
from corridor.domain.tnt_query import COMPARISONS, EventFilter
from corridor.interop.dcsa.tnt import codes

__all__ = ["V22_FILTER_NAMES", "created_filter", "filter_from_v22"]

_LISTS: Mapping[str, tuple[str, Mapping[str, str]]] = {
    "shipmentEventTypeCode": ("SHIPMENT", codes.SHIPMENT_EVENT_V22),
    "transportEventTypeCode": ("TRANSPORT", codes.TRANSPORT_EVENT),
    "equipmentEventTypeCode": ("EQUIPMENT", codes.EQUIPMENT_EVENT),
}
_EVENT_TYPES = ("SHIPMENT", "TRANSPORT", "EQUIPMENT")
_EQUALITIES = {
    "transportCallID": ("transport_call_reference", 100),
    "vesselIMONumber": ("vessel_imo", 7),
    "exportVoyageNumber": ("voyage", 50),
    "carrierServiceCode": ("service_code", 5),
    "UNLocationCode": ("un_location", 5),
    "equipmentReference": ("equipment_reference", 15),
}
_DOCUMENTS = {
    "carrierBookingReference": ("BOOKING", 35),
    "transportDocumentReference": ("TRANSPORT_DOCUMENT", 20),
}
_RENAMED = {
    "bookingReference": "carrierBookingReference",
    "carrierVoyageNumber": "exportVoyageNumber",
}
_UNSUPPORTED = frozenset({"transportDocumentID", "scheduleID", "transportDocumentTypeCode"})

V22_FILTER_NAMES = frozenset(
    {"eventType", "documentTypeCode", *_LISTS, *_EQUALITIES, *_DOCUMENTS, *_RENAMED, *_UNSUPPORTED}
)
"""Every filter name TNT 2.2 defines for events (besides ``eventCreatedDateTime``)."""

Value = str | Sequence[str]


def _values(name: str, value: Value) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    if not items or any(not isinstance(item, str) or not item.strip() for item in items):
        raise EventRuleError(name, "must be one or more values, separated by commas")
    return [item.strip() for item in items]


def _words(name: str, value: Value, table: Mapping[str, str]) -> tuple[str, ...]:
    words = []
    for item in _values(name, value):
        if item not in table:
            raise EventRuleError(name, f"{item!r} is not one of {', '.join(table)}")
        words.append(table[item])
    return tuple(dict.fromkeys(words))


def _single(name: str, value: Value, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise EventRuleError(name, f"must be one value of 1 to {limit} characters")
    return value


def filter_from_v22(
    given: Mapping[str, Value], updated: Sequence[tuple[str, dt.datetime]] = ()
) -> EventFilter:
    """The ``EventFilter`` for TNT 2.2 filters ``given`` (None values are left out)."""
    values = {name: value for name, value in given.items() if value is not None}
    for old, new in _RENAMED.items():
        if old in values:
            if new in values and values[new] != values[old]:
                raise EventRuleError(old, f"contradicts {new}; send only {new}")
            values.setdefault(new, values.pop(old))
    for name in _UNSUPPORTED & set(values):
        raise EventRuleError(name, "is deprecated by TNT 2.2 and not supported; leave it out")
    criteria: dict[str, object] = {"updated": tuple(updated)}
    if "eventType" in values:
        table = {t: t for t in _EVENT_TYPES}
        criteria["event_types"] = _words("eventType", values["eventType"], table)
    criteria["subtypes"] = tuple(
        (event_type, _words(name, values[name], table))
        for name, (event_type, table) in _LISTS.items()
        if name in values
    )
    if "documentTypeCode" in values:
        found = _words("documentTypeCode", values["documentTypeCode"], codes.DOCUMENT_TYPE_V22)
        criteria["document_types"] = found
    criteria["documents"] = tuple(
        (kind, _single(name, values[name], limit))
        for name, (kind, limit) in _DOCUMENTS.items()
        if name in values
    )
    for name, (attribute, limit) in _EQUALITIES.items():
        if name in values:
            criteria[attribute] = _single(name, values[name], limit)
    return EventFilter(**criteria)  # type: ignore[arg-type]


def created_filter(name: str, value: str) -> tuple[str, dt.datetime]:
    """``eventCreatedDateTime[:op]`` and its value as ``(op, moment)``; op defaults to eq."""
    _, _, op = name.partition(":")
    op = op or "eq"
    if op not in COMPARISONS:
        raise EventRuleError(name, f"unknown operator {op!r}; use one of {', '.join(COMPARISONS)}")
    return op, parse_date_time(value, name)
