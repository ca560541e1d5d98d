"""Keyset pages of stored tracking events as a renderer shows them, in a chosen order.

``GET /v2/events`` serves TNT 2.2 renderings (``v22_out.to_v22``) of the stored TNT 3.0.0 events,
in the store's order (``seq``) or by ``eventCreatedDateTime`` (``storage.events.PageOrder``). The
store's query already leaves out what TNT 2.2 cannot express (``v22=True``), all but one
condition: an EQUIPMENT event's ``emptyIndicator`` has no column, so such an event is read and
renders as nothing. A page is therefore read in batches until it holds ``limit`` rendered events
and one more proves that a next page exists, or the store has no more. Usually the first batch
(``limit + 1`` rows) is all; each further batch is twice the last (at most ``MAX_BATCH`` rows).

The rows one walk may read are bounded (``SCAN_BUDGET``): a request walks at most twice (its
page, then the check for events on the other side), so its cost does not grow with a run of
events that render as nothing, however long. When the budget runs out before the page is full,
the page is short (possibly empty) and still says that events may follow, its position for the
next page being the last row read: the consumer reads on from there, and no event is skipped or
served twice. The same holds going back, and for the check on the other side: a budget spent
without meeting an event answers "maybe", and the page there may be empty. TNT 2.2 requires no
page to be full, only the links to be right (``Next-Page`` "absent on the last page"). A page is
short before the end only when fewer than ``limit`` of the ``SCAN_BUDGET`` rows it read render.

A page is read from a position (``storage.events.Position``) forward (``after``: the first
page when the position is empty) or backward (``before``: the last page when empty). ``Page``
says whether events lie beyond either end and from which positions to read the pages around it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from corridor.domain.tnt_query import EventFilter
from corridor.services.node import Node
from corridor.storage import events as rows
from corridor.storage.events import PageOrder, Position

__all__ = ["MAX_BATCH", "SCAN_BUDGET", "EventPages", "Page", "PageOrder", "Position", "Render"]

MAX_BATCH = 5000

SCAN_BUDGET = 10_000
"""The most rows one walk reads: ten times the largest page of ``GET /v2/events`` (1000), so a
page of any size is full while a tenth of the rows read render; a walk of 10,000 rows that render
as nothing takes 0.1 to 0.15 s (SQLite, a shared two-core machine), a request at most two."""

Render = Callable[[dict[str, Any]], dict[str, Any] | None]
"""A stored event (TNT 3.0.0) as served, or None when it cannot be."""


@dataclass(frozen=True)
class Page:
    """Rendered events, and the way to the pages before and after them.

    ``earlier``/``later``: whether events lie (or, when the budget ran out, may lie) before the
    first or after the last. ``before_first`` is the position to read the previous page
    ``before``, ``after_last`` the one to read the next page ``after``: the first and last
    events' positions, the last row read when the budget ran out on that side, or for an empty
    page the bounds of the gap it looked in.
    """

    events: list[dict[str, Any]]
    earlier: bool
    later: bool
    before_first: Position
    after_last: Position


@dataclass(frozen=True)
class _Walk:
    """What a walk found: events with their positions in the order met, whether more follow
    (``more``; maybe only, when ``spent``), and ``spent``: the budget ran out at ``last_read``."""

    found: list[tuple[Position, dict[str, Any]]]
    more: bool
    spent: bool = False
    last_read: Position = ()


def _next_to(position: Position, order: PageOrder, *, forward: bool) -> Position:
    """The position just past ``position`` (``forward``: down the listing) that no event holds:
    reading strictly beyond it includes ``position`` itself."""
    step = 1 if forward != order.descending else -1
    return (*position[:-1], position[-1] + step)


class EventPages:
    """Pages of the events matching ``where`` in ``order``, as ``render`` shows them."""

    def __init__(
        self, node: Node, where: EventFilter, order: PageOrder, render: Render, *, v22: bool
    ) -> None:
        self.node, self.where, self.order, self.render, self.v22 = node, where, order, render, v22

    def after(self, start: Position, limit: int) -> Page:
        """The page of the ``limit`` events after ``start`` (the first page if empty)."""
        with self.node.engine.connect() as conn:
            walk = self._walk(conn, start, limit, forward=True)
            found = walk.found
            gap = _next_to(start, self.order, forward=True) if start else start
            before_first = found[0][0] if found else gap
            earlier = bool(start) and self._walk(conn, before_first, 0, forward=False).more
        after_last = walk.last_read if walk.spent else found[-1][0] if found else start
        events = [event for _, event in found]
        return Page(events, earlier, walk.more, before_first, after_last)

    def before(self, end: Position, limit: int) -> Page:
        """The page of the ``limit`` events before ``end`` (the last page if empty)."""
        with self.node.engine.connect() as conn:
            walk = self._walk(conn, end, limit, forward=False)
            found = walk.found[::-1]
            gap = _next_to(end, self.order, forward=False) if end else end
            after_last = found[-1][0] if found else gap
            later = bool(end) and self._walk(conn, after_last, 0, forward=True).more
        before_first = walk.last_read if walk.spent else found[0][0] if found else end
        events = [event for _, event in found]
        return Page(events, walk.more, later, before_first, after_last)

    def _walk(self, conn: Any, start: Position, want: int, *, forward: bool) -> _Walk:
        """Up to ``want`` rendered events beyond ``start``, in the order met, and whether one
        more follows them, reading at most ``SCAN_BUDGET`` rows."""
        found: list[tuple[Position, dict[str, Any]]] = []
        budget, batch = SCAN_BUDGET, want + 1
        while True:
            size = min(batch, budget)
            stored = rows.walk_events(
                conn,
                self.where,
                self.order,
                limit=size,
                start=start,
                forward=forward,
                v22=self.v22,
            )
            for row in stored:
                rendered = self.render(orjson.loads(row.event_json))
                if rendered is None:
                    continue
                if len(found) == want:
                    return _Walk(found, more=True)
                found.append((row.position, rendered))
            if len(stored) < size:
                return _Walk(found, more=False)
            start, budget = stored[-1].position, budget - size
            if budget <= 0:
                return _Walk(found, more=True, spent=True, last_read=start)
            batch = min(2 * batch, MAX_BATCH)
