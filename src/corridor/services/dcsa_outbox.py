"""Calls to DCSA peers that must arrive: a durable outbox, retried with backoff, and its worker.

Rules:

* A call is queued (``enqueue``) in the same transaction as the state it reports, so a call is
  queued if and only if that state was committed: nothing is lost across a crash or a restart.
* The body is stored as the exact text to send; every attempt sends the same bytes.
* Where a call goes is read from the platform registry at each attempt (``base_url`` of the
  peer's code plus the DCSA path), so an operator can correct a URL and delivery resumes.
* An answer 2xx delivers the call. 408, 425, 429, any 5xx, a network error or an unknown peer
  schedule a retry after ``backoff(attempts)`` (2 s doubling, at most one hour), forever. Any
  other 4xx is the peer's final refusal of these very bytes: the call is FAILED and its answer
  kept for the operator (``corridor iss status``).
* One attempt at a time: a due row is leased (compare-and-set on ``attempts``) before it is
  sent, so two workers, threads or processes never send it concurrently.

The lease, the backoff and which answers are retried are the rules of every outbox of the node
(``delivery_policy``), shared with the subscription callbacks (``callback_sender``).

``DeliveryWorker`` runs the node's background DCSA jobs (processing received issuance requests,
delivering due calls) on one thread: started with the HTTP app, stopped when it shuts down,
woken early when a request queues work. Tests call the jobs directly instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from sqlalchemy import Connection

from corridor.errors import CorridorError, NotFoundError
from corridor.services.dcsa_messages import dump
from corridor.services.delivery_policy import (
    ERROR_TEXT_MAX,
    LEASE,
    MAX_BACKOFF,
    HttpOutbox,
    backoff,
    retryable,
)
from corridor.services.node import Node
from corridor.services.platforms import Platforms
from corridor.storage import dcsa_requests as rows
from corridor.storage.delivery_state import DELIVERED, FAILED, PENDING
from corridor.storage.engine import writing

__all__ = ["MAX_BACKOFF", "DeliveryWorker", "Outbox", "backoff"]

log = logging.getLogger("corridor.dcsa")

REQUEST_API_VERSION = "3"
"""DCSA requests MAY carry ``API-Version`` with the major version only."""


class Outbox(HttpOutbox):
    """The node's queue of calls to DCSA peers. ``http`` may be given (tests: a peer's app)."""

    def __init__(self, node: Node, http: httpx.Client | None = None) -> None:
        super().__init__(http)
        self.node = node

    def enqueue(
        self,
        conn: Connection,
        *,
        platform_code: str,
        method: str,
        path: str,
        body: dict[str, Any],
        topic: str,
        reference: str,
    ) -> int:
        """Queue a call inside the caller's transaction ``conn``; returns its id."""
        return rows.insert_outbox(
            conn,
            platform_code=platform_code,
            method=method,
            path=path,
            body=dump(body),
            topic=topic,
            reference=reference,
            now=self.node.clock(),
        )

    def get(self, outbox_id: int) -> rows.OutboxRow:
        with self.node.engine.connect() as conn:
            row = rows.get_outbox(conn, outbox_id)
        if row is None:
            raise NotFoundError(f"no queued DCSA call {outbox_id} on this node")
        return row

    def deliver_due(self, limit: int = 50) -> int:
        """Attempt every due call (at most ``limit``); returns how many were attempted."""
        with self.node.engine.connect() as conn:
            due = rows.due_outbox(conn, self.node.clock(), limit)
        return sum(1 for row in due if self._attempt(row))

    def deliver(self, outbox_id: int) -> rows.OutboxRow:
        """Attempt one call now if it is still pending (e.g. right after queueing it)."""
        row = self.get(outbox_id)
        if row.status == PENDING:
            self._attempt(row)
        return self.get(outbox_id)

    def _attempt(self, row: rows.OutboxRow) -> bool:
        now = self.node.clock()
        with writing(self.node.engine) as conn:
            if not rows.claim_outbox(conn, row, now + LEASE):
                return False  # another worker has it
        attempts = row.attempts + 1
        try:
            url = Platforms(self.node).get(row.platform_code).base_url.rstrip("/") + row.path
        except CorridorError as error:
            self._retry(row.outbox_id, attempts, None, error.message)
            return True
        try:
            answer = self._client().request(
                row.method,
                url,
                content=row.body.encode("utf-8"),
                headers={
                    "Content-Type": "application/json",
                    "API-Version": REQUEST_API_VERSION,
                },
            )
        except httpx.HTTPError as error:
            self._retry(row.outbox_id, attempts, None, f"{url}: {type(error).__name__}: {error}")
            return True
        self._settle(row.outbox_id, attempts, url, answer)
        return True

    def _settle(self, outbox_id: int, attempts: int, url: str, answer: httpx.Response) -> None:
        status = answer.status_code
        text = answer.text[:ERROR_TEXT_MAX]
        if 200 <= status < 300:
            outcome, error = DELIVERED, None
        elif retryable(status):
            self._retry(outbox_id, attempts, status, f"{url} answered {status}: {text}")
            return
        else:
            outcome, error = FAILED, f"{url} refused the call with {status}: {text}"
            log.warning("DCSA call %s refused: %s", outbox_id, error)
        with writing(self.node.engine) as conn:
            rows.finish_outbox(
                conn,
                outbox_id,
                status=outcome,
                http_status=status,
                error=error,
                at=self.node.clock(),
            )

    def _retry(self, outbox_id: int, attempts: int, status: int | None, error: str) -> None:
        log.info("DCSA call %s will be retried: %s", outbox_id, error)
        with writing(self.node.engine) as conn:
            rows.retry_outbox(
                conn,
                outbox_id,
                http_status=status,
                error=error[:ERROR_TEXT_MAX],
                next_attempt_at=self.node.clock() + backoff(attempts),
            )


Job = Callable[[], int]


class DeliveryWorker:
    """Runs ``jobs`` on one background thread every ``interval`` seconds, or when woken."""

    def __init__(self, jobs: Sequence[Job], interval: float = 2.0) -> None:
        self.jobs = tuple(jobs)
        self.interval = interval
        self.autostart = True
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Run every job once; a failing job is logged and the others still run."""
        done = 0
        for job in self.jobs:
            try:
                done += job()
            except Exception:  # a worker must outlive one bad job; it is logged
                log.exception("a DCSA background job failed; it will run again")
        return done

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="corridor-dcsa", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        self._wake.set()
        thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.interval)
            self._wake.clear()
