"""Tables of overdue-alert subscriptions and the outbox of their callbacks (migration 7).

Defined on ``tables.metadata`` like every other table; ``migrations`` creates them in step 7.

The columns shared with ``event_subscriptions`` / ``event_deliveries`` (TNT callbacks) come from
``storage.callback_columns``, so the same rows code reads both.

* ``alert_subscriptions``: one row per subscription to overdue journey alerts
  (``services.alert_subscriptions``): its owner (a party id, or ``operator``), callback URL,
  sealed secret, and its filters as JSON (``{"transportDocumentReference": ...}``, or ``{}`` for
  every document the owner may see).
* ``alert_deliveries``: one row per (subscription, alert): the exact body to send and the state
  of its delivery, so one delivery code path serves both (``storage.event_subscriptions``:
  claim, retry, finish). The unique ``(subscription_id, alert_id)`` is what makes an alert
  reach a subscriber once: a second watch run, on this process or another, after a restart or
  concurrently, inserts nothing.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text, UniqueConstraint

from corridor.storage.callback_columns import delivery_columns, subscription_columns
from corridor.storage.tables import metadata

__all__ = ["ALERT_TABLES", "alert_deliveries", "alert_subscriptions"]

alert_subscriptions = Table("alert_subscriptions", metadata, *subscription_columns())

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    *delivery_columns(
        Column("alert_id", String(64), nullable=False),
        Column("document_reference", String(64), nullable=False),
        Column("body", Text, nullable=False),
    ),
    UniqueConstraint("subscription_id", "alert_id", name="uq_alert_deliveries_once"),
    Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
)

ALERT_TABLES = (alert_subscriptions, alert_deliveries)
