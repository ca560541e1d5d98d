"""The events of a document's journey on this node: the event store, and the title register.

``node_event_source(node, store)`` is the ``EventSource`` the web app's journeys read
(``services.journeys``): for a transport document it returns

* every stored TNT event that names the document (``shipmentDetails.documentReference`` and the
  other document references), and the events of its containers that belong to this bill:
  containers are reused trip after trip, so a container event that names another transport
  document is left out, and one that names none counts only inside the bill's window (from
  ``_BEFORE`` ahead of the earliest of its issue and its document's dates, until ``_AFTER`` past
  the surrender's acceptance or the voiding; open-ended while the bill is live); and
* the document's title actions as TNT 3.0.0 SHIPMENT events (``domain.title_events``: ISSUED,
  PENDING_SURRENDER_FOR_DELIVERY, SURRENDERED_FOR_DELIVERY, ...), read from the signed log at
  the time of the request, so the timeline shows title and cargo together and never lags the
  register. The running node also feeds them to the event store (``services.title_feed``) for
  the TNT endpoints and subscribers; one already stored is not listed twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from corridor.crypto.canonical import parse_json
from corridor.domain.title import SURRENDERS, ActionCode
from corridor.domain.title_events import SHIPMENT_EVENT_TYPES, TITLE_EVENT_PREFIX, title_event
from corridor.domain.tnt_query import EventFilter
from corridor.errors import NotFoundError
from corridor.services.events import EventStore
from corridor.services.journeys import EventSource
from corridor.services.node import Node

__all__ = ["node_event_source", "title_shipment_events"]

_PAGE = 500
_BEFORE = dt.timedelta(days=21)  # rail pre-carriage and port dwell before the bill's dates
_AFTER = dt.timedelta(days=14)  # gate-out and empty return after the surrender is accepted
_OPEN = dt.datetime.max.replace(tzinfo=dt.UTC)
_ENDS = frozenset({"SURRENDERED", "SURRENDERED_FOR_AMENDMENT", "VOIDED"})


def node_event_source(node: Node, store: EventStore) -> EventSource:
    """The stored events of the document and its containers, then its title events."""

    def events(reference: str, containers: list[str]) -> list[dict[str, Any]]:
        titles = title_shipment_events(node, reference)
        window = _window(node, reference, titles)
        found: dict[int, dict[str, Any]] = {}
        for row in _stored(store, EventFilter(document_reference=reference)):
            found[row.seq] = orjson.loads(row.event_json)
        for box in containers:
            for row in _stored(store, EventFilter(equipment_reference=box)):
                event = orjson.loads(row.event_json)
                if _belongs(event, reference, window):
                    found[row.seq] = event
        # Title events come from the signed log only: a stored event that says what the
        # register says (the node's own, or anyone's claim that the bill was issued,
        # surrendered or voided) never stands in for it.
        stored = [found[seq] for seq in sorted(found) if not _claims_title(found[seq])]
        return [*stored, *titles]

    return events


def _stored(store: EventStore, where: EventFilter) -> Iterator[Any]:
    after: int | None = None
    while True:
        page = store.page(where, limit=_PAGE, after=after)
        yield from page
        if len(page) < _PAGE:
            return
        after = page[-1].seq


_TITLE_WORDS = frozenset(
    {
        *SHIPMENT_EVENT_TYPES.values(),
        "SURRENDERED",
        "SURRENDERED_FOR_DELIVERY",
        "SURRENDERED_FOR_AMENDMENT",
    }
)


def _claims_title(event: Mapping[str, Any]) -> bool:
    if str(event.get("eventID", "")).startswith(TITLE_EVENT_PREFIX):
        return True
    classification = event.get("eventClassification")
    details = event.get("shipmentDetails")
    if not isinstance(classification, Mapping) or not isinstance(details, Mapping):
        return False
    primary = details.get("documentReference")
    return (
        classification.get("shipmentEventType") in _TITLE_WORDS
        and isinstance(primary, Mapping)
        and primary.get("type") == "TRANSPORT_DOCUMENT"
    )


def _named_documents(event: Mapping[str, Any]) -> set[str]:
    details = event.get("shipmentDetails")
    if not isinstance(details, Mapping):
        return set()
    items = [details.get("documentReference"), *(details.get("additionalDocumentReferences") or ())]
    return {str(i["reference"]) for i in items if isinstance(i, Mapping) and "reference" in i}


def _belongs(
    event: Mapping[str, Any], reference: str, window: tuple[dt.datetime, dt.datetime]
) -> bool:
    """A container event is this bill's if it names the bill, or names none and falls inside
    the bill's window (a retraction, which carries no time, always counts)."""
    named = _named_documents(event)
    if named:
        return reference in named
    text = event.get("eventDateTime")
    if not isinstance(text, str):
        return True
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return True  # the journey model reports an unreadable time; do not hide it here
    if at.tzinfo is None:
        return True
    return window[0] <= at <= window[1]


def _window(
    node: Node, reference: str, titles: list[dict[str, Any]]
) -> tuple[dt.datetime, dt.datetime]:
    """From ``_BEFORE`` ahead of the earliest date known for the bill until ``_AFTER`` past its
    end (an accepted surrender or a voiding), or open-ended."""
    times = [_time(t["eventDateTime"]) for t in titles]
    try:
        document = parse_json(node.document(reference))
    except NotFoundError:
        document = {}
    if isinstance(document, dict):
        transports = document.get("transports")
        dates = [document.get(k) for k in ("shippedOnBoardDate", "receivedForShipmentDate")]
        if isinstance(transports, dict):
            dates += [transports.get("plannedDepartureDate")]
        times += [_time(f"{d}T00:00:00+00:00") for d in dates if isinstance(d, str)]
    known = [t for t in times if t is not None]
    start = min(known) - _BEFORE if known else dt.datetime.min.replace(tzinfo=dt.UTC)
    ended = [
        _time(t["eventDateTime"])
        for t in titles
        if t["eventClassification"]["shipmentEventType"] in _ENDS
    ]
    end = max(e for e in ended if e is not None) + _AFTER if any(ended) else _OPEN
    return start, end


def _time(text: str) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def title_shipment_events(node: Node, reference: str) -> list[dict[str, Any]]:
    """The TNT 3.0.0 SHIPMENT events of ``reference``'s title actions, oldest first."""
    try:
        history = node.history(reference)
    except NotFoundError:
        return []
    platform = node.config.platform
    out: list[dict[str, Any]] = []
    surrender: ActionCode | None = None
    for item in history:
        code = item.payload.action_code
        event = title_event(
            reference=reference,
            code=code,
            action_date_time=item.payload.action_date_time,
            entry_hash=item.row.entry_hash,
            platform=platform,
            surrendered_for=surrender,
        )
        if code in SURRENDERS:
            surrender = code
        if event is not None:
            out.append(event)
    return out
