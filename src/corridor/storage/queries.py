"""Read-side queries for the API and the web app: filtered, paged document lists, activity and
the next free demo reference.

Visibility is a rule of the register, not of the role: a party sees a document when it is the
issuing carrier, the current possessor, the endorsee, or it has acted or been named in one of the
document's entries. Pages are keyed on the document reference (a stable, unique order), so a
cursor stays valid while new documents are issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, exists, func, or_, select

from corridor.domain.title import Status
from corridor.storage import tables
from corridor.storage.repository import (
    EntryRow,
    RegisterRow,
    entry_from_row,
    record_from_row,
    register_query,
)

titles = tables.title_records.c
entries = tables.entries.c


@dataclass(frozen=True)
class DocumentFilter:
    """What to list. ``viewer`` None lists every document (the node operator)."""

    viewer: str | None = None
    status: Status | None = None
    possessor: str | None = None
    carrier: str | None = None
    pending_for: str | None = None
    after: str | None = None
    limit: int = 50


def _visible_to(party_id: str) -> Any:
    involved = exists().where(
        entries.document_reference == titles.reference,
        or_(entries.actor == party_id, entries.recipient == party_id),
    )
    return or_(
        titles.carrier == party_id,
        titles.possessor == party_id,
        titles.endorsee == party_id,
        involved,
    )


def _filtered(where: DocumentFilter) -> Select[Any]:
    query = register_query()
    if where.viewer is not None:
        query = query.where(_visible_to(where.viewer))
    if where.status is not None:
        query = query.where(titles.status == str(where.status))
    if where.possessor is not None:
        query = query.where(titles.possessor == where.possessor)
    if where.carrier is not None:
        query = query.where(titles.carrier == where.carrier)
    if where.pending_for is not None:
        query = query.where(
            titles.status == str(Status.SURRENDER_PENDING), titles.carrier == where.pending_for
        )
    return query


def list_documents(conn: Connection, where: DocumentFilter) -> list[RegisterRow]:
    """One page in reference order, starting after ``where.after``."""
    query = _filtered(where)
    if where.after is not None:
        query = query.where(titles.reference > where.after)
    rows = conn.execute(query.order_by(titles.reference).limit(where.limit)).all()
    return [record_from_row(row) for row in rows]


def count_documents(conn: Connection, where: DocumentFilter) -> int:
    inner = _filtered(where).subquery()
    return int(conn.execute(select(func.count()).select_from(inner)).scalar_one())


def may_see(conn: Connection, party_id: str, reference: str) -> bool:
    query = select(titles.reference).where(titles.reference == reference, _visible_to(party_id))
    return conn.execute(query).first() is not None


def recent_entries(conn: Connection, party_id: str | None, limit: int = 10) -> list[EntryRow]:
    """The latest entries the party acted in or was named in (all entries for the operator)."""
    query = select(tables.entries).order_by(entries.leaf_index.desc()).limit(limit)
    if party_id is not None:
        query = query.where(or_(entries.actor == party_id, entries.recipient == party_id))
    return [entry_from_row(row) for row in conn.execute(query).all()]


def latest_checkpoint(conn: Connection) -> tuple[int, str] | None:
    query = (
        select(tables.checkpoints.c.size, tables.checkpoints.c.note)
        .order_by(tables.checkpoints.c.size.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else (int(row.size), row.note)


def checkpoint_at(conn: Connection, size: int) -> str | None:
    query = select(tables.checkpoints.c.note).where(tables.checkpoints.c.size == size)
    note: str | None = conn.execute(query).scalar_one_or_none()
    return note


_REFERENCE_BATCH = 50


def fresh_reference(conn: Connection, prefix: str) -> str:
    """``prefix`` and the first free 4-digit number from (documents + 1), e.g. ``...0006``.

    Counts the documents and looks up a batch of candidates by primary key, instead of loading
    every reference on the node.
    """
    number = int(conn.execute(select(func.count()).select_from(tables.documents)).scalar_one()) + 1
    reference = tables.documents.c.reference
    while True:
        candidates = [f"{prefix}{n:04d}" for n in range(number, number + _REFERENCE_BATCH)]
        taken = set(conn.execute(select(reference).where(reference.in_(candidates))).scalars())
        free = next((c for c in candidates if c not in taken), None)
        if free is not None:
            return free
        number += _REFERENCE_BATCH
