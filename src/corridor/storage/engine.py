"""Opening the database: SQLite (the embedded default) or PostgreSQL via psycopg 3.

SQLite runs in WAL mode with ``synchronous=FULL``, so a committed transaction has been fsynced
before ``commit()`` returns, and every writing transaction (``writing``) starts with
``BEGIN IMMEDIATE`` so that two writers queue for the write lock instead of failing late;
readers use a plain
``BEGIN`` and never block the writer. PostgreSQL serialises writers with
``SELECT ... FOR UPDATE`` on the log head row (see ``lock_log_head``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from corridor.errors import NodeError
from corridor.storage import hot_log

SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "corridor_write"
_WRITING_ENGINES: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


def normalise_url(url: str) -> str:
    """Accept the usual spellings and pick the drivers Corridor ships with."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise NodeError(
            f"database URL {url!r} is not valid; expected sqlite:///path or "
            "postgresql://user@host:port/db"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite").render_as_string(hide_password=False)
    raise NodeError(f"database {backend!r} is not supported; use SQLite or PostgreSQL")


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with Corridor's durability and locking settings applied."""
    engine = create_engine(normalise_url(url), future=True)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite's own BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers queue for the write lock up front; readers must not take it (WAL lets them
        # read while one writer writes).
        writes = connection.get_execution_options().get(_WRITE_OPTION, False)
        # Straight to the driver: this runs for every transaction, and the statement has no
        # parameters for SQLAlchemy to process.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN IMMEDIATE" if writes else "BEGIN")


def _writing_engine(engine: Engine) -> Engine:
    writer = _WRITING_ENGINES.get(engine)
    if writer is None:
        writer = engine.execution_options(**{_WRITE_OPTION: True})
        _WRITING_ENGINES[engine] = writer
    return writer


def writing(engine: Engine) -> AbstractContextManager[Connection]:
    """A transaction that will write: ``BEGIN IMMEDIATE`` on SQLite, a plain one elsewhere."""
    return _writing_engine(engine).begin()


def writer_connection(engine: Engine) -> Connection:
    """A connection the log writer keeps across batches, each batch one ``conn.begin()``.

    Its transactions are writing ones (``BEGIN IMMEDIATE`` on SQLite). Keeping it saves a pool
    checkout and check-in (with its reset) per batch; the writer closes it when it stops.
    """
    return _writing_engine(engine).connect()


def lock_log_head(conn: Connection) -> tuple[int, bytes]:
    """Lock the log head for this (writing) transaction and return (size, root hash)."""
    return hot_log.lock_head(conn)
