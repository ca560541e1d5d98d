"""Helpers for the overdue-alert tests: an API over the demo corridor, and a departure to report.

The demo corridor (``services.demo.seed_corridor``) puts ``WLSM26CQSG0102`` at Qinzhou with its
vessel's departure overdue: the one alert. ``demo_departure`` is the event that settles it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from tests.api.conftest import Api

from corridor.api.app import create_app
from corridor.api.ratelimit import RateLimiter
from corridor.services.access import Access
from corridor.services.demo import seed_corridor
from corridor.services.demo_events import corridor_journeys
from corridor.services.node import Node

OVERDUE = "WLSM26CQSG0102"


@contextmanager
def demo_api(node: Node) -> Iterator[Api]:
    """The demo corridor on ``node`` behind the API; background workers stopped."""
    ids = seed_corridor(node)
    access = Access(node)
    tokens = {key: access.create_token(pid, label="test").token for key, pid in ids.items()}
    tokens["operator"] = access.create_token(None, label="test operator").token
    app = quiet_app(node)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, node, ids, tokens)


def quiet_app(node: Node) -> Any:
    """The node's app with its background workers kept stopped (tests run them by hand)."""
    app: Any = create_app(node, rate_limiter=RateLimiter(rate=1000, burst=10_000))
    for worker in ("alert_worker", "event_worker", "dcsa_worker"):
        getattr(app.state, worker).autostart = False
    return app


def demo_departure(now: dt.datetime, reference: str = OVERDUE) -> dict[str, Any]:
    """The actual vessel departure of ``reference`` from Qinzhou an hour before ``now``.

    Made from the carrier's estimate in the demo's events: the same event, now ``ACTUAL``.
    """
    [journey] = [j for j in corridor_journeys(now) if j.reference == reference]
    [estimate] = [e for e in journey.events if e["eventID"].endswith("vessel-departure-vessel-EST")]
    event = copy.deepcopy(estimate)
    sailed = (now - dt.timedelta(hours=1)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event["eventID"] = estimate["eventID"].removesuffix("EST") + "ACT"
    event["eventClassification"]["eventClassifier"] = "ACTUAL"
    event["eventDateTime"] = sailed
    event["eventUpdatedDateTime"] = sailed
    event.pop("reason", None)
    return event
