"""Tables of overdue-alert subscriptions and the outbox of their callbacks (migration 7).

Defined on ``tables.metadata`` like every other table; ``migrations`` creates them in step 7.

* ``alert_subscriptions``: one row per subscription to overdue journey alerts
  (``services.alert_subscriptions``), with the columns of ``event_subscriptions`` so the same
  rows code reads both: its owner (a party id, or ``operator``), callback URL, sealed secret, and
  its filters as JSON (``{"transportDocumentReference": ...}``, or ``{}`` for every document the
  owner may see).
* ``alert_deliveries``: one row per (subscription, alert): the exact body to send and the state
  of its delivery, with the columns of ``event_deliveries`` (TNT callbacks) so one delivery code
  path serves both (``storage.event_subscriptions``: claim, retry, finish). The unique
  ``(subscription_id, alert_id)`` is what makes an alert reach a subscriber once: a second watch
  run, on this process or another, after a restart or concurrently, inserts nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from corridor.storage.tables import metadata

__all__ = ["ALERT_TABLES", "alert_deliveries", "alert_subscriptions"]

alert_subscriptions = Table(
    "alert_subscriptions",
    metadata,
    Column("subscription_id", String(36), primary_key=True),
    Column("owner", String(64), nullable=False, index=True),
    Column("callback_url", String(2000), nullable=False),
    Column("sealed_secret", LargeBinary, nullable=False),
    Column("filters", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("delivery_id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", String(36), nullable=False),
    Column("alert_id", String(64), nullable=False),
    Column("document_reference", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("subscription_id", "alert_id", name="uq_alert_deliveries_once"),
    Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
)

ALERT_TABLES = (alert_subscriptions, alert_deliveries)
