"""Pausing CPython's cyclic garbage collector while a bulk ingest builds millions of objects.

A chunk of 20,000 tracking events parses into some 600,000 dicts, lists and strings, all alive
until the chunk is written (and a DCSA JSON document parsed whole, into thirty million for a
million events). CPython's cyclic collector runs a full collection each
time the objects that survived younger collections grow by a quarter, and each full collection
walks every tracked object: on such a heap it spends more time than the parsing itself (measured:
``orjson.loads`` of 100,000 events at 44,000 events/s with the collector, 179,000 without). JSON
trees have no reference cycles, nor have the records and rows an ingest derives from them, so
reference counting frees all of it; the collector has nothing to find.

``collector_paused()`` disables the collector for the block and enables it again afterwards if it
was enabled before. Nested and concurrent pauses (two ingests in two threads) are counted, so the
collector comes back only when the last one ends. Cycles that other code creates meanwhile are
collected then.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


class _Pauses:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.resume = False

    def enter(self) -> None:
        with self.lock:
            if self.count == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.count += 1

    def leave(self) -> None:
        with self.lock:
            self.count -= 1
            if self.count == 0 and self.resume:
                gc.enable()


_PAUSES = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector disabled (module docstring)."""
    _PAUSES.enter()
    try:
        yield
    finally:
        _PAUSES.leave()
