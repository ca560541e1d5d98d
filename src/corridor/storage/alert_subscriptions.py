"""Rows of overdue-alert subscriptions and their callbacks (``storage.alert_tables``).

Subscriptions and the outbox are read and written by ``storage.event_subscriptions`` with
``tables=ALERTS`` (the same columns as TNT's); this module adds what only alerts need:

* ``live_references``: the documents whose journeys are watched (the register's records that are
  not inert: not surrendered, void or exported, ARCHITECTURE.md invariant 3);
* ``queued_pairs`` and ``queue_alerts``: an alert is queued once per subscription. The insert
  skips a ``(subscription_id, alert_id)`` already there (``ON CONFLICT DO NOTHING`` on the unique
  constraint, on SQLite and PostgreSQL alike), so a second run, a restart or a concurrent run
  adds nothing;
* ``delivery_counts``: how far each alert's callbacks got, for ``corridor alerts list``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from corridor.domain.title import INERT_STATUSES
from corridor.storage import event_subscriptions as rows
from corridor.storage.alert_tables import alert_deliveries, alert_subscriptions
from corridor.storage.tables import title_records

__all__ = [
    "ALERTS",
    "QueuedAlert",
    "delivery_counts",
    "live_references",
    "queue_alerts",
    "queued_pairs",
]

ALERTS = rows.CallbackTables(alert_subscriptions, alert_deliveries)
_UNIQUE = ("subscription_id", "alert_id")
_IN_BATCH = 500


@dataclass(frozen=True)
class QueuedAlert:
    """One callback to queue: an alert for a subscription, and the exact body to send."""

    subscription_id: str
    alert_id: str
    document_reference: str
    body: str


def live_references(conn: Connection) -> list[str]:
    """References of the records that are not inert, in reference order."""
    titles = title_records.c
    inert = sorted(str(status) for status in INERT_STATUSES)
    query = select(titles.reference).where(titles.status.not_in(inert)).order_by(titles.reference)
    return list(conn.execute(query).scalars())


def queued_pairs(conn: Connection, alert_ids: Collection[str]) -> set[tuple[str, str]]:
    """The ``(subscription_id, alert_id)`` already queued among ``alert_ids``."""
    outbox = alert_deliveries.c
    wanted = sorted(alert_ids)
    found: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), _IN_BATCH):
        batch = wanted[start : start + _IN_BATCH]
        query = select(outbox.subscription_id, outbox.alert_id).where(outbox.alert_id.in_(batch))
        found.update((row.subscription_id, row.alert_id) for row in conn.execute(query))
    return found


def _insert_once(conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(alert_deliveries).on_conflict_do_nothing(index_elements=_UNIQUE)
    return statement.returning(alert_deliveries.c.delivery_id)


def queue_alerts(conn: Connection, items: Sequence[QueuedAlert], now: datetime) -> int:
    """Queue the callbacks not queued before, due now; returns how many were new."""
    values = [
        {
            "subscription_id": item.subscription_id,
            "alert_id": item.alert_id,
            "document_reference": item.document_reference,
            "body": item.body,
            "status": rows.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for item in items
    ]
    if not values:
        return 0
    statement = _insert_once(conn)
    return sum(len(conn.execute(statement, [value]).all()) for value in values)


def delivery_counts(conn: Connection, alert_ids: Collection[str]) -> dict[str, Counter[str]]:
    """For each of ``alert_ids``: how many of its callbacks are in each status."""
    outbox = alert_deliveries.c
    counts: dict[str, Counter[str]] = {alert_id: Counter() for alert_id in alert_ids}
    wanted = sorted(alert_ids)
    for start in range(0, len(wanted), _IN_BATCH):
        batch = wanted[start : start + _IN_BATCH]
        query = select(outbox.alert_id, outbox.status).where(outbox.alert_id.in_(batch))
        for row in conn.execute(query):
            counts[row.alert_id][row.status] += 1
    return counts
