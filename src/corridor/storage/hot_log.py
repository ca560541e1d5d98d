"""The log writer's per-batch statements, run on the driver's connection (ADR 0005).

Every batch runs the same few statements: lock and read the log head, update the title records
it changed, insert its entries, move the head. Through SQLAlchemy Core each row passes through
``construct_params`` and the bind processors, which costs more CPU than SQLite spends writing
it. Here the statements are fixed SQL text run with the DB-API ``executemany`` on the same
driver connection, inside the transaction the caller opened with SQLAlchemy, so atomicity and
the ``BEGIN IMMEDIATE`` / ``FOR UPDATE`` locking are exactly those of ``storage.engine``.

On SQLite a batch's updates and inserts are each one multi-row statement (``UPDATE ... FROM
(VALUES ...)``, ``INSERT ... VALUES (...), (...)``): the driver releases and re-takes the GIL
around every step, and the writer's durability thread, which runs these while the writer thread
prepares the next batch, would otherwise wait for the GIL once per row. PostgreSQL gets
``executemany``, which psycopg sends as one pipeline.

Values are bound as SQLAlchemy would bind them: columns whose type has a bind processor on the
dialect (SQLite's ``DATETIME`` text, its integer booleans) go through that very processor, so a
row written here reads back through ``storage.repository`` like any other.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect

from corridor.errors import NodeError
from corridor.storage import tables
from corridor.storage.repository import EntryRow, RegisterRow

_Bind = Callable[[Any], Any]

ENTRY_COLUMNS = (
    "leaf_index",
    "document_reference",
    "sequence",
    "action_code",
    "actor",
    "recipient",
    "kid",
    "jws",
    "entry_hash",
    "leaf_hash",
    "created_at",
)
TITLE_COLUMNS = (
    "carrier",
    "kind",
    "status",
    "possessor",
    "consignee",
    "endorsee",
    "may_endorse",
    "pending_surrenderer",
    "pending_code",
    "version",
    "last_entry_hash",
)


# Rows per multi-row statement: SQLite allows 32766 parameters per statement since 3.32.
_ROWS_PER_STATEMENT = 500


@dataclass(frozen=True)
class _Statements:
    lock_head: str
    set_head: str
    update_title: str
    insert_entry: str
    bind_created_at: _Bind | None
    bind_may_endorse: _Bind | None
    multi_row: bool


_STATEMENTS: WeakKeyDictionary[Dialect, _Statements] = WeakKeyDictionary()


def _bind_processor(dialect: Dialect, table: Table, column: str) -> _Bind | None:
    kind = table.c[column].type
    processor: _Bind | None = kind.dialect_impl(dialect).bind_processor(dialect)
    return processor


def _build(dialect: Dialect) -> _Statements:
    # The SQL below is assembled from this module's constants only (S608 does not apply).
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    locking = " FOR UPDATE" if dialect.name == "postgresql" else ""
    assignments = ", ".join(f"{name} = {mark}" for name in TITLE_COLUMNS)
    where = f"WHERE reference = {mark} AND version = {mark}"
    marks = ", ".join([mark] * len(ENTRY_COLUMNS))
    return _Statements(
        lock_head="SELECT size, root_hash FROM log_head WHERE id = 1" + locking,  # noqa: S608
        set_head=f"UPDATE log_head SET size = {mark}, root_hash = {mark} WHERE id = 1",  # noqa: S608
        update_title=f"UPDATE title_records SET {assignments} {where}",  # noqa: S608
        insert_entry=f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})",  # noqa: S608
        bind_created_at=_bind_processor(dialect, tables.entries, "created_at"),
        bind_may_endorse=_bind_processor(dialect, tables.title_records, "may_endorse"),
        multi_row=dialect.name == "sqlite",
    )


@functools.lru_cache(maxsize=64)
def _sqlite_update_titles(rows: int) -> str:
    """One UPDATE for ``rows`` records; VALUES columns are named column1, column2, ..."""
    values = ", ".join(["(" + ", ".join(["?"] * (2 + len(TITLE_COLUMNS))) + ")"] * rows)
    assignments = ", ".join(
        f"{name} = v.column{i}" for i, name in enumerate(TITLE_COLUMNS, start=3)
    )
    return (
        f"UPDATE title_records SET {assignments} FROM (VALUES {values}) AS v "  # noqa: S608
        "WHERE title_records.reference = v.column1 AND title_records.version = v.column2"
    )


@functools.lru_cache(maxsize=64)
def _sqlite_insert_entries(rows: int) -> str:
    values = ", ".join(["(" + ", ".join(["?"] * len(ENTRY_COLUMNS)) + ")"] * rows)
    return f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)}) VALUES {values}"  # noqa: S608


def _run_many(cursor: Any, sql: str, multi: Callable[[int], str] | None, rows: list[Any]) -> int:
    """Run ``sql`` for each row (or ``multi(n)`` once per chunk of n rows); rows affected."""
    if multi is None:
        cursor.executemany(sql, rows)
        return int(cursor.rowcount)
    affected = 0
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        cursor.execute(multi(len(chunk)), [value for row in chunk for value in row])
        affected += cursor.rowcount
    return affected


def _statements(dialect: Dialect) -> _Statements:
    found = _STATEMENTS.get(dialect)
    if found is None:
        found = _STATEMENTS[dialect] = _build(dialect)
    return found


def _cursor(conn: Connection) -> Any:
    """A cursor on the driver connection of ``conn``'s open transaction."""
    if not conn.in_transaction():
        raise NodeError("internal: the log's statements must run inside a transaction")
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]


def lock_head(conn: Connection) -> tuple[int, bytes]:
    """Lock the log head for this transaction and return (size, root hash).

    On SQLite the transaction's ``BEGIN IMMEDIATE`` already holds the write lock; on PostgreSQL
    the row lock is taken here.
    """
    cursor = _cursor(conn)
    cursor.execute(_statements(conn.dialect).lock_head)
    row = cursor.fetchone()
    cursor.close()
    if row is None:
        raise NodeError("the database has no log head; run 'corridor init' first")
    return int(row[0]), bytes(row[1])


def set_head(conn: Connection, size: int, root_hash: bytes) -> None:
    cursor = _cursor(conn)
    cursor.execute(_statements(conn.dialect).set_head, (size, root_hash))
    cursor.close()


def update_titles(conn: Connection, rows: Sequence[tuple[RegisterRow, int]]) -> bool:
    """Write new records if nobody else moved them first (optimistic version check).

    Returns False if fewer rows matched than were given.
    """
    if not rows:
        return True
    sql = _statements(conn.dialect)
    bind = sql.bind_may_endorse
    params = []
    for row, expected in rows:
        r = row.record
        may_endorse = r.may_endorse if bind is None else bind(r.may_endorse)
        pending = None if r.pending_code is None else str(r.pending_code)
        values = (
            *(r.carrier, str(r.kind), str(r.status), r.possessor, r.consignee, r.endorsee),
            *(may_endorse, r.pending_surrenderer, pending, r.version, row.last_entry_hash),
        )
        key = (r.document_reference, expected)
        params.append((*key, *values) if sql.multi_row else (*values, *key))
    cursor = _cursor(conn)
    multi = _sqlite_update_titles if sql.multi_row else None
    matched = _run_many(cursor, sql.update_title, multi, params)
    cursor.close()
    return matched == len(rows)


def insert_entries(conn: Connection, rows: Sequence[EntryRow]) -> None:
    if not rows:
        return
    sql = _statements(conn.dialect)
    bind = sql.bind_created_at
    params = [
        (
            *(r.leaf_index, r.document_reference, r.sequence, r.action_code, r.actor),
            *(r.recipient, r.kid, r.jws, r.entry_hash, r.leaf_hash),
            r.created_at if bind is None else bind(r.created_at),
        )
        for r in rows
    ]
    cursor = _cursor(conn)
    _run_many(cursor, sql.insert_entry, _sqlite_insert_entries if sql.multi_row else None, params)
    cursor.close()
