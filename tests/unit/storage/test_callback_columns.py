"""The callback tables of TNT 2.2 and of overdue alerts share their columns (callback_columns)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, Table, UniqueConstraint

from corridor.storage.alert_tables import alert_deliveries, alert_subscriptions
from corridor.storage.callback_columns import delivery_columns, subscription_columns
from corridor.storage.tables import event_deliveries, event_subscriptions


def _shape(column: Column[Any]) -> tuple[object, ...]:
    return (column.name, repr(column.type), column.nullable, column.primary_key)


def _shapes(table: Table, names: list[str]) -> list[tuple[object, ...]]:
    return [_shape(table.c[name]) for name in names]


def test_every_call_makes_fresh_columns() -> None:
    for make in (subscription_columns, delivery_columns):
        first, second = make(), make()
        assert [c.name for c in first] == [c.name for c in second]
        assert all(a is not b for a in first for b in second)


def test_both_subscription_tables_have_the_same_columns() -> None:
    names = [column.name for column in subscription_columns()]
    assert [c.name for c in event_subscriptions.columns] == names
    assert _shapes(event_subscriptions, names) == _shapes(alert_subscriptions, names)
    assert [_shape(c) for c in subscription_columns()] == _shapes(alert_subscriptions, names)


def test_a_delivery_table_puts_what_it_sends_between_the_ids_and_the_state() -> None:
    payload = Column("event_count", Integer, nullable=False)
    names = [column.name for column in delivery_columns(payload)]
    assert names[:3] == ["delivery_id", "subscription_id", "event_count"]
    assert names[3:] == [c.name for c in delivery_columns()][2:]
    shared = [column.name for column in delivery_columns()]
    assert _shapes(event_deliveries, shared) == _shapes(alert_deliveries, shared)
    assert [c.name for c in event_deliveries.columns] == [
        *shared[:2],
        "body",
        "event_count",
        *shared[2:],
    ]
    assert [c.name for c in alert_deliveries.columns] == [
        *shared[:2],
        "alert_id",
        "document_reference",
        "body",
        *shared[2:],
    ]


def test_a_subscriptions_callbacks_are_found_by_an_index() -> None:
    assert event_deliveries.c.subscription_id.index is True
    assert not delivery_columns()[1].index
    # The alert outbox's unique constraint leads with subscription_id: its index serves instead.
    [once] = [c for c in alert_deliveries.constraints if isinstance(c, UniqueConstraint)]
    assert [c.name for c in once.columns] == ["subscription_id", "alert_id"]
