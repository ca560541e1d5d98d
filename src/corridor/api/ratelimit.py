"""A per-client token bucket for the public endpoints (ARCHITECTURE §6).

Each client address gets ``burst`` requests at once and ``rate`` more per second after that; an
empty bucket answers 429 with ``Retry-After``. Buckets live in memory (one node process); idle ones
are forgotten so the table cannot grow without bound.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from corridor.errors import CorridorError

MAX_CLIENTS = 10_000


class RateLimitedError(CorridorError):
    """Too many requests from one client; ``retry_after`` seconds until the next is allowed."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many requests; retry in {math.ceil(retry_after)} s")
        self.retry_after = retry_after


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    def __init__(self, rate: float = 5.0, burst: int = 60) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> None:
        """Spend one token of ``client``'s bucket or raise ``RateLimitedError``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= MAX_CLIENTS:
                    self._forget_full(now)
                bucket = self._buckets[client] = _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            if bucket.tokens < 1:
                raise RateLimitedError((1 - bucket.tokens) / self.rate)
            bucket.tokens -= 1

    def _forget_full(self, now: float) -> None:
        refill = self.burst / self.rate
        self._buckets = {c: b for c, b in self._buckets.items() if now - b.stamp < refill}


def public_rate_limit(request: Request) -> None:
    limiter: RateLimiter | None = request.app.state.rate_limiter
    if limiter is not None:
        limiter.take(request.client.host if request.client else "unknown")
