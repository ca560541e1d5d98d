"""Which tracking events a query or a subscription asks for (DCSA TNT 2.2 and 3.0 filters).

One ``EventFilter`` serves ``GET /v2/events``, ``GET /events``, ``corridor events list`` and the
TNT 2.2 subscriptions, so a subscription is sent exactly the events the same filters would
return. Values are in TNT 3.0.0 words (the API layer translates 2.2 codes). The semantics:

- every given criterion must hold (AND); a list criterion holds if any of its values does (OR);
- ``event_types``: the event's ``eventType`` is one of them;
- ``subtypes``: each ``(eventType, values)`` pair requires that type *and* one of those
  sub-types; TNT 2.2 says ``shipmentEventTypeCode=DRFT`` together with
  ``equipmentEventTypeCode=GTIN`` "will return an empty list", and so it does here;
- ``document_types``: a SHIPMENT event whose primary document is of one of these types;
- ``documents``: each ``(type, reference)`` names a document the event refers to (primary or
  additional): ``carrierBookingReference`` is ``(BOOKING, ...)``, ``transportDocumentReference``
  is ``(TRANSPORT_DOCUMENT, ...)``; ``document_reference``: a document of any type;
- ``equipment_reference``, ``un_location`` (of ``eventLocation``), ``transport_call_reference``,
  ``vessel_imo``, ``voyage`` (export voyage) and ``service_code``: equal;
- ``updated``: comparisons of ``eventUpdatedDateTime`` (TNT 2.2's ``eventCreatedDateTime``
  operators ``gte``/``gt``/``lte``/``lt``/``eq``, TNT 3.0's ``eventUpdatedDateTimeMin/Max``);
- ``include_retracted``: whether retraction markers are returned (TNT 3.0 ``GET /events`` does,
  so a consumer learns of a retraction; TNT 2.2 has none and never shows them).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from corridor.domain.tnt_event import EventFacts

__all__ = ["COMPARISONS", "EventFilter"]

COMPARISONS: Mapping[str, Callable[[Any, Any], bool]] = {
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
    "eq": operator.eq,
}
"""TNT 2.2's date operators, by the suffix written after the parameter name (``:gte``)."""


@dataclass(frozen=True)
class EventFilter:
    """A conjunction of criteria on ``EventFacts`` (module docstring)."""

    event_types: tuple[str, ...] = ()
    subtypes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    document_types: tuple[str, ...] = ()
    documents: tuple[tuple[str, str], ...] = ()
    document_reference: str | None = None
    equipment_reference: str | None = None
    un_location: str | None = None
    transport_call_reference: str | None = None
    vessel_imo: str | None = None
    voyage: str | None = None
    service_code: str | None = None
    updated: tuple[tuple[str, dt.datetime], ...] = ()
    include_retracted: bool = False

    def matches(self, facts: EventFacts) -> bool:
        """Whether ``facts`` meet every criterion (for subscriptions; SQL does the same)."""
        if facts.retracted and not self.include_retracted:
            return False
        if self.event_types and facts.event_type not in self.event_types:
            return False
        for event_type, values in self.subtypes:
            if facts.event_type != event_type or facts.subtype not in values:
                return False
        if self.document_types and (
            facts.event_type != "SHIPMENT"
            or facts.shipment_document_type not in self.document_types
        ):
            return False
        if any(document not in facts.documents for document in self.documents):
            return False
        if self.document_reference is not None and all(
            reference != self.document_reference for _, reference in facts.documents
        ):
            return False
        return self._equalities_hold(facts) and self._times_hold(facts)

    def _equalities_hold(self, facts: EventFacts) -> bool:
        pairs = (
            (self.equipment_reference, facts.equipment_reference),
            (self.un_location, facts.un_location),
            (self.transport_call_reference, facts.transport_call_reference),
            (self.vessel_imo, facts.vessel_imo),
            (self.voyage, facts.voyage),
            (self.service_code, facts.service_code),
        )
        return all(wanted is None or wanted == actual for wanted, actual in pairs)

    def _times_hold(self, facts: EventFacts) -> bool:
        if not self.updated:
            return True
        if facts.updated_at is None:
            return False
        return all(COMPARISONS[op](facts.updated_at, moment) for op, moment in self.updated)

    def describe(self) -> dict[str, Any]:
        """The criteria as JSON-ready data (for cursors and fingerprints)."""
        return {
            "types": list(self.event_types),
            "subtypes": [[t, list(v)] for t, v in self.subtypes],
            "documentTypes": list(self.document_types),
            "documents": [list(d) for d in self.documents],
            "document": self.document_reference,
            "equipment": self.equipment_reference,
            "location": self.un_location,
            "call": self.transport_call_reference,
            "imo": self.vessel_imo,
            "voyage": self.voyage,
            "service": self.service_code,
            "updated": [[op, moment.isoformat()] for op, moment in self.updated],
            "retracted": self.include_retracted,
        }
