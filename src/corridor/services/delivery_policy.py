"""How the node's outboxes deliver over HTTP: leases, retries with backoff, the client they use.

Two kinds of outbox share these rules: the DCSA calls to peers (``dcsa_outbox``) and the signed
callbacks to subscribers (``callback_sender``: TNT 2.2 events and overdue alerts).

* A due row is leased before it is sent: its ``next_attempt_at`` moves ``LEASE`` ahead in the
  same compare-and-set that claims it, so two workers, threads or processes never send it at once,
  and a worker that dies mid-attempt leaves it due again once the lease runs out.
* An answer 2xx delivers. 408, 425, 429 and any 5xx (``retryable``), like a network error, are
  worth another attempt, after ``backoff(attempts)``: 2 s doubling, at most one hour. Any other
  4xx is the peer's final refusal of these very bytes.
* An error kept on a row for the operator is cut to ``ERROR_TEXT_MAX`` characters.
* ``HttpOutbox`` holds the one HTTP client of an outbox: the one given (tests: the peer's app),
  or one made at the first attempt and closed by ``close``.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

__all__ = [
    "ERROR_TEXT_MAX",
    "LEASE",
    "MAX_BACKOFF",
    "TIMEOUT_SECONDS",
    "HttpOutbox",
    "backoff",
    "retryable",
]

TIMEOUT_SECONDS = 10.0
LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(hours=1)
ERROR_TEXT_MAX = 2000
_RETRY_STATUSES = frozenset({408, 425, 429})


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 2 s, 4 s, ... at most 1 h."""
    seconds = 2.0 ** min(max(attempts, 1), 12)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def retryable(status: int) -> bool:
    """Whether an answer with HTTP ``status`` (not 2xx) is worth another attempt."""
    return status in _RETRY_STATUSES or status >= 500


class HttpOutbox:
    """An outbox that sends over one HTTP client: ``http`` if given, else its own (module doc)."""

    def __init__(self, http: httpx.Client | None = None) -> None:
        self._http = http
        self._owned = http is None

    def close(self) -> None:
        """Close the client if this outbox made it; a later attempt makes a new one."""
        if self._owned and self._http is not None:
            self._http.close()
            self._http = None

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
        return self._http
