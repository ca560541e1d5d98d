"""The alert watcher: the overdue alerts of the node's live documents, queued once per subscriber.

A run (``AlertWatcher.check``) at ``now`` (the node's clock):

1. takes every live document of the register (not surrendered, void or exported: ARCHITECTURE.md
   invariant 3) and builds its journey through the ``JourneySources`` (the event store and the
   title register, as the web app does: ``services.journeys.document_journey``). Its overdue
   alerts (``domain.journey_alerts``: an expected milestone not seen 24 h after plan, or a
   container whose vessel or train left without it) are the *current alerts*. A document that
   cannot be planned is left out with the reason; the ETA's history is not read (alerts do not
   depend on it);
2. matches them to the alert subscriptions (``services.alert_subscriptions``): a subscription
   with a ``transportDocumentReference`` gets that document's alerts, one without gets every
   document its owner may see (checked again at each run), the operator's all;
3. queues, in one transaction, one callback per (subscription, alert id) not queued before. The
   unique ``(subscription_id, alert_id)`` (``storage.alert_tables``) makes a second run, a
   restart or a concurrent run a no-op; the alert id does not change while the alert lasts, so
   a subscriber is told once. When the missing event arrives the alert is gone from the list.

The callback body (JSON, stored as the exact bytes sent, signed as TNT callbacks are)::

    {"alertType": "OVERDUE_MILESTONE", "alertID": "overdue-<32 hex>",
     "transportDocumentReference": "WLSM26CQSG0102", "platform": "CRDR",
     "leg": {"index": 1, "role": "SEA", "modeOfTransport": "VESSEL",
             "from": "CNQZH", "to": "SGSIN"},
     "milestone": "DEPARTURE",
     "location": {"UNLocationCode": "CNQZH", "label": "Qinzhou (CNQZH)"},
     "plannedDateTime": "2026-03-01T12:00:00Z", "estimatedDateTime": null,
     "overdueMinutes": 2400, "equipmentReferences": ["MSKU..."],
     "message": "No vessel departure from Qinzhou (CNQZH) 40 h after the planned ...",
     "detectedDateTime": "2026-03-03T04:00:00Z", "link": "/documents/WLSM26CQSG0102"}

``overdueMinutes`` is how late the milestone was when the run detected it; ``link`` is the
document's page on this node (a path: prefix it with the node's address). ``alertType`` is the
alert's kind: ``OVERDUE_MILESTONE`` as above, or ``CONTAINER_LEFT_BEHIND`` (``alertID``
``left-behind-<32 hex>``, ``milestone`` ``LOAD``, the container in ``equipmentReferences``, the
message saying when the vehicle departed without it).

The app runs the watcher every ``CORRIDOR_ALERT_INTERVAL_MINUTES`` minutes (default 5;
``watch_interval``), skipping the scan while nobody subscribes (``watch``); ``corridor alerts
check`` runs it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson
from sqlalchemy import Connection

from corridor.domain.eta import LegDurationHistory
from corridor.domain.journey_alerts import Alert, AlertKind
from corridor.errors import CorridorError, NodeError
from corridor.services.access import OPERATOR
from corridor.services.events import EventStore
from corridor.services.journey_events import node_event_source
from corridor.services.journeys import History, JourneySources, document_journey
from corridor.services.node import Node
from corridor.storage import event_subscriptions as rows
from corridor.storage import queries
from corridor.storage.alert_subscriptions import (
    ALERTS,
    QueuedAlert,
    live_references,
    queue_alerts,
    queued_pairs,
)
from corridor.storage.engine import writing

__all__ = [
    "ALERT_TYPE",
    "DEFAULT_INTERVAL",
    "INTERVAL_ENV",
    "AlertScan",
    "AlertWatcher",
    "Every",
    "WatchRun",
    "alert_body",
    "node_journey_sources",
    "scan_alerts",
    "watch_interval",
]

log = logging.getLogger("corridor.alerts")

ALERT_TYPE = AlertKind.OVERDUE_MILESTONE.value
DEFAULT_INTERVAL = dt.timedelta(minutes=5)
INTERVAL_ENV = "CORRIDOR_ALERT_INTERVAL_MINUTES"
_MAX_INTERVAL_MINUTES = 24 * 60
_NO_HISTORY = History((), LegDurationHistory())
_REFERENCE = "transportDocumentReference"


def watch_interval(environ: Mapping[str, str]) -> dt.timedelta:
    """How often the app runs the watcher: ``CORRIDOR_ALERT_INTERVAL_MINUTES``, default 5."""
    text = environ.get(INTERVAL_ENV, "").strip()
    if not text:
        return DEFAULT_INTERVAL
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1.0
    if not 0 < minutes <= _MAX_INTERVAL_MINUTES:
        raise NodeError(
            f"{INTERVAL_ENV} must be a number of minutes above 0 and at most "
            f"{_MAX_INTERVAL_MINUTES}, not {text!r}"
        )
    return dt.timedelta(minutes=minutes)


def node_journey_sources(node: Node) -> JourneySources:
    """The journeys' sources the web app uses: the event store and the title register."""
    return JourneySources.for_node(node, events=node_event_source(node, EventStore(node)))


@dataclass(frozen=True)
class AlertScan:
    """The current alerts of the node's live documents at ``as_of``."""

    as_of: dt.datetime
    documents: int
    alerts: tuple[Alert, ...]
    unreadable: tuple[tuple[str, str], ...]
    """Live documents whose journey cannot be built: (reference, why)."""


def scan_alerts(
    node: Node,
    sources: JourneySources,
    now: dt.datetime,
    references: Sequence[str] | None = None,
) -> AlertScan:
    """The overdue alerts of ``references`` (default: every live document) at ``now``."""
    if references is None:
        with node.engine.connect() as conn:
            references = live_references(conn)
    alerts: list[Alert] = []
    unreadable: list[tuple[str, str]] = []
    for reference in references:
        try:
            view = document_journey(node, reference, sources, now, _NO_HISTORY)
        except CorridorError as failure:
            log.info("alerts: %s left out: %s", reference, failure.message)
            unreadable.append((reference, failure.message))
            continue
        alerts.extend(view.alerts)
    return AlertScan(now, len(references), tuple(alerts), tuple(unreadable))


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def alert_body(alert: Alert, platform: str, detected: dt.datetime) -> dict[str, Any]:
    """The callback body of ``alert`` (see the module docstring)."""
    leg = alert.leg
    return {
        "alertType": alert.kind.value,
        "alertID": alert.id,
        "transportDocumentReference": alert.document_reference,
        "platform": platform,
        "leg": {
            "index": leg.index,
            "role": leg.role,
            "modeOfTransport": str(leg.mode),
            "from": leg.origin.code,
            "to": leg.destination.code,
        },
        "milestone": alert.milestone.name,
        "location": {"UNLocationCode": alert.place.code, "label": alert.place.label},
        "plannedDateTime": _utc(alert.planned),
        "estimatedDateTime": None if alert.estimated is None else _utc(alert.estimated),
        "overdueMinutes": int(alert.overdue_by.total_seconds() // 60),
        "equipmentReferences": list(alert.containers),
        "message": alert.message,
        "detectedDateTime": _utc(detected),
        "link": "/documents/" + quote(alert.document_reference, safe=""),
    }


@dataclass(frozen=True)
class WatchRun:
    """What one run found and how many callbacks it queued."""

    scan: AlertScan
    queued: int


class AlertWatcher:
    """Runs the watch of the module docstring on ``node``.

    ``sources`` are the journeys' sources, or a function giving them at each run (the app reads
    ``app.state.journey_sources``, as its pages do).
    """

    def __init__(self, node: Node, sources: JourneySources | Callable[[], JourneySources]) -> None:
        self.node = node
        self._sources = sources

    @property
    def sources(self) -> JourneySources:
        given = self._sources
        return given if isinstance(given, JourneySources) else given()

    def current(self, now: dt.datetime | None = None) -> AlertScan:
        """The current alerts, queueing nothing."""
        return scan_alerts(self.node, self.sources, now or self.node.clock())

    def check(self, now: dt.datetime | None = None) -> WatchRun:
        """Scan, then queue the callbacks not queued before, in one transaction."""
        scan = self.current(now)
        if not scan.alerts:
            return WatchRun(scan, 0)
        with writing(self.node.engine) as conn:
            subscriptions = rows.list_subscriptions(conn, None, tables=ALERTS)
            done = queued_pairs(conn, {alert.id for alert in scan.alerts})
            items = [
                QueuedAlert(subscription.subscription_id, alert.id, alert.document_reference, body)
                for subscription, alert, body in self._wanted(conn, subscriptions, scan)
                if (subscription.subscription_id, alert.id) not in done
            ]
            queued = queue_alerts(conn, items, self.node.clock())
        if queued:
            log.info("alerts: %d callbacks queued for %d alerts", queued, len(scan.alerts))
        return WatchRun(scan, queued)

    def watch(self) -> int:
        """The app's periodic job: ``check`` when anyone subscribes; callbacks queued."""
        with self.node.engine.connect() as conn:
            anyone = rows.list_subscriptions(conn, None, limit=1, tables=ALERTS)
        return self.check().queued if anyone else 0

    def _wanted(
        self, conn: Connection, subscriptions: Sequence[rows.SubscriptionRow], scan: AlertScan
    ) -> list[tuple[rows.SubscriptionRow, Alert, str]]:
        seen: dict[tuple[str, str], bool] = {}
        bodies: dict[str, str] = {}
        wanted = []
        for subscription in subscriptions:
            followed = orjson.loads(subscription.filters).get(_REFERENCE)
            for alert in scan.alerts:
                reference = alert.document_reference
                if followed is not None and followed != reference:
                    continue
                owner = subscription.owner
                if owner != OPERATOR and (owner, reference) not in seen:
                    seen[owner, reference] = queries.may_see(conn, owner, reference)
                if owner != OPERATOR and not seen[owner, reference]:
                    continue
                if alert.id not in bodies:
                    body = alert_body(alert, self.node.config.platform, scan.as_of)
                    bodies[alert.id] = orjson.dumps(body).decode()
                wanted.append((subscription, alert, bodies[alert.id]))
        return wanted


class Every:
    """A worker job that runs ``job`` at once, then at most once per ``interval``."""

    def __init__(
        self,
        interval: dt.timedelta,
        job: Callable[[], int],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = interval.total_seconds()
        self.job = job
        self._monotonic = monotonic
        self._last: float | None = None

    def __call__(self) -> int:
        moment = self._monotonic()
        if self._last is not None and moment - self._last < self.seconds:
            return 0
        self._last = moment  # set first: a failing job waits for the next interval too
        return self.job()
