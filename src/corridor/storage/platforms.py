"""Rows of the platform registry: known PINT peers and their public keys.

A platform is never deleted, only marked removed (``removed_at``); adding it again brings the
row back. Its keys are deleted one by one (``delete_key``) or all at once when the platform is
removed, so a removed platform has no key that could verify anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from corridor.storage.access import as_utc
from corridor.storage.tables import platform_keys, platforms


@dataclass(frozen=True)
class PlatformRow:
    code: str
    name: str
    base_url: str
    created_at: datetime
    removed_at: datetime | None


@dataclass(frozen=True)
class PlatformKeyRow:
    kid: str
    platform_code: str
    pem: str
    key_type: str
    not_after: datetime | None
    created_at: datetime


def _platform(found: Row[Any]) -> PlatformRow:
    row = PlatformRow(**found._mapping)
    removed = None if row.removed_at is None else as_utc(row.removed_at)
    return PlatformRow(row.code, row.name, row.base_url, as_utc(row.created_at), removed)


def _key(found: Row[Any]) -> PlatformKeyRow:
    row = PlatformKeyRow(**found._mapping)
    not_after = None if row.not_after is None else as_utc(row.not_after)
    return PlatformKeyRow(
        row.kid, row.platform_code, row.pem, row.key_type, not_after, as_utc(row.created_at)
    )


def insert_platform(conn: Connection, row: PlatformRow) -> None:
    conn.execute(insert(platforms).values(**row.__dict__))


def reactivate_platform(conn: Connection, row: PlatformRow) -> None:
    """Bring back a removed platform under its old code, with a new name and URL."""
    conn.execute(
        update(platforms)
        .where(platforms.c.code == row.code)
        .values(name=row.name, base_url=row.base_url, created_at=row.created_at, removed_at=None)
    )


def get_platform(conn: Connection, code: str) -> PlatformRow | None:
    found = conn.execute(select(platforms).where(platforms.c.code == code)).first()
    return None if found is None else _platform(found)


def list_platforms(conn: Connection, *, include_removed: bool = False) -> list[PlatformRow]:
    query = select(platforms).order_by(platforms.c.code)
    if not include_removed:
        query = query.where(platforms.c.removed_at.is_(None))
    return [_platform(found) for found in conn.execute(query)]


def mark_removed(conn: Connection, code: str, at: datetime) -> bool:
    """Mark the platform removed and delete its keys; False if it was not active."""
    result = conn.execute(
        update(platforms)
        .where(platforms.c.code == code, platforms.c.removed_at.is_(None))
        .values(removed_at=at)
    )
    conn.execute(delete(platform_keys).where(platform_keys.c.platform_code == code))
    return result.rowcount == 1


def insert_key(conn: Connection, row: PlatformKeyRow) -> None:
    conn.execute(insert(platform_keys).values(**row.__dict__))


def get_key(conn: Connection, kid: str) -> PlatformKeyRow | None:
    found = conn.execute(select(platform_keys).where(platform_keys.c.kid == kid)).first()
    return None if found is None else _key(found)


def keys_of(conn: Connection, code: str) -> list[PlatformKeyRow]:
    rows = conn.execute(
        select(platform_keys)
        .where(platform_keys.c.platform_code == code)
        .order_by(platform_keys.c.created_at, platform_keys.c.kid)
    )
    return [_key(found) for found in rows]


def delete_key(conn: Connection, kid: str) -> bool:
    result = conn.execute(delete(platform_keys).where(platform_keys.c.kid == kid))
    return result.rowcount == 1
