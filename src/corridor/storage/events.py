"""The tracking-event store: bulk writes on the driver's cursor, filtered reads in SQLAlchemy Core.

Writes (ADR 0008). Ingest writes thousands of events per transaction, so, as the log writer does
(``hot_log``, ADR 0005), the statements are fixed SQL run with the DB-API ``executemany`` on the
driver connection of the caller's SQLAlchemy transaction: atomicity is that transaction's, and
SQLAlchemy's per-row parameter processing is skipped. Every value is a type both drivers bind
natively (``int``, ``str``, ``bytes``, ``bool``, ``None``). A writing transaction first calls
``lock_for_ingest``: SQLite's ``BEGIN IMMEDIATE`` already holds the write lock; on PostgreSQL a
transaction-scoped advisory lock serialises ingests, so that "read the stored versions, then
insert or update" cannot race, and ``seq`` (``next_seq``) is handed out without gaps or clashes.

The event key. TNT's key is ``(eventID, originating parties)``; ``key_of`` turns it into two
64-bit integers, ``event_key`` (the first 8 bytes of SHA-256 over the eventID) and ``origin_key``
(of the originating parties' digest, 0 without any), and the table holds them under a unique
index: an index of two integers stays a fraction of the size of one over the strings, which
matters because eventIDs are random and every chunk touches most of that index's pages. The
eventID is stored as well and compared whenever a key is found (``stored_versions``), so two
eventIDs that share an ``event_key`` are told apart: the second one is refused by the store,
never taken for the first. A bug that tried a second row for one key would still fail on the
unique index.

Binding on SQLite. CPython's ``sqlite3`` binds ``int``, ``float`` and ``str`` directly but looks
``None``, ``bool`` and ``bytes`` up as possible adaptations first, and its miss costs more than
binding (about 0.3 µs per value, a sixth of a row's insert). ``_bind_natively`` registers the
identity for these three types (``None`` -> ``None``, ``bool`` -> ``int``, ``bytes`` -> the same
bytes): the values bound are exactly those ``sqlite3`` binds without it, found at the first try.

Reads: ``select_events`` turns an ``EventFilter`` into one indexed query, keyset-paged on ``seq``;
``walk_events`` pages in ``eventCreatedDateTime`` order on ``(updated_at_us, seq)`` (TNT 2.2
``sort``). With ``v22`` the query keeps only events TNT 2.2 can express, as far as the columns
tell (``domain.tnt_v22_scope``; ``services.event_pages`` filters the rest).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import sqlite3
import struct
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.engine import Dialect

from corridor.domain import tnt_v22_scope as v22_scope
from corridor.domain.tnt_query import EventFilter
from corridor.errors import NodeError
from corridor.storage import tables

__all__ = [
    "EVENT_COLUMNS",
    "StoredEvent",
    "StoredVersion",
    "delete_documents",
    "exists_beyond",
    "get_events",
    "insert_documents",
    "insert_events",
    "key_of",
    "lock_for_ingest",
    "mark_retracted",
    "micros",
    "next_seq",
    "page_statement",
    "select_events",
    "stored_versions",
    "update_events",
]

EVENT_COLUMNS = (
    "seq",
    "event_key",
    "origin_key",
    "event_id",
    "retracted",
    "event_type",
    "classifier",
    "subtype",
    "event_at_us",
    "updated_at_us",
    "received_at_us",
    "un_location",
    "equipment_reference",
    "transport_call_reference",
    "vessel_imo",
    "voyage",
    "service_code",
    "mode_of_transport",
    "document_type",
    "document_refs",
    "content_hash",
    "event_json",
)
_INGEST_LOCK = 0x746E7431  # "tnt1"
_LOOKUP_CHUNK = 500
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_SQLITE_CACHE_KIB = 128 * 1024

events = tables.tracking_events.c
documents = tables.tracking_event_documents.c


def _bind_natively() -> None:
    """Identity adapters for ``None``, ``bool`` and ``bytes`` (module docstring)."""
    protocol = sqlite3.PrepareProtocol
    identities: dict[type, Any] = {type(None): {}.get, bool: int, bytes: bytes}
    for kind, identity in identities.items():
        if (kind, protocol) not in sqlite3.adapters:  # never replace someone else's adapter
            sqlite3.register_adapter(kind, identity)


_bind_natively()


def micros(moment: dt.datetime | None) -> int | None:
    """Microseconds since the Unix epoch (UTC), the store's form of a time."""
    return None if moment is None else (moment - _EPOCH) // _MICROSECOND


_key64 = struct.Struct(">q").unpack_from  # the first 8 bytes as a signed 64-bit integer
_sha256 = hashlib.sha256


def key_of(event_id: str, origin: str) -> tuple[int, int]:
    """``(event_key, origin_key)`` of an event key (module docstring)."""
    return _key64(_sha256(event_id.encode("utf-8")).digest())[0], _origin_key(origin)


@functools.lru_cache(maxsize=4096)
def _origin_key(origin: str) -> int:
    return int(_key64(bytes.fromhex(origin))[0]) if origin else 0


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """What the store holds for one event key, enough to decide about a new version."""

    seq: int
    event_id: str
    retracted: bool
    updated_at_us: int | None
    content_hash: bytes
    document_refs: str | None


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One stored event as read back: its position, whether retracted, its JSON text."""

    seq: int
    retracted: bool
    event_json: str


@dataclass(frozen=True)
class _Statements:
    mark: str
    insert_event: str
    update_event: str
    mark_retracted: str
    insert_document: str
    delete_document: str


@functools.cache
def _statements(paramstyle: str) -> _Statements:
    # Assembled from this module's constants only (S608 does not apply).
    mark = "?" if paramstyle == "qmark" else "%s"
    names = ", ".join(EVENT_COLUMNS)
    marks = ", ".join([mark] * len(EVENT_COLUMNS))
    assignments = ", ".join(f"{name} = {mark}" for name in EVENT_COLUMNS[1:])
    return _Statements(
        mark=mark,
        insert_event=f"INSERT INTO tracking_events ({names}) VALUES ({marks})",  # noqa: S608
        update_event=f"UPDATE tracking_events SET {assignments} WHERE seq = {mark}",  # noqa: S608
        mark_retracted=(
            f"UPDATE tracking_events SET retracted = {mark}, updated_at_us = {mark}, "  # noqa: S608
            f"content_hash = {mark}, event_json = {mark} WHERE seq = {mark}"
        ),
        insert_document=(
            "INSERT INTO tracking_event_documents (reference, document_type, seq) "  # noqa: S608
            f"VALUES ({mark}, {mark}, {mark})"
        ),
        delete_document=(
            "DELETE FROM tracking_event_documents "  # noqa: S608
            f"WHERE reference = {mark} AND document_type = {mark} AND seq = {mark}"
        ),
    )


def _sql(dialect: Dialect) -> _Statements:
    return _statements(dialect.paramstyle)


def _cursor(conn: Connection) -> Any:
    if not conn.in_transaction():
        raise NodeError("internal: event store writes must run inside a transaction")
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]


def _run_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        cursor = _cursor(conn)
        cursor.executemany(sql, rows)
        cursor.close()


def mark_retracted(
    conn: Connection, rows: Sequence[tuple[bool, int | None, bytes, str, int]]
) -> None:
    """Replace events by retraction markers: ``(retracted, updated_at_us, hash, json, seq)``.

    The other columns and the document index stay, so filters still find the marker.
    """
    _run_many(conn, _sql(conn.dialect).mark_retracted, rows)


def lock_for_ingest(conn: Connection) -> None:
    """Serialise ingests (module docstring); on SQLite also give the writer a larger cache.

    On PostgreSQL the transaction also turns sequential scans off: until the table has been
    analysed (a fresh node's first bulk import), the planner guesses that ``event_key IN`` 500
    keys matches most of the table and scans all of it for each lookup (0.3 s each at 160,000
    events); every statement of an ingest is a lookup by key or ``seq``, which indexes answer.
    """
    cursor = _cursor(conn)
    if conn.dialect.name == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_INGEST_LOCK,))
        cursor.execute("SET LOCAL enable_seqscan = off")
    else:
        cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
    cursor.close()


def next_seq(conn: Connection) -> int:
    """The next free ``seq`` (call under ``lock_for_ingest``)."""
    highest = conn.execute(select(func.max(events.seq))).scalar()
    return 1 if highest is None else int(highest) + 1


def stored_versions(
    conn: Connection, event_keys: Collection[int]
) -> dict[tuple[int, int], StoredVersion]:
    """The stored version of every key whose ``event_key`` is in ``event_keys``, by
    ``(event_key, origin_key)``."""
    found: dict[tuple[int, int], StoredVersion] = {}
    wanted = list(dict.fromkeys(event_keys))
    mark = _sql(conn.dialect).mark
    cursor = _cursor(conn)
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        marks = ", ".join([mark] * len(chunk))
        cursor.execute(
            "SELECT event_key, origin_key, seq, event_id, retracted, updated_at_us, "  # noqa: S608
            f"content_hash, document_refs FROM tracking_events WHERE event_key IN ({marks})",
            chunk,
        )
        for event_key, origin_key, seq, event_id, retracted, updated, hashed, refs in cursor:
            found[(event_key, origin_key)] = StoredVersion(
                seq, event_id, bool(retracted), updated, bytes(hashed), refs
            )
    cursor.close()
    return found


def insert_events(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows whose values follow ``EVENT_COLUMNS``."""
    _run_many(conn, _sql(conn.dialect).insert_event, rows)


def update_events(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Rewrite rows (values follow ``EVENT_COLUMNS``; ``seq`` first names the row)."""
    _run_many(conn, _sql(conn.dialect).update_event, [(*r[1:], r[0]) for r in rows])


def insert_documents(conn: Connection, rows: Iterable[tuple[str, str, int]]) -> None:
    """Index events under documents: ``(reference, document_type, seq)`` rows."""
    _run_many(conn, _sql(conn.dialect).insert_document, list(rows))


def delete_documents(conn: Connection, rows: Iterable[tuple[str, str, int]]) -> None:
    _run_many(conn, _sql(conn.dialect).delete_document, list(rows))


# Reads ---------------------------------------------------------------------------------------
# Imported beside its one user, the reads.

Position = tuple[int, ...]
"""Where an event stands in a listing (``PageOrder``): ``(seq,)`` or ``(updated_at_us, seq)``."""


def _v22_only() -> Any:
    """The events TNT 2.2 can express (``domain.tnt_v22_scope``, ``v22_out.to_v22``), as far as
    the columns tell: an EQUIPMENT event's ``emptyIndicator``, which 2.2 requires, has no column
    (the 2.2 pages test it on the rendered event, ``services.event_pages``)."""
    shipment = (
        (events.event_type == "SHIPMENT")
        & events.subtype.in_(v22_scope.SHIPMENT_EVENT_TYPES)
        & events.document_type.in_(v22_scope.DOCUMENT_TYPES)
    )
    transport = (
        (events.event_type == "TRANSPORT")
        & events.subtype.in_(v22_scope.TRANSPORT_EVENT_TYPES)
        & events.transport_call_reference.is_not(None)
        & events.mode_of_transport.in_(v22_scope.MODES_OF_TRANSPORT)
    )
    equipment = (events.event_type == "EQUIPMENT") & events.subtype.in_(
        v22_scope.EQUIPMENT_EVENT_TYPES
    )
    return shipment | transport | equipment


_V22_ONLY = _v22_only()


def _criteria(where: EventFilter, *, v22: bool) -> list[Any]:
    clauses: list[Any] = []
    if v22:
        clauses.append(_V22_ONLY)
    if not where.include_retracted or v22:
        clauses.append(events.retracted.is_(False))
    if where.event_types:
        clauses.append(events.event_type.in_(where.event_types))
    for event_type, values in where.subtypes:
        clauses.extend([events.event_type == event_type, events.subtype.in_(values)])
    if where.document_types:
        clauses.append(events.document_type.in_(where.document_types))
    clauses.extend(_document_criteria(where))
    for column, value in (
        (events.equipment_reference, where.equipment_reference),
        (events.un_location, where.un_location),
        (events.transport_call_reference, where.transport_call_reference),
        (events.vessel_imo, where.vessel_imo),
        (events.voyage, where.voyage),
        (events.service_code, where.service_code),
    ):
        if value is not None:
            clauses.append(column == value)
    for op, moment in where.updated:
        clauses.append(_compare(events.updated_at_us, op, micros(moment)))
    return clauses


def _document_criteria(where: EventFilter) -> list[Any]:
    """``seq IN (...)`` lets the planner start from the document index (a correlated EXISTS
    would be tried row by row in seq order: a scan for a rare document)."""
    clauses: list[Any] = [
        events.seq.in_(
            select(documents.seq).where(
                documents.reference == reference, documents.document_type == kind
            )
        )
        for kind, reference in where.documents
    ]
    if where.document_reference is not None:
        clauses.append(
            events.seq.in_(
                select(documents.seq).where(documents.reference == where.document_reference)
            )
        )
    return clauses


def _compare(column: Any, op: str, value: int | None) -> Any:
    comparisons = {
        "gte": column >= value,
        "gt": column > value,
        "lte": column <= value,
        "lt": column < value,
        "eq": column == value,
    }
    return comparisons[op]


def _query(where: EventFilter, v22: bool) -> Select[Any]:
    query = select(events.seq, events.retracted, events.event_json)
    return query.where(*_criteria(where, v22=v22))


def _keyset(conn: Connection, bound: Any) -> Any:
    """The page's ``seq`` bound, marked for SQLite's planner as one that keeps most rows.

    Without statistics, SQLite takes a ``seq`` range beside ``ORDER BY seq LIMIT ?`` as the best
    way in and walks the table in ``seq`` order, testing every row: for a window of
    ``eventCreatedDateTime`` that is most of the table (270 ms at a million events) where the
    ``updated_at_us`` index finds the few rows at once (under 1 ms). ``likely()`` returns its
    argument unchanged; it only tells the planner not to count on the bound. Filters with an
    index of their own still use it, and an unfiltered page still starts at the bound.
    """
    return func.likely(bound) if conn.dialect.name == "sqlite" else bound


def page_statement(
    conn: Connection,
    where: EventFilter,
    *,
    limit: int,
    after: int | None = None,
    before: int | None = None,
    v22: bool = False,
) -> Select[Any]:
    """The query of ``select_events`` (rows in descending ``seq`` order when ``before`` is set)."""
    query = _query(where, v22)
    if before is not None:
        query = query.where(_keyset(conn, events.seq < before))
        return query.order_by(events.seq.desc()).limit(limit)
    if after is not None:
        query = query.where(_keyset(conn, events.seq > after))
    return query.order_by(events.seq).limit(limit)


def select_events(
    conn: Connection,
    where: EventFilter,
    *,
    limit: int,
    after: int | None = None,
    before: int | None = None,
    v22: bool = False,
) -> list[StoredEvent]:
    """Up to ``limit`` matching events in ``seq`` order, after ``after`` (or, going back, the
    last ``limit`` before ``before``, still returned in ascending order)."""
    statement = page_statement(conn, where, limit=limit, after=after, before=before, v22=v22)
    rows = list(conn.execute(statement))
    if before is not None:
        rows.reverse()
    return [StoredEvent(int(r.seq), bool(r.retracted), r.event_json) for r in rows]


def exists_beyond(
    conn: Connection, where: EventFilter, *, seq: int, forward: bool, v22: bool = False
) -> bool:
    """Whether any matching event lies after (``forward``) or before ``seq``."""
    bound = _keyset(conn, events.seq > seq if forward else events.seq < seq)
    query = select(events.seq).where(*_criteria(where, v22=v22), bound).limit(1)
    return conn.execute(query).first() is not None


@dataclass(frozen=True, slots=True)
class PageOrder:
    """The order of a listing: by ``seq`` (the order the node stored the events), or by
    ``updated_at_us`` (TNT 2.2 ``eventCreatedDateTime``) with ``seq`` breaking ties; ascending
    unless ``descending``. Both are keysets: a page starts strictly beyond a ``Position``."""

    by_updated: bool = False
    descending: bool = False

    @property
    def width(self) -> int:
        """How many integers a ``Position`` in this order holds."""
        return 2 if self.by_updated else 1

    def position(self, seq: int, updated_at_us: int | None) -> Position:
        return (int(updated_at_us or 0), int(seq)) if self.by_updated else (int(seq),)


@dataclass(frozen=True, slots=True)
class PagedEvent:
    """One stored event of a listing: its position in the listing's order, its JSON text."""

    position: Position
    event_json: str


def _beyond(conn: Connection, order: PageOrder, start: Position, upward: bool) -> Any:
    """Rows strictly beyond ``start``, up (``upward``) or down the order's columns.

    ``(updated, seq) > (u, s)`` is written ``updated >= u AND (updated > u OR seq > s)``: its first
    term is a range of the ``updated_at_us`` index on both databases."""
    if not order.by_updated:
        (seq,) = start
        return _keyset(conn, events.seq > seq if upward else events.seq < seq)
    updated, seq = start
    column = events.updated_at_us
    if upward:
        return (column >= updated) & ((column > updated) | (events.seq > seq))
    return (column <= updated) & ((column < updated) | (events.seq < seq))


def walk_statement(
    conn: Connection,
    where: EventFilter,
    order: PageOrder,
    *,
    limit: int,
    start: Position = (),
    forward: bool = True,
    v22: bool = False,
) -> Select[Any]:
    """The query of ``walk_events``."""
    if start and len(start) != order.width:
        raise NodeError(f"internal: a position of {len(start)} values in an order of {order.width}")
    upward = forward != order.descending
    query = select(events.seq, events.updated_at_us, events.event_json)
    query = query.where(*_criteria(where, v22=v22))
    columns = [events.seq]
    if order.by_updated:
        query = query.where(events.updated_at_us.is_not(None))
        columns.insert(0, events.updated_at_us)
    if start:
        query = query.where(_beyond(conn, order, start, upward))
    return query.order_by(*(c if upward else c.desc() for c in columns)).limit(limit)


def walk_events(
    conn: Connection,
    where: EventFilter,
    order: PageOrder,
    *,
    limit: int,
    start: Position = (),
    forward: bool = True,
    v22: bool = False,
) -> list[PagedEvent]:
    """Up to ``limit`` matching events strictly beyond ``start`` in ``order``, in the order met:
    ``forward`` walks down the listing (from its first event when ``start`` is empty), otherwise
    back up it (from its last). With ``by_updated``, events without ``updated_at_us`` (only
    retraction markers can lack it) are not listed."""
    statement = walk_statement(
        conn, where, order, limit=limit, start=start, forward=forward, v22=v22
    )
    return [
        PagedEvent(order.position(r.seq, r.updated_at_us), r.event_json)
        for r in conn.execute(statement)
    ]


def get_events(conn: Connection, event_id: str) -> list[StoredEvent]:
    """Every stored event with this ``eventID`` (one per originating-party set), oldest first."""
    event_key, _ = key_of(event_id, "")
    query = (
        select(events.seq, events.retracted, events.event_json)
        .where(events.event_key == event_key, events.event_id == event_id)
        .order_by(events.seq)
    )
    return [StoredEvent(int(r.seq), bool(r.retracted), r.event_json) for r in conn.execute(query)]
