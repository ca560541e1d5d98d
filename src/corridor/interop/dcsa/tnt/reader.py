"""Reading a file or body of DCSA Track & Trace JSON into TNT 3.0 events (``event_records``).

``read_dcsa_json(text)`` accepts what producers send and DCSA publishes:

* a TNT 3.0 ``PostEventsRequest`` or ``GetEventsResponse``: ``{"events": [...]}`` (places
  ``events[0]``, ``events[1]``, ...);
* a bare JSON array of events (places ``[0]``, ``[1]``, ...), each item either TNT 3.0 (it has
  ``eventClassification``) or TNT 2.2 (``examples/tnt220-response.json``: it has ``eventType`` at
  the top), which is checked against TNT 2.2 and converted (``v22_in.from_v22``);
* a single event object (place ``$``).

The array of events is read an item at a time (``interop.json_array``): a file of a million
events is never a million parsed objects at once, and the text after a syntax error is not read
(the events before it are yielded, then one ``RejectedRecord`` with the fault's line and
column). After the array, the wrapper may hold other members (a ``GetEventsResponse``'s
``feedbackElements``); a wrapper with members before ``events`` is parsed whole.

A TNT 2.2 item that breaks its spec becomes a ``RejectedRecord`` naming its place and field, and
the rest still come. TNT 3.0 items are passed on as they are; the ingest gate
(``validate.check_tnt_event``) checks them. A text that is not JSON at all, or JSON of another
shape, is one ``RejectedRecord`` for the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from corridor.domain.tnt_event import EventRuleError
from corridor.interop.dcsa.tnt.v22_in import from_v22
from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord
from corridor.interop.json_array import (
    JsonSyntaxError,
    Tail,
    array_items,
    nothing_after,
    syntax_error,
)

__all__ = ["read_dcsa_json"]

_WHOLE = "file"
_WRAPPED = re.compile(rb'[ \t\n\r]*+\{[ \t\n\r]*+"events"[ \t\n\r]*+:[ \t\n\r]*+(?=\[)')
_BARE = re.compile(rb"[ \t\n\r]*+(?=\[)")
_CLOSE_OBJECT = re.compile(rb"[ \t\n\r]*+\}[ \t\n\r]*+")
_NEXT_MEMBER = re.compile(rb"[ \t\n\r]*+,")
_SPACE = re.compile(rb"[ \t\n\r]*+")  # JSON's whitespace, no other


def read_dcsa_json(text: str | bytes) -> Iterator[ParsedRecord]:
    """Every event of ``text`` as a ``ParsedEvent`` (TNT 3.0) or a ``RejectedRecord``."""
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError as error:
        yield RejectedRecord(_WHOLE, f"not JSON: character {error.start + 1} is not Unicode text")
        return
    wrapped = _WRAPPED.match(data)
    if wrapped is not None:
        yield from _streamed(data, wrapped.end(), _rest_of_wrapper, "events")
        return
    bare = _BARE.match(data)
    if bare is not None:
        yield from _streamed(data, bare.end(), nothing_after, "")
        return
    try:
        document: Any = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        yield RejectedRecord(f"line {error.lineno}, column {error.colno}", f"not JSON: {error.msg}")
        return
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        yield from _items(document["events"], "events")
    elif isinstance(document, dict) and ("eventID" in document or "eventType" in document):
        yield from _items([document], "$")
    else:
        yield RejectedRecord(
            _WHOLE,
            'expected DCSA Track & Trace events: {"events": [...]} (TNT 3.0), a JSON array of '
            "events (TNT 2.2 or 3.0) or one event object",
        )


def _streamed(data: bytes, start: int, tail: Tail, where: str) -> Iterator[ParsedRecord]:
    """The items of the array at ``start``, read one at a time (``interop.json_array``)."""
    try:
        yield from _items(array_items(data, start, tail), where)
    except JsonSyntaxError as error:
        yield RejectedRecord(
            f"line {error.line}, column {error.column}", f"not JSON: {error.message}"
        )


def _rest_of_wrapper(data: bytes, position: int) -> None:
    """After ``"events": [...]``: the wrapper's ``}``, or more members (a ``GetEventsResponse``
    has ``feedbackElements``), which must be JSON; a second ``events`` is refused."""
    closed = _CLOSE_OBJECT.match(data, position)
    if closed is not None:
        if closed.end() != len(data):
            raise syntax_error(data, closed.end(), "unexpected text after the document")
        return
    more = _NEXT_MEMBER.match(data, position)
    if more is None:
        where = _SPACE.match(data, position).end()  # type: ignore[union-attr]
        raise syntax_error(data, where, "expected ',' or '}' after the events array")
    if _CLOSE_OBJECT.match(data, more.end()) is not None:
        raise syntax_error(data, more.end() - 1, "a comma before '}' is not JSON")
    try:
        rest = orjson.loads(b"{" + data[more.end() :])
    except orjson.JSONDecodeError as error:
        read = error.doc[: error.pos] if isinstance(error.doc, str) else "{"
        offset = max(len(read.encode("utf-8", "surrogatepass")) - 1, 0)  # less the "{" added
        raise syntax_error(data, more.end() + offset, error.msg) from None
    if not isinstance(rest, dict) or "events" in rest:
        where = _SPACE.match(data, more.end()).end()  # type: ignore[union-attr]
        raise syntax_error(data, where, 'expected the members after "events" (only one "events")')


def _items(items: Iterable[Any], where: str) -> Iterator[ParsedRecord]:
    for index, item in enumerate(items):
        place = where if where == "$" else f"{where}[{index}]"
        if isinstance(item, dict) and "eventClassification" not in item and "eventType" in item:
            try:
                yield ParsedEvent(place, from_v22(item))
            except EventRuleError as error:
                yield RejectedRecord(place, str(error))
            continue
        yield ParsedEvent(place, item)
