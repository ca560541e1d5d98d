"""Schema migrations: an ordered list of steps, each applied once and recorded.

Corridor keeps its own small runner rather than Alembic (ADR 0003): the schema is defined once in
``tables.py`` in SQLAlchemy Core, and each migration is a function of a connection. On PostgreSQL
the runner takes a transaction-scoped advisory lock so two nodes starting together cannot both
migrate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, inspect, select, text

from corridor.storage import alert_tables, tables
from corridor.storage.engine import writing

Migration = tuple[int, str, Callable[[Connection], None]]
_ADVISORY_LOCK_KEY = 0x636F7272  # "corr"
EMPTY_TREE_ROOT = hashlib.sha256(b"").digest()


def _initial_schema(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True, tables=_LEDGER_TABLES)
    conn.execute(insert(tables.log_head).values(id=1, size=0, root_hash=EMPTY_TREE_ROOT))


def _access_tables(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True, tables=tables.ACCESS_TABLES)


def _platform_tables(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True, tables=tables.PLATFORM_TABLES)


def _pint_tables(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True, tables=tables.PINT_TABLES)


def _iss_sur_tables(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True, tables=tables.ISS_SUR_TABLES)


def _tracking_tables(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True, tables=tables.TRACKING_TABLES)


def _alert_tables(conn: Connection) -> None:
    tables.metadata.create_all(conn, checkfirst=True, tables=alert_tables.ALERT_TABLES)


_LATER_TABLES = (
    *tables.ACCESS_TABLES,
    *tables.PLATFORM_TABLES,
    *tables.PINT_TABLES,
    *tables.ISS_SUR_TABLES,
    *tables.TRACKING_TABLES,
    *alert_tables.ALERT_TABLES,
)
_LEDGER_TABLES = [t for t in tables.metadata.sorted_tables if t not in _LATER_TABLES]

MIGRATIONS: tuple[Migration, ...] = (
    (1, "initial schema", _initial_schema),
    (2, "API tokens, web sessions, idempotency keys", _access_tables),
    (3, "platform registry: PINT peers and their public keys", _platform_tables),
    (4, "PINT transfers: chain entries, envelopes received and sent, documents", _pint_tables),
    (5, "DCSA issuance and surrender requests, and their outbox", _iss_sur_tables),
    (6, "tracking events (DCSA TNT), event subscriptions and their callbacks", _tracking_tables),
    (7, "overdue alert subscriptions and their callbacks", _alert_tables),
)
LATEST_VERSION = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    versions = conn.execute(select(tables.schema_version.c.version)).scalars().all()
    return max(versions, default=0)


def migrate(engine: Engine) -> int:
    """Bring the schema to ``LATEST_VERSION``; return how many steps were applied."""
    applied = 0
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
        version = current_version(conn)
        for number, description, step in MIGRATIONS:
            if number <= version:
                continue
            step(conn)
            conn.execute(
                insert(tables.schema_version).values(
                    version=number, description=description, applied_at=datetime.now(UTC)
                )
            )
            applied += 1
    return applied
