"""Reading a file or body of DCSA Track & Trace JSON into TNT 3.0 events (``event_records``).

``read_dcsa_json(text)`` accepts what producers send and DCSA publishes:

* a TNT 3.0 ``PostEventsRequest`` or ``GetEventsResponse``: ``{"events": [...]}`` (places
  ``events[0]``, ``events[1]``, ...);
* a bare JSON array of events (places ``[0]``, ``[1]``, ...), each item either TNT 3.0 (it has
  ``eventClassification``) or TNT 2.2 (``examples/tnt220-response.json``: it has ``eventType`` at
  the top), which is checked against TNT 2.2 and converted (``v22_in.from_v22``);
* a single event object (place ``$``).

Items are yielded one at a time: a TNT 2.2 item that breaks its spec becomes a
``RejectedRecord`` naming its place and field, and the rest still come. TNT 3.0 items are passed
on as they are; the ingest gate (``validate.check_tnt_event``) checks them. A text that is not
JSON at all, or JSON of another shape, is one ``RejectedRecord`` for the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from corridor.domain.tnt_event import EventRuleError
from corridor.interop.dcsa.tnt.v22_in import from_v22
from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord

__all__ = ["read_dcsa_json"]

_WHOLE = "file"


def read_dcsa_json(text: str | bytes) -> Iterator[ParsedRecord]:
    """Every event of ``text`` as a ``ParsedEvent`` (TNT 3.0) or a ``RejectedRecord``."""
    try:
        document: Any = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        yield RejectedRecord(f"line {error.lineno}, column {error.colno}", f"not JSON: {error.msg}")
        return
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        yield from _items(document["events"], "events")
    elif isinstance(document, list):
        yield from _items(document, "")
    elif isinstance(document, dict) and ("eventID" in document or "eventType" in document):
        yield from _items([document], "$")
    else:
        yield RejectedRecord(
            _WHOLE,
            'expected DCSA Track & Trace events: {"events": [...]} (TNT 3.0), a JSON array of '
            "events (TNT 2.2 or 3.0) or one event object",
        )


def _items(items: Sequence[Any], where: str) -> Iterator[ParsedRecord]:
    for index, item in enumerate(items):
        place = where if where == "$" else f"{where}[{index}]"
        if isinstance(item, dict) and "eventClassification" not in item and "eventType" in item:
            try:
                yield ParsedEvent(place, from_v22(item))
            except EventRuleError as error:
                yield RejectedRecord(place, str(error))
            continue
        yield ParsedEvent(place, item)
