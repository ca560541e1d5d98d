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
from collections.abc import Callable, Iterator
from typing import Any

import orjson

__all__ = ["JsonSyntaxError", "Tail", "array_items", "nothing_after", "syntax_error"]

_WINDOW = 1 << 16
_BETWEEN = re.compile(rb"\}\s*+,\s*+\{")
_SPACE = re.compile(rb"\s*+")
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
    view = memoryview(data)
    skip = _SPACE.match
    position = skip(data, start + 1).end()  # type: ignore[union-attr]
    if data[position : position + 1] == b"]":
        tail(data, position + 1)
        return
    candidates = _BETWEEN.finditer(data, position)
    candidate = next(candidates, None)
    while True:
        end = -1
        tries = 0
        while candidate is not None and tries < 2:
            close = candidate.start() + 1
            if close <= position:  # inside an item read through a window
                candidate = next(candidates, None)
                continue
            try:
                item = _loads(view[position:close])
            except _DecodeError:
                tries += 1
                candidate = next(candidates, None)
                continue
            end = close
            candidate = next(candidates, None)
            break
        if end < 0:
            item, end = _through_window(data, position)
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


def _through_window(data: bytes, position: int) -> tuple[Any, int]:
    """The value that starts at ``position`` and where it ends, read from a growing window."""
    if position >= len(data):
        raise syntax_error(data, position, "unexpected end of the text")
    size = _WINDOW
    while True:
        stop = _char_boundary(data, min(len(data), position + size))
        window = data[position:stop]
        try:
            return _loads(window), stop
        except _DecodeError as error:
            offset, message = _byte_offset(window, error), str(error.msg)
        if offset > 0:  # text after a whole value, or a fault: try the value alone
            try:
                return _loads(window[:offset]), position + offset
            except _DecodeError:
                pass
        if stop == len(data) or offset < len(window):  # a fault before the window's end
            raise syntax_error(data, position + offset, message)
        size *= 2


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
