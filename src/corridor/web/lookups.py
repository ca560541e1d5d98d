"""Small read-only queries the pages need that the storage layer does not offer."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from corridor.storage import tables

_BATCH = 50


def fresh_reference(conn: Connection, prefix: str) -> str:
    """``prefix`` and the first free 4-digit number from (documents + 1), e.g. ``...0006``.

    Counts the documents and looks up a batch of candidates by primary key, instead of loading
    every reference on the node.
    """
    number = int(conn.execute(select(func.count()).select_from(tables.documents)).scalar_one()) + 1
    reference = tables.documents.c.reference
    while True:
        candidates = [f"{prefix}{n:04d}" for n in range(number, number + _BATCH)]
        taken = set(conn.execute(select(reference).where(reference.in_(candidates))).scalars())
        free = next((c for c in candidates if c not in taken), None)
        if free is not None:
            return free
        number += _BATCH
