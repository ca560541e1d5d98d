"""The events of a document's journey on this node: the event store, and the title register.

``node_event_source(node, store)`` is the ``EventSource`` the web app's journeys read
(``services.journeys``): for a transport document it returns

* every stored TNT event that names the document (``shipmentDetails.documentReference`` and the
  other document references) or one of its containers, current versions only; and
* the document's title actions as TNT 3.0.0 SHIPMENT events (``domain.title_events``: ISSUED,
  PENDING_SURRENDER_FOR_DELIVERY, SURRENDERED_FOR_DELIVERY, ...), read from the signed log at
  the time of the request, so the timeline shows title and cargo together and never lags the
  register. The running node also feeds them to the event store (``services.title_feed``) for
  the TNT endpoints and subscribers; one already stored is not listed twice.
"""

from __future__ import annotations

from typing import Any

import orjson

from corridor.domain.title import SURRENDERS, ActionCode
from corridor.domain.title_events import title_event
from corridor.domain.tnt_query import EventFilter
from corridor.errors import NotFoundError
from corridor.services.events import EventStore
from corridor.services.journeys import EventSource
from corridor.services.node import Node

__all__ = ["node_event_source", "title_shipment_events"]

_PAGE = 500


def node_event_source(node: Node, store: EventStore) -> EventSource:
    """The stored events of the document and its containers, then its title events."""

    def events(reference: str, containers: list[str]) -> list[dict[str, Any]]:
        wanted = [EventFilter(document_reference=reference)]
        wanted += [EventFilter(equipment_reference=box) for box in containers]
        found: dict[int, dict[str, Any]] = {}
        for where in wanted:
            after: int | None = None
            while True:
                page = store.page(where, limit=_PAGE, after=after)
                for row in page:
                    found[row.seq] = orjson.loads(row.event_json)
                if len(page) < _PAGE:
                    break
                after = page[-1].seq
        stored = [found[seq] for seq in sorted(found)]
        known = {event.get("eventID") for event in stored}
        titles = [e for e in title_shipment_events(node, reference) if e["eventID"] not in known]
        return [*stored, *titles]

    return events


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
