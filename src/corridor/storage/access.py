"""Rows for who may call the node: API tokens, web sessions and idempotency keys.

Only hashes of secrets are stored. An idempotency key row is claimed (inserted without a response)
before the action runs and completed with the response afterwards; the primary key
``(principal, key)`` makes the claim atomic on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from corridor.storage.tables import api_tokens, idempotency_keys, web_sessions


@dataclass(frozen=True)
class TokenRow:
    token_id: str
    secret_hash: str
    party_id: str | None
    kind: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class IdempotencyRow:
    fingerprint: str
    status_code: int | None
    body: bytes | None
    created_at: datetime


def insert_token(conn: Connection, row: TokenRow) -> None:
    conn.execute(insert(api_tokens).values(**row.__dict__))


def get_token(conn: Connection, token_id: str) -> TokenRow | None:
    found = conn.execute(select(api_tokens).where(api_tokens.c.token_id == token_id)).first()
    return None if found is None else TokenRow(**found._mapping)


def tokens_of(conn: Connection, party_id: str | None) -> list[TokenRow]:
    column = api_tokens.c.party_id
    where = column.is_(None) if party_id is None else column == party_id
    rows = conn.execute(select(api_tokens).where(where).order_by(api_tokens.c.created_at))
    return [TokenRow(**row._mapping) for row in rows]


def revoke_token(conn: Connection, token_id: str, at: datetime) -> bool:
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return result.rowcount == 1


def insert_session(
    conn: Connection,
    session_hash: str,
    token: TokenRow,
    created: datetime,
    expires: datetime,
) -> None:
    conn.execute(
        insert(web_sessions).values(
            session_hash=session_hash,
            party_id=token.party_id,
            token_id=token.token_id,
            created_at=created,
            expires_at=expires,
        )
    )


def session_party(conn: Connection, session_hash: str, now: datetime) -> str | None:
    """The session's party, while the session and the sign-in link that opened it are valid."""
    found = conn.execute(
        select(web_sessions.c.party_id, web_sessions.c.expires_at, api_tokens.c.revoked_at)
        .join(api_tokens, api_tokens.c.token_id == web_sessions.c.token_id)
        .where(web_sessions.c.session_hash == session_hash)
    ).first()
    if found is None or found.revoked_at is not None or as_utc(found.expires_at) <= now:
        return None
    party_id: str = found.party_id
    return party_id


def delete_session(conn: Connection, session_hash: str) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.session_hash == session_hash))


def claim_idempotency_key(
    conn: Connection, principal: str, key: str, fingerprint: str, at: datetime
) -> IdempotencyRow | None:
    """Claim ``key`` for a new request; return the existing row instead if it was seen before."""
    existing = get_idempotency_key(conn, principal, key)
    if existing is not None:
        return existing
    try:
        with conn.begin_nested():
            conn.execute(
                insert(idempotency_keys).values(
                    principal=principal, key=key, fingerprint=fingerprint, created_at=at
                )
            )
    except IntegrityError:
        return get_idempotency_key(conn, principal, key)
    return None


def get_idempotency_key(conn: Connection, principal: str, key: str) -> IdempotencyRow | None:
    table = idempotency_keys
    found = conn.execute(
        select(table.c.fingerprint, table.c.status_code, table.c.body, table.c.created_at).where(
            table.c.principal == principal, table.c.key == key
        )
    ).first()
    return None if found is None else IdempotencyRow(**found._mapping)


def complete_idempotency_key(
    conn: Connection, principal: str, key: str, status_code: int, body: bytes
) -> None:
    table = idempotency_keys
    conn.execute(
        update(table)
        .where(table.c.principal == principal, table.c.key == key)
        .values(status_code=status_code, body=body)
    )


def release_idempotency_key(conn: Connection, principal: str, key: str) -> None:
    """Forget a claim whose request failed before it could change anything."""
    table = idempotency_keys
    conn.execute(
        delete(table).where(
            table.c.principal == principal, table.c.key == key, table.c.status_code.is_(None)
        )
    )


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time the node stores is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
