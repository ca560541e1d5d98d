"""Keyset pages of stored tracking events as a renderer shows them: full pages, in a chosen order.

``GET /v2/events`` serves TNT 2.2 renderings (``v22_out.to_v22``) of the stored TNT 3.0.0 events,
in the store's order (``seq``) or by ``eventCreatedDateTime`` (``storage.events.PageOrder``). The
store's query already leaves out what TNT 2.2 cannot express (``v22=True``), all but one
condition: an EQUIPMENT event's ``emptyIndicator`` has no column, so such an event is read and
renders as nothing. A page is therefore read in batches until it holds ``limit`` rendered events
and one more proves that a next page exists, or the store has no more: a page is never short
while more events follow, whatever the store had to skip. Usually the first batch (``limit + 1``
rows) is all; each further batch is twice the last (at most ``MAX_BATCH`` rows).

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

__all__ = ["MAX_BATCH", "EventPages", "Page", "PageOrder", "Position", "Render"]

MAX_BATCH = 5000

Render = Callable[[dict[str, Any]], dict[str, Any] | None]
"""A stored event (TNT 3.0.0) as served, or None when it cannot be."""


@dataclass(frozen=True)
class Page:
    """Rendered events, and the way to the pages before and after them.

    ``earlier``/``later``: whether events lie before the first or after the last. ``before_first``
    is the position to read the previous page ``before``, ``after_last`` the one to read the next
    page ``after``: the first and last events' positions, or for an empty page the bounds of the
    gap it looked in.
    """

    events: list[dict[str, Any]]
    earlier: bool
    later: bool
    before_first: Position
    after_last: Position


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
            found, later = self._walk(conn, start, limit, forward=True)
            gap = _next_to(start, self.order, forward=True) if start else start
            before_first = found[0][0] if found else gap
            earlier = bool(start) and self._walk(conn, before_first, 0, forward=False)[1]
        after_last = found[-1][0] if found else start
        return Page([event for _, event in found], earlier, later, before_first, after_last)

    def before(self, end: Position, limit: int) -> Page:
        """The page of the ``limit`` events before ``end`` (the last page if empty)."""
        with self.node.engine.connect() as conn:
            found, earlier = self._walk(conn, end, limit, forward=False)
            found.reverse()
            gap = _next_to(end, self.order, forward=False) if end else end
            after_last = found[-1][0] if found else gap
            later = bool(end) and self._walk(conn, after_last, 0, forward=True)[1]
        before_first = found[0][0] if found else end
        return Page([event for _, event in found], earlier, later, before_first, after_last)

    def _walk(
        self, conn: Any, start: Position, want: int, *, forward: bool
    ) -> tuple[list[tuple[Position, dict[str, Any]]], bool]:
        """Up to ``want`` rendered events beyond ``start``, in the order met, and whether one
        more follows them."""
        found: list[tuple[Position, dict[str, Any]]] = []
        batch = want + 1
        while True:
            stored = rows.walk_events(
                conn,
                self.where,
                self.order,
                limit=batch,
                start=start,
                forward=forward,
                v22=self.v22,
            )
            for row in stored:
                rendered = self.render(orjson.loads(row.event_json))
                if rendered is None:
                    continue
                if len(found) == want:
                    return found, True
                found.append((row.position, rendered))
            if len(stored) < batch:
                return found, False
            start = stored[-1].position
            batch = min(2 * batch, MAX_BATCH)
