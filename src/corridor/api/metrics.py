"""Prometheus metrics at ``/metrics``: requests, title actions, acknowledgement latency, batches.

Each app has its own registry, so several nodes (or tests) in one process do not collide. Batch
figures are read from the group committer when scraped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from fastapi import FastAPI, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.services.node import Node

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class _WriterCollector(Collector):
    def __init__(self, node: Node) -> None:
        self.node = node

    def collect(self) -> Iterable[Metric]:
        stats = self.node.writer_stats()
        yield CounterMetricFamily(
            "corridor_batches", "Group-commit batches committed", value=stats.batches
        )
        yield CounterMetricFamily(
            "corridor_batched_requests", "Requests committed in batches", value=stats.items
        )
        yield GaugeMetricFamily(
            "corridor_largest_batch", "Largest batch so far", value=stats.largest_batch
        )


class Metrics:
    def __init__(self, node: Node) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "corridor_http_request_seconds",
            "HTTP request latency by route",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=LATENCY_BUCKETS,
        )
        self.actions = Counter(
            "corridor_actions",
            "Title actions acknowledged (durable), by action code",
            ["action_code"],
            registry=self.registry,
        )
        self.registry.register(_WriterCollector(node))

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type="text/plain; version=0.0.4")


class _Observe:
    """Pure ASGI middleware (cheaper than ``BaseHTTPMiddleware``) timing each HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.requests.labels(method, template, str(status)).observe(
                time.perf_counter() - started
            )


def install(app: FastAPI, metrics: Metrics) -> None:
    """Time every request by its route template (not its raw path, to bound cardinality)."""
    app.add_middleware(_Observe, metrics=metrics)
