"""The columns every pair of callback tables shares: subscriptions, and the outbox of callbacks.

TNT 2.2 event subscriptions (``tables.event_subscriptions``, ``tables.event_deliveries``) and
overdue-alert subscriptions (``alert_tables``) keep the same columns, so one rows module
(``storage.event_subscriptions``) and one sender serve both. Each call returns fresh ``Column``
objects: SQLAlchemy binds a column to the one table it is given to.

* ``subscription_columns``: the whole subscription row.
* ``delivery_columns``: a callback's id and subscription, then what the table sends (its own
  columns, in order), then the state of the delivery (``status``, ``attempts``, the retry time,
  the last answer, when it was queued and delivered).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Text

__all__ = ["delivery_columns", "delivery_state_columns", "subscription_columns"]


def subscription_columns() -> list[Column[Any]]:
    """A subscription: owner (a party id or ``operator``), callback URL, sealed secret, filters."""
    return [
        Column("subscription_id", String(36), primary_key=True),
        Column("owner", String(64), nullable=False, index=True),
        Column("callback_url", String(2000), nullable=False),
        Column("sealed_secret", LargeBinary, nullable=False),
        Column("filters", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    ]


def delivery_columns(
    *payload: Column[Any], indexed_subscription: bool = False
) -> list[Column[Any]]:
    """A callback: its id and subscription, ``payload`` (what is sent), its delivery state.

    ``indexed_subscription`` indexes ``subscription_id`` on its own; a table whose unique
    constraint leads with ``subscription_id`` already has an index to find a subscription's rows.
    """
    return [
        Column("delivery_id", Integer, primary_key=True, autoincrement=True),
        Column("subscription_id", String(36), nullable=False, index=indexed_subscription or None),
        *payload,
        *delivery_state_columns(),
    ]


def delivery_state_columns(*, indexed_status: bool = False) -> list[Column[Any]]:
    """Where a delivery stands: ``status``, ``attempts``, the retry time, the last answer, when
    it was queued and delivered (callbacks, and the DCSA outbox of ``tables.dcsa_outbox``)."""
    return [
        Column("status", String(16), nullable=False, index=indexed_status or None),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False),
        Column("last_status", Integer, nullable=True),
        Column("last_error", Text, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("delivered_at", DateTime(timezone=True), nullable=True),
    ]
