"""A per-client token bucket for the public endpoints (ARCHITECTURE §6).

Each client address gets ``burst`` requests at once and ``rate`` more per second after that; an
empty bucket answers 429 with ``Retry-After``. Buckets live in memory (one node process); idle ones
are forgotten, least recently seen first, so the table never holds more than ``MAX_CLIENTS``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
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
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> None:
        """Spend one token of ``client``'s bucket or raise ``RateLimitedError``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= MAX_CLIENTS:
                    self._buckets.popitem(last=False)  # the least recently seen client
                bucket = self._buckets[client] = _Bucket(float(self.burst), now)
            self._buckets.move_to_end(client)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            if bucket.tokens < 1:
                raise RateLimitedError((1 - bucket.tokens) / self.rate)
            bucket.tokens -= 1


def public_rate_limit(request: Request) -> None:
    limiter: RateLimiter | None = request.app.state.rate_limiter
    if limiter is not None:
        limiter.take(request.client.host if request.client else "unknown")
