"""Group commit: many actions, one durable transaction.

Throughput must not be bounded by one fsync per action (ARCHITECTURE §2, "Log"). Callers submit
items from any thread and block; one writer thread takes the waiting items as a batch and hands
them to ``commit_batch``, which writes them in one transaction and returns one outcome per item.
Only after ``commit_batch`` has returned (the transaction is committed, hence durable) is any
submitter woken: an action is acknowledged only once it is durable (invariant 4).

A batch closes when it holds ``max_batch`` items or ``max_wait_ms`` after its first item arrived,
whichever comes first; once the wait is over it still takes every item already queued (up to
``max_batch``). With ``max_wait_ms = 0`` a lone caller never waits for company, and under load the
items that arrive during one commit form the next batch; a small positive wait trades a little
latency for larger batches (fewer commits).

``commit_batch`` returns, per item, either a result or the exception refusing that item (a refused
item writes nothing). If ``commit_batch`` raises, the whole batch failed and every submitter in it
gets that exception.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from corridor.errors import NodeError

DEFAULT_MAX_BATCH = 256
# Measured with `corridor bench ledger` (ADR 0002): 0.5 ms gave larger batches and lower p99
# than 0 or 2 ms on SQLite with 16 clients.
DEFAULT_MAX_WAIT_MS = 0.5

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BatchStats:
    """What the committer has done, for benchmarks and metrics."""

    batches: int = 0
    items: int = 0
    largest_batch: int = 0
    sizes: list[int] = field(default_factory=list)


class GroupCommitter(Generic[T, R]):
    """Serialises submitted items into batches committed by one writer thread."""

    def __init__(
        self,
        commit_batch: Callable[[Sequence[T]], Sequence[R | BaseException]],
        *,
        max_batch: int = 256,
        max_wait_ms: float = DEFAULT_MAX_WAIT_MS,
        name: str = "corridor-writer",
    ) -> None:
        if max_batch < 1:
            raise NodeError("group commit: max_batch must be at least 1")
        if max_wait_ms < 0:
            raise NodeError("group commit: max_wait_ms cannot be negative")
        self._commit_batch = commit_batch
        self._max_batch = max_batch
        self._max_wait = max_wait_ms / 1000.0
        self._queue: queue.Queue[tuple[T, Future[R]] | None] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self.stats = BatchStats()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, item: T) -> R:
        """Block until ``item``'s batch is durable; return its result or raise its refusal."""
        return self.submit_async(item).result()

    def submit_async(self, item: T) -> Future[R]:
        future: Future[R] = Future()
        with self._lock:
            if self._closed:
                raise NodeError("the node is shutting down; the action was not taken")
            self._queue.put((item, future))
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch, stop = self._collect(first)
            self._commit(batch)
            if stop:
                return

    def _collect(self, first: tuple[T, Future[R]]) -> tuple[list[tuple[T, Future[R]]], bool]:
        batch = [first]
        deadline = time.monotonic() + self._max_wait
        while len(batch) < self._max_batch:
            remaining = deadline - time.monotonic()
            try:
                if remaining > 0:
                    nxt = self._queue.get(timeout=remaining)
                else:
                    nxt = self._queue.get_nowait()
            except queue.Empty:
                break
            if nxt is None:
                return batch, True
            batch.append(nxt)
        return batch, False

    def _commit(self, batch: list[tuple[T, Future[R]]]) -> None:
        items = [item for item, _ in batch]
        try:
            outcomes = self._commit_batch(items)
        except BaseException as exc:  # every waiter must hear of the failure
            for _, future in batch:
                future.set_exception(exc)
            return
        self.stats.batches += 1
        self.stats.items += len(batch)
        self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
        self.stats.sizes.append(len(batch))
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
