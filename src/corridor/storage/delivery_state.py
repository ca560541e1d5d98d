"""Moving one row of an outbox through its delivery: claim, finish, retry.

Every outbox (the DCSA outbox, TNT and alert callbacks) has the same delivery-state columns
(``callback_columns.delivery_state_columns``): a row is PENDING until DELIVERED, FAILED or
CANCELLED; a sender claims a due row by moving ``next_attempt_at`` to the end of its lease and
counting the attempt, only if nobody moved it since it was read (the same ``attempts``); then it
records the answer, final or to retry. ``row_id`` is the table's id column.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, update

__all__ = ["CANCELLED", "DELIVERED", "FAILED", "PENDING", "claim", "finish", "retry"]

PENDING = "PENDING"
DELIVERED = "DELIVERED"
FAILED = "FAILED"
CANCELLED = "CANCELLED"


def claim(
    conn: Connection,
    table: Table,
    row_id: Column[Any],
    key: int,
    attempts: int,
    lease_until: datetime,
) -> bool:
    """Lease the row to this caller: True only if nobody else moved it since it was read."""
    result = conn.execute(
        update(table)
        .where(row_id == key, table.c.status == PENDING, table.c.attempts == attempts)
        .values(next_attempt_at=lease_until, attempts=attempts + 1)
    )
    return result.rowcount == 1


def finish(
    conn: Connection,
    table: Table,
    row_id: Column[Any],
    key: int,
    *,
    status: str,
    http_status: int | None,
    error: str | None,
    at: datetime,
) -> None:
    """Record a final outcome: DELIVERED, FAILED or CANCELLED."""
    conn.execute(
        update(table)
        .where(row_id == key)
        .values(
            status=status,
            last_status=http_status,
            last_error=error,
            delivered_at=at if status == DELIVERED else None,
        )
    )


def retry(
    conn: Connection,
    table: Table,
    row_id: Column[Any],
    key: int,
    *,
    http_status: int | None,
    error: str,
    next_attempt_at: datetime,
) -> None:
    """Record an answer to try again after: the row stays PENDING (if nobody finished it)."""
    conn.execute(
        update(table)
        .where(row_id == key, table.c.status == PENDING)
        .values(last_status=http_status, last_error=error, next_attempt_at=next_attempt_at)
    )
