"""The items of a large JSON array, parsed one at a time from the document's bytes.

``orjson.loads`` turns a whole document into Python objects at once. A file of a million tracking
events (877 MB) becomes some 30 million objects in 6.7 GB of fresh memory, and touching that much
new memory costs more than the parsing itself: 17 µs an event, where the same events parsed one
by one, each freed before the next, cost 2.6 µs (``corridor bench events``). ``array_items``
yields the items of one array of a document without building the rest: memory stays at what the
caller keeps, and the parse costs what parsing costs.

Where an item ends. Between two objects of an array the bytes are ``}``, optional whitespace,
``,``, optional whitespace, ``{``. The same bytes can occur inside an item, between the objects of
an inner array or in a string, so such a place is only a candidate: it ends the item when the
bytes from the item's start to it parse as one JSON value. No shorter piece of a JSON value than
the whole ends with ``}`` and parses on its own (a parser reads the piece exactly as it reads the
value, and runs out of text before the value's last brace), so the first candidate that parses
is the item's end. After two candidates that do not, and for an item with none after it (the
last, or one that is not an object), the item is parsed from a window of the bytes that follow:
the parser stops where the text after the first value begins, and that place is its end. The
window doubles while it cuts the item short; its bytes are copied (orjson reads the whole buffer
it is given), so the window is never the rest of a large file unless the item needs it.

A syntax error raises ``JsonSyntaxError`` with its line and column in the whole document; the
items before it have been yielded (a truncated file still gives the events it holds).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import orjson

__all__ = ["JsonSyntaxError", "Tail", "array_items", "nothing_after", "syntax_error"]

_TRIES = 8  # candidates parsed for one item before reading it through a window
_REACH = 1 << 18  # nor is a candidate tried this far from the item's start
_FIRST_WINDOW = 256
_ENDS_A_VALUE = frozenset(b" \t\n\r,]}")
_BETWEEN = re.compile(rb"\}[ \t\n\r]*+,[ \t\n\r]*+\{")
_SPACE = re.compile(rb"[ \t\n\r]*+")  # JSON's whitespace, no other
_loads = orjson.loads
_DecodeError = orjson.JSONDecodeError


class JsonSyntaxError(ValueError):
    """The text is not JSON at ``line``, ``column`` (both from 1; columns count characters)."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line = line
        self.column = column
        self.message = message


Tail = Callable[[bytes, int], None]
"""Checks the text after the array's ``]`` (from the position given); raises ``JsonSyntaxError``."""


def nothing_after(data: bytes, position: int) -> None:
    """A ``Tail``: only whitespace may follow the array."""
    if _SPACE.fullmatch(data, position) is None:
        where = _SPACE.match(data, position).end()  # type: ignore[union-attr]
        raise syntax_error(data, where, "unexpected text after the array")


def array_items(data: bytes, start: int, tail: Tail = nothing_after) -> Iterator[Any]:
    """Each item of the array whose ``[`` is at ``data[start]``, parsed, in order.

    After the array's ``]``, ``tail`` checks the rest of ``data`` (``nothing_after``, or the
    members that may follow in an enclosing object). Wherever the text is not JSON,
    ``JsonSyntaxError`` is raised once the items before the fault have been yielded.
    """
    if data[start : start + 1] != b"[":
        raise syntax_error(data, start, "expected '['")
    skip = _SPACE.match
    position = skip(data, start + 1).end()  # type: ignore[union-attr]
    if data[position : position + 1] == b"]":
        tail(data, position + 1)
        return
    candidates = _Candidates(data, position)
    while True:
        found = candidates.item_at(position) if data[position : position + 1] == b"{" else None
        item, end = found if found is not None else _through_window(data, position, candidates)
        yield item
        after = skip(data, end).end()  # type: ignore[union-attr]
        separator = data[after : after + 1]
        if separator == b",":
            position = skip(data, after + 1).end()  # type: ignore[union-attr]
        elif separator == b"]":
            tail(data, after + 1)
            return
        elif after == len(data):
            raise syntax_error(data, after, "unexpected end of the text")
        else:
            raise syntax_error(data, after, "expected ',' or ']' after an item of the array")


class _Candidates:
    """The places ``},{`` ahead, found once each and kept until the items pass them."""

    def __init__(self, data: bytes, position: int) -> None:
        self.data = data
        self.view = memoryview(data)
        self.found = _BETWEEN.finditer(data, position)
        self.ahead: deque[int] = deque()  # the position just after each candidate's "}"
        self.tried = 0  # how far the last item's failed candidates reached

    def item_at(self, position: int) -> tuple[Any, int] | None:
        """The object that starts at ``position`` and its end, if a candidate ends it."""
        ahead = self.ahead
        while ahead and ahead[0] <= position:
            ahead.popleft()
        self.tried = 0
        count = self.data.count
        tries = 0
        index = -1
        while tries < _TRIES:
            index += 1
            if index == len(ahead) and not self._more(position):
                return None
            close = ahead[index]
            if close - position > _REACH:
                return None
            if count(b"{", position, close) != count(b"}", position, close):
                continue  # inside an inner array of objects (or braces in a string): no try
            tries += 1
            try:
                item = _loads(self.view[position:close])
            except _DecodeError:
                self.tried = close - position
                continue
            for _ in range(index + 1):
                ahead.popleft()
            return item, close
        return None

    def _more(self, position: int) -> bool:
        for match in self.found:
            close = match.start() + 1
            if close > position:
                self.ahead.append(close)
                return True
        return False


def _through_window(data: bytes, position: int, candidates: _Candidates) -> tuple[Any, int]:
    """The value that starts at ``position`` and where it ends, read from a growing window
    (it starts at twice the reach of the candidates that failed, so a long item is not read
    again and again)."""
    if position >= len(data):
        raise syntax_error(data, position, "unexpected end of the text")
    size = max(_FIRST_WINDOW, 2 * candidates.tried)
    while True:
        stop = _char_boundary(data, min(len(data), position + size))
        window = data[position:stop]
        bad = _invalid_utf8(window)
        if bad >= 0:  # orjson refuses the whole buffer: read up to the fault only
            window = window[:bad]
        parsed, item, offset, message = _first_value(window)
        whole = stop == len(data) or bad >= 0
        if parsed and (offset < len(window) or whole or data[stop] in _ENDS_A_VALUE):
            return item, position + offset
        if not parsed and bad >= 0 and offset >= len(window):
            raise syntax_error(data, position + bad, "not UTF-8")
        if not parsed and (offset < len(window) or whole):
            raise syntax_error(data, position + offset, message)
        size *= 2  # the window cut the value short


def _first_value(window: bytes) -> tuple[bool, Any, int, str]:
    """``(parsed, value, end, message)`` of the first JSON value in ``window``: its end when
    parsed, else where and why the parser stopped."""
    try:
        return True, _loads(window), len(window), ""
    except _DecodeError as error:
        offset, message = _byte_offset(window, error), str(error.msg)
    if offset > 0:  # text after a whole value, or a fault: try the value alone
        try:
            return True, _loads(window[:offset]), offset, ""
        except _DecodeError:
            pass
    return False, None, offset, message


def _invalid_utf8(window: bytes) -> int:
    """Where ``window`` stops being UTF-8, or -1."""
    try:
        window.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return -1


def _char_boundary(data: bytes, stop: int) -> int:
    """``stop``, moved back to the start of the UTF-8 character it falls in."""
    while stop < len(data) and data[stop] & 0xC0 == 0x80:
        stop -= 1
    return stop


def _byte_offset(window: bytes, error: orjson.JSONDecodeError) -> int:
    """Where in ``window`` the parser stopped (it counts characters, the window is UTF-8)."""
    text = error.doc if isinstance(error.doc, str) else window.decode("utf-8", "replace")
    return len(text[: error.pos].encode("utf-8", "surrogatepass"))


def syntax_error(data: bytes, position: int, message: str) -> JsonSyntaxError:
    """A ``JsonSyntaxError`` at byte ``position`` of ``data``, with its line and column."""
    line_start = data.rfind(b"\n", 0, position) + 1
    line = data.count(b"\n", 0, position) + 1
    column = len(data[line_start:position].decode("utf-8", "replace")) + 1
    return JsonSyntaxError(line, column, message)
