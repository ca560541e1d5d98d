"""Group commit: many actions, one durable transaction, and the next batch prepared meanwhile.

Throughput must not be bounded by one fsync per action (ARCHITECTURE §2, "Log"). Callers submit
items from any thread and block; a *writer* thread takes the waiting items as a batch and stages
it; a *durability* thread completes the staged batches strictly in order (writes them in one
transaction and commits) and only then wakes their submitters: an action is acknowledged only
once it is durable (invariant 4).

Two kinds of commit function are accepted:

* a plain callable ``commit_batch(items) -> outcomes``: each batch is completed alone, and the
  writer thread waits for it before taking the next one (no overlap);
* a *stager*: a callable that also has ``stage(items) -> Staged``. The writer thread stages batch
  *k + 1* (validates, signs, appends to the tree: CPU work) while the durability thread completes
  batch *k* (SQL and fsync: I/O). A ``Staged`` marked ``exclusive`` (e.g. one that needs the
  database to be prepared) is completed before anything else is staged. The stager guarantees
  that a staged batch reflects every batch staged before it, and that if one of those fails to
  complete, the later ones are re-done rather than committed on a wrong basis (see
  ``services.writer`` and ADR 0005).

A batch closes when it holds ``max_batch`` items or ``max_wait_ms`` after its first item arrived,
whichever comes first; once the wait is over it still takes every item already queued (up to
``max_batch``), and while the previous batch is still waiting for the durability thread it keeps
taking the items that arrive. With ``max_wait_ms = 0`` a lone caller never waits for company.

``complete`` returns, per item, either a result or the exception refusing that item (a refused
item writes nothing). If it raises, the whole batch failed and every submitter in it gets that
exception. If the commit function also has a ``close()`` method, the durability thread calls it
once, after its last batch, so that what it keeps for that thread (the log writer's database
connection) is released by the thread that used it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from corridor.errors import NodeError

DEFAULT_MAX_BATCH = 256
# Measured with `corridor bench ledger` (ADR 0005): with the next batch staged while the last one
# commits, 0.2 ms gave ~10% more actions/s and lower p50 than 0 or 0.5 ms (SQLite, 16 clients).
DEFAULT_MAX_WAIT_MS = 0.2

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Staged(Protocol[R_co]):
    """A batch the writer thread prepared; the durability thread completes it."""

    @property
    def exclusive(self) -> bool:
        """True if nothing may be staged until this batch has completed."""
        ...

    def complete(self) -> Sequence[R_co | BaseException]:
        """Make the batch durable; return one outcome per item, or raise if it failed."""
        ...


@dataclass
class BatchStats:
    """What the committer has done, for benchmarks and metrics."""

    batches: int = 0
    items: int = 0
    largest_batch: int = 0


@dataclass
class _Plain(Generic[T, R]):
    """A batch for a plain commit function: all the work happens in ``complete``."""

    commit_batch: Callable[[Sequence[T]], Sequence[R | BaseException]]
    items: Sequence[T]
    exclusive: bool = True

    def complete(self) -> Sequence[R | BaseException]:
        return self.commit_batch(self.items)


_Waiter = tuple[T, Future[R]]
_Job = tuple[list[_Waiter[T, R]], Staged[R]]  # a batch's waiters and its staged work


class GroupCommitter(Generic[T, R]):
    """Serialises submitted items into batches, staged by one thread and committed by another."""

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
        self._stage: Callable[[Sequence[T]], Staged[R]] | None = getattr(
            commit_batch, "stage", None
        )
        self._max_batch = max_batch
        self._max_wait = max_wait_ms / 1000.0
        # One lock guards the hand-offs; the writer thread waits on ``_arrivals`` (new items, or
        # the durability thread moving on), the durability thread on ``_handoff``.
        self._mutex = threading.Lock()
        self._arrivals = threading.Condition(self._mutex)
        self._handoff = threading.Condition(self._mutex)
        self._pending: deque[_Waiter[T, R]] = deque()
        self._closed = False
        self._staged: _Job[T, R] | None = None  # handed over, not yet taken
        self._busy = False  # the durability thread is completing a batch
        self._stopping = False  # the writer thread is done; stop once nothing is staged
        self.stats = BatchStats()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._durable = threading.Thread(
            target=self._run_durable, name=f"{name}-commit", daemon=True
        )
        self._durable.start()
        self._thread.start()

    def submit(self, item: T) -> R:
        """Block until ``item``'s batch is durable; return its result or raise its refusal."""
        return self.submit_async(item).result()

    def submit_async(self, item: T) -> Future[R]:
        future: Future[R] = Future()
        with self._mutex:
            if self._closed:
                raise NodeError("the node is shutting down; the action was not taken")
            self._pending.append((item, future))
            self._arrivals.notify()
        return future

    def close(self) -> None:
        """Commit what is queued, then stop both threads."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            self._arrivals.notify()
        self._thread.join()
        self._durable.join()

    # The writer thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while (batch := self._next_batch()) is not None:
                self._stage_and_hand_over(batch)
        finally:
            with self._mutex:
                while self._staged is not None:
                    self._arrivals.wait()
                self._stopping = True
                self._handoff.notify()

    def _next_batch(self) -> list[_Waiter[T, R]] | None:
        """The next batch, or None once the committer is closed and everything is taken."""
        with self._mutex:
            while not self._pending:
                if self._closed:
                    return None
                self._arrivals.wait()
            batch: list[_Waiter[T, R]] = []
            self._take(batch)
            deadline = time.monotonic() + self._max_wait
            while len(batch) < self._max_batch and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._arrivals.wait(remaining)
                self._take(batch)
            # The durability thread has not taken the previous batch yet: this one keeps growing.
            while self._staged is not None and len(batch) < self._max_batch:
                self._arrivals.wait()
                self._take(batch)
            return batch

    def _take(self, batch: list[_Waiter[T, R]]) -> None:
        pending = self._pending
        while pending and len(batch) < self._max_batch:
            batch.append(pending.popleft())

    def _stage_and_hand_over(self, batch: list[_Waiter[T, R]]) -> None:
        items = [item for item, _ in batch]
        try:
            staged: Staged[R] = (
                _Plain(self._commit_batch, items) if self._stage is None else self._stage(items)
            )
        except BaseException as exc:  # every waiter must hear of the failure
            for _, future in batch:
                future.set_exception(exc)
            return
        with self._mutex:
            while self._staged is not None:
                self._arrivals.wait()
            self._staged = (batch, staged)
            self._handoff.notify()
            if staged.exclusive:
                while self._staged is not None or self._busy:
                    self._arrivals.wait()

    # The durability thread ------------------------------------------------------------------

    def _run_durable(self) -> None:
        try:
            while (job := self._next_job()) is not None:
                self._complete(*job)
                with self._mutex:
                    self._busy = False
                    self._arrivals.notify()
        finally:
            release: Callable[[], object] | None = getattr(self._commit_batch, "close", None)
            if release is not None:
                release()

    def _next_job(self) -> _Job[T, R] | None:
        with self._mutex:
            while self._staged is None:
                if self._stopping:
                    return None
                self._handoff.wait()
            job, self._staged = self._staged, None
            self._busy = True
            self._arrivals.notify()
            return job

    def _complete(self, batch: list[_Waiter[T, R]], staged: Staged[R]) -> None:
        try:
            outcomes = staged.complete()
        except BaseException as exc:  # every waiter must hear of the failure
            for _, future in batch:
                future.set_exception(exc)
            return
        self.stats.batches += 1
        self.stats.items += len(batch)
        self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
