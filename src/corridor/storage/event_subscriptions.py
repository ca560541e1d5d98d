"""Rows of TNT 2.2 event subscriptions and of the outbox of their callbacks.

* ``event_subscriptions``: one row per subscription: its owner (a party id, or ``operator``),
  callback URL, sealed secret and filters (the JSON of the subscription body minus the callback
  URL and secret, in TNT 2.2 names).
* ``event_deliveries``: one row per callback, with the exact body to send; ``status`` PENDING until
  DELIVERED (2xx), FAILED (a final refusal, or too many attempts) or CANCELLED (the subscription
  is gone). A due row is claimed by a compare-and-set on ``attempts`` that also moves
  ``next_attempt_at`` past a lease, so two workers never send it at once (as ``dcsa_outbox``).

Every function works on a ``CallbackTables`` pair, TNT's (``TNT``) unless told otherwise: the
overdue-alert subscriptions (``storage.alert_tables``) keep the same columns in their own tables
and share these rows and this outbox code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, delete, insert, select, update

from corridor.storage import delivery_state
from corridor.storage.access import as_utc
from corridor.storage.delivery_state import CANCELLED, DELIVERED, FAILED, PENDING
from corridor.storage.tables import event_deliveries, event_subscriptions

__all__ = [
    "CANCELLED",
    "DELIVERED",
    "FAILED",
    "PENDING",
    "TNT",
    "CallbackTables",
    "DeliveryRow",
    "SubscriptionRow",
    "claim_delivery",
    "delete_subscription",
    "deliveries_of",
    "due_deliveries",
    "finish_delivery",
    "get_delivery",
    "get_subscription",
    "insert_deliveries",
    "insert_subscription",
    "list_subscriptions",
    "retry_delivery",
    "update_subscription",
]


@dataclass(frozen=True)
class CallbackTables:
    """A table of subscriptions and the outbox of their callbacks (same columns as TNT's)."""

    subscriptions: Table
    deliveries: Table


TNT = CallbackTables(event_subscriptions, event_deliveries)


@dataclass(frozen=True)
class SubscriptionRow:
    subscription_id: str
    owner: str
    callback_url: str
    sealed_secret: bytes
    filters: str
    created_at: datetime
    updated_at: datetime


def _subscription(found: Row[Any]) -> SubscriptionRow:
    row = SubscriptionRow(**found._mapping)
    return replace(
        row,
        sealed_secret=bytes(row.sealed_secret),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def insert_subscription(
    conn: Connection, row: SubscriptionRow, *, tables: CallbackTables = TNT
) -> None:
    conn.execute(insert(tables.subscriptions).values(**row.__dict__))


def get_subscription(
    conn: Connection, subscription_id: str, *, tables: CallbackTables = TNT
) -> SubscriptionRow | None:
    subs = tables.subscriptions.c
    found = conn.execute(
        select(tables.subscriptions).where(subs.subscription_id == subscription_id)
    ).first()
    return None if found is None else _subscription(found)


def list_subscriptions(
    conn: Connection,
    owner: str | None,
    *,
    after: str | None = None,
    limit: int | None = None,
    tables: CallbackTables = TNT,
) -> list[SubscriptionRow]:
    """Subscriptions in id order; ``owner`` None lists everyone's (the operator, the matcher)."""
    subs = tables.subscriptions.c
    query = select(tables.subscriptions).order_by(subs.subscription_id)
    if owner is not None:
        query = query.where(subs.owner == owner)
    if after is not None:
        query = query.where(subs.subscription_id > after)
    if limit is not None:
        query = query.limit(limit)
    return [_subscription(found) for found in conn.execute(query)]


def update_subscription(conn: Connection, subscription_id: str, **values: Any) -> bool:
    subs = event_subscriptions.c
    result = conn.execute(
        update(event_subscriptions).where(subs.subscription_id == subscription_id).values(**values)
    )
    return result.rowcount == 1


def delete_subscription(
    conn: Connection, subscription_id: str, *, tables: CallbackTables = TNT
) -> bool:
    """Delete the subscription and cancel its callbacks still pending."""
    outbox = tables.deliveries.c
    conn.execute(
        update(tables.deliveries)
        .where(outbox.subscription_id == subscription_id, outbox.status == PENDING)
        .values(status=CANCELLED)
    )
    subscriptions = tables.subscriptions
    result = conn.execute(
        delete(subscriptions).where(subscriptions.c.subscription_id == subscription_id)
    )
    return result.rowcount == 1


# The outbox -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryRow:
    delivery_id: int
    subscription_id: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    event_count: int = 1
    """TNT: the events in the body. An outbox without the column (alerts) sends one item."""


_DELIVERY_FIELDS = frozenset(f.name for f in fields(DeliveryRow))


def _delivery(found: Row[Any]) -> DeliveryRow:
    row = DeliveryRow(**{k: v for k, v in found._mapping.items() if k in _DELIVERY_FIELDS})
    delivered = None if row.delivered_at is None else as_utc(row.delivered_at)
    return replace(
        row,
        next_attempt_at=as_utc(row.next_attempt_at),
        created_at=as_utc(row.created_at),
        delivered_at=delivered,
    )


def insert_deliveries(
    conn: Connection, items: Iterable[tuple[str, str, int]], now: datetime
) -> None:
    """Queue callbacks ``(subscription_id, body, event_count)``, due now."""
    rows = [
        {
            "subscription_id": subscription_id,
            "body": body,
            "event_count": count,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for subscription_id, body, count in items
    ]
    if rows:
        conn.execute(insert(event_deliveries), rows)


def get_delivery(
    conn: Connection, delivery_id: int, *, tables: CallbackTables = TNT
) -> DeliveryRow | None:
    outbox = tables.deliveries.c
    found = conn.execute(select(tables.deliveries).where(outbox.delivery_id == delivery_id)).first()
    return None if found is None else _delivery(found)


def deliveries_of(
    conn: Connection, subscription_id: str, *, tables: CallbackTables = TNT
) -> list[DeliveryRow]:
    outbox = tables.deliveries.c
    query = (
        select(tables.deliveries)
        .where(outbox.subscription_id == subscription_id)
        .order_by(outbox.delivery_id)
    )
    return [_delivery(found) for found in conn.execute(query)]


def due_deliveries(
    conn: Connection, now: datetime, limit: int, *, tables: CallbackTables = TNT
) -> list[DeliveryRow]:
    outbox = tables.deliveries.c
    query = (
        select(tables.deliveries)
        .where(outbox.status == PENDING, outbox.next_attempt_at <= now)
        .order_by(outbox.next_attempt_at, outbox.delivery_id)
        .limit(limit)
    )
    return [_delivery(found) for found in conn.execute(query)]


def claim_delivery(
    conn: Connection, row: DeliveryRow, lease_until: datetime, *, tables: CallbackTables = TNT
) -> bool:
    """Lease ``row`` to this caller: True only if nobody else moved it since it was read."""
    deliveries = tables.deliveries
    return delivery_state.claim(
        conn, deliveries, deliveries.c.delivery_id, row.delivery_id, row.attempts, lease_until
    )


def finish_delivery(
    conn: Connection,
    delivery_id: int,
    *,
    status: str,
    http_status: int | None,
    error: str | None,
    at: datetime,
    tables: CallbackTables = TNT,
) -> None:
    """Record a final outcome: DELIVERED, FAILED or CANCELLED."""
    deliveries = tables.deliveries
    delivery_state.finish(
        conn,
        deliveries,
        deliveries.c.delivery_id,
        delivery_id,
        status=status,
        http_status=http_status,
        error=error,
        at=at,
    )


def retry_delivery(
    conn: Connection,
    delivery_id: int,
    *,
    http_status: int | None,
    error: str,
    next_attempt_at: datetime,
    tables: CallbackTables = TNT,
) -> None:
    deliveries = tables.deliveries
    delivery_state.retry(
        conn,
        deliveries,
        deliveries.c.delivery_id,
        delivery_id,
        http_status=http_status,
        error=error,
        next_attempt_at=next_attempt_at,
    )
