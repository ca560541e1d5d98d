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
is the item's end. Only candidates where the item's braces balance are parsed (between the
objects of an inner array they do not); the counts run forward once over the file. After
``_TRIES`` candidates that do not parse, ``_EXAMINED`` looked at, or one ``_REACH`` bytes away,
and for an item with none after it (the last, or one that is not an object), the item is parsed
from a window of the bytes that follow: the parser stops where the text after the first value
begins, and that place is its end. The window doubles while it cuts the item short; its bytes
are copied (orjson reads the whole buffer it is given), so the window is never the rest of a
large file unless the item needs it. Every byte is thus counted once and parsed a bounded
number of times: the cost is linear in the file whatever it holds.

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
_EXAMINED = 32  # candidates looked at for one item (the balanced ones are parsed)
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
        is_object = data[position : position + 1] == b"{"
        found = candidates.item_at(position) if is_object else None
        if found is None:
            found = _through_window(data, position, candidates.reach if is_object else 0)
        item, end = found
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
    """The places ``},{`` ahead, found once each and kept until the items pass them, each with
    the balance of ``{`` over ``}`` from the array's start to it, so that whether a candidate
    closes every brace an item opened is one subtraction (both counts run forward once)."""

    def __init__(self, data: bytes, position: int) -> None:
        self.data = data
        self.view = memoryview(data)
        self.found = _BETWEEN.finditer(data, position)
        self.ahead: deque[tuple[int, int]] = deque()  # (just after the "}", balance there)
        self.found_mark = (position, 0)  # the balance where the last candidate was found
        self.start_mark = (position, 0)  # the balance at the last item's start
        self.reach = 0  # how far the last item's failed candidates reached

    def item_at(self, position: int) -> tuple[Any, int] | None:
        """The object that starts at ``position`` and its end, if a candidate ends it."""
        ahead = self.ahead
        while ahead and ahead[0][0] <= position:
            ahead.popleft()
        self.start_mark = start = (position, self._balance(self.start_mark, position))
        self.reach = tries = 0
        for index in range(_EXAMINED):
            if index == len(ahead) and not self._more(position):
                return None
            close, balance = ahead[index]
            if close - position > _REACH:
                return None
            if balance != start[1]:  # inside an inner array of objects, or braces in a string
                self.reach = self.reach or close - position  # a window from here, if it comes
                continue
            tries += 1
            try:
                item = _loads(self.view[position:close])
            except _DecodeError:
                self.reach = close - position
                if tries == _TRIES:
                    return None
                continue
            for _ in range(index + 1):
                ahead.popleft()
            return item, close
        return None

    def _more(self, position: int) -> bool:
        for match in self.found:
            close = match.start() + 1
            self.found_mark = (close, self._balance(self.found_mark, close))
            if close > position:
                self.ahead.append(self.found_mark)
                return True
        return False

    def _balance(self, mark: tuple[int, int], position: int) -> int:
        at, balance = mark
        count = self.data.count
        return balance + count(b"{", at, position) - count(b"}", at, position)


def _through_window(data: bytes, position: int, reach: int) -> tuple[Any, int]:
    """The value that starts at ``position`` and where it ends, read from a growing window
    (it starts at twice the ``reach`` of the candidates that failed, so a long item is not read
    again and again). A fault found in a window that cut the value short is only believed when
    a window twice as large finds it at the same place (a parser can stop early on a piece:
    deep nesting in a short window runs out of the memory it planned for)."""
    if position >= len(data):
        raise syntax_error(data, position, "unexpected end of the text")
    size = max(_FIRST_WINDOW, 2 * reach)
    seen = -1
    while True:
        stop = _char_boundary(data, min(len(data), position + size))
        window = data[position:stop]
        parsed, item, offset, message = _first_value(window)
        bad = -1
        if not parsed and (bad := _invalid_utf8(window)) >= 0:
            window = window[:bad]  # orjson refuses the whole buffer: read up to the fault only
            parsed, item, offset, message = _first_value(window)
        whole = stop == len(data) or bad >= 0
        if parsed and (offset < len(window) or whole or data[stop] in _ENDS_A_VALUE):
            return item, position + offset
        if not parsed and bad >= 0 and offset >= len(window):
            raise syntax_error(data, position + bad, "not UTF-8")
        if not parsed and (whole or offset == seen):
            raise syntax_error(data, position + offset, message)
        if not parsed and offset < len(window):
            seen = offset  # a fault before the end of a window cut short: confirm it
        size *= 2


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
