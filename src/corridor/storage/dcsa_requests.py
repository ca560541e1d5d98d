"""Rows of DCSA EBL_ISS / EBL_SUR 3.0.3 requests and of the outbox that carries calls to peers.

* ``dcsa_issuance_received``: issuance requests this node (as the platform) accepted with 204;
  ``state`` RECEIVED until the request is processed, then ANSWERED with ``response_code``.
  ``claimed_until`` leases a row to one processor at a time (across threads and processes):
  it is claimed only once its lease has run out.
* ``dcsa_issuance_sent``: issuance requests this node (as a carrier's system) sent, and the
  platform's answer once it came.
* ``dcsa_surrender_sent``: surrender requests this node (as the platform) sent to a carrier's
  system; ``surrender_entry_hash`` (unique) is the surrender entry the request is about.
* ``dcsa_surrender_received``: surrender requests this node (as a carrier's system) received.
* ``dcsa_outbox``: one row per call to a peer, with the exact body to send; ``status`` PENDING
  until DELIVERED (2xx) or FAILED (a final refusal). A due row is claimed by moving its
  ``next_attempt_at`` forward only if it still holds the value read (a compare-and-set).

Answers are recorded with a compare-and-set as well (``... WHERE answered_at IS NULL``): of two
concurrent answers exactly one is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Row, Select, insert, select, update

from corridor.storage import delivery_state
from corridor.storage.access import as_utc
from corridor.storage.delivery_state import PENDING
from corridor.storage.tables import (
    dcsa_issuance_received,
    dcsa_issuance_sent,
    dcsa_outbox,
    dcsa_surrender_received,
    dcsa_surrender_sent,
)

RECEIVED = "RECEIVED"
ANSWERED = "ANSWERED"


_Row = TypeVar("_Row")


def _read(kind: type[_Row], found: Row[Any]) -> _Row:
    """``found`` as a ``kind``, its date-times in UTC (SQLite hands them back naive)."""
    values = found._mapping
    return kind(**{k: as_utc(v) if isinstance(v, datetime) else v for k, v in values.items()})


def _all(conn: Connection, kind: type[_Row], query: Select[Any]) -> list[_Row]:
    return [_read(kind, found) for found in conn.execute(query)]


def _by_key(conn: Connection, kind: type[_Row], key: Column[Any], value: object) -> _Row | None:
    """The row of ``key``'s table whose ``key`` (a unique column) is ``value``, or None."""
    found = conn.execute(select(key.table).where(key == value)).first()
    return None if found is None else _read(kind, found)


def _answer_once(conn: Connection, key: Column[str], reference: str, **answer: object) -> bool:
    """Record ``answer`` on the row of ``reference`` unless one was recorded (compare-and-set)."""
    table = key.table
    result = conn.execute(
        update(table).where(key == reference, table.c.answered_at.is_(None)).values(**answer)
    )
    return result.rowcount == 1


# The outbox ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    outbox_id: int
    platform_code: str
    method: str
    path: str
    body: str
    topic: str
    reference: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


def insert_outbox(
    conn: Connection,
    *,
    platform_code: str,
    method: str,
    path: str,
    body: str,
    topic: str,
    reference: str,
    now: datetime,
) -> int:
    """Queue one call, due now; returns its id."""
    result = conn.execute(
        insert(dcsa_outbox)
        .values(
            platform_code=platform_code,
            method=method,
            path=path,
            body=body,
            topic=topic,
            reference=reference,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .returning(dcsa_outbox.c.outbox_id)
    )
    outbox_id: int = result.scalar_one()
    return outbox_id


def get_outbox(conn: Connection, outbox_id: int) -> OutboxRow | None:
    return _by_key(conn, OutboxRow, dcsa_outbox.c.outbox_id, outbox_id)


def outbox_of(conn: Connection, topic: str, reference: str) -> list[OutboxRow]:
    """The calls queued for ``reference`` under ``topic``, oldest first."""
    return _all(
        conn,
        OutboxRow,
        select(dcsa_outbox)
        .where(dcsa_outbox.c.topic == topic, dcsa_outbox.c.reference == reference)
        .order_by(dcsa_outbox.c.outbox_id),
    )


def due_outbox(conn: Connection, now: datetime, limit: int) -> list[OutboxRow]:
    return _all(
        conn,
        OutboxRow,
        select(dcsa_outbox)
        .where(dcsa_outbox.c.status == PENDING, dcsa_outbox.c.next_attempt_at <= now)
        .order_by(dcsa_outbox.c.next_attempt_at, dcsa_outbox.c.outbox_id)
        .limit(limit),
    )


def claim_outbox(conn: Connection, row: OutboxRow, lease_until: datetime) -> bool:
    """Lease ``row`` to this caller: True only if nobody else moved it since it was read."""
    return delivery_state.claim(
        conn, dcsa_outbox, dcsa_outbox.c.outbox_id, row.outbox_id, row.attempts, lease_until
    )


def finish_outbox(
    conn: Connection,
    outbox_id: int,
    *,
    status: str,
    http_status: int | None,
    error: str | None,
    at: datetime,
) -> None:
    """Record a final outcome: DELIVERED or FAILED."""
    delivery_state.finish(
        conn,
        dcsa_outbox,
        dcsa_outbox.c.outbox_id,
        outbox_id,
        status=status,
        http_status=http_status,
        error=error,
        at=at,
    )


def retry_outbox(
    conn: Connection,
    outbox_id: int,
    *,
    http_status: int | None,
    error: str,
    next_attempt_at: datetime,
) -> None:
    delivery_state.retry(
        conn,
        dcsa_outbox,
        dcsa_outbox.c.outbox_id,
        outbox_id,
        http_status=http_status,
        error=error,
        next_attempt_at=next_attempt_at,
    )


# Issuance requests received (this node is the platform) ---------------------------------------


@dataclass(frozen=True)
class IssuanceReceivedRow:
    transport_document_reference: str
    carrier_code: str
    request: str
    state: str
    claimed_until: datetime
    response_code: str | None
    response: str | None
    received_at: datetime
    answered_at: datetime | None


def insert_issuance_received(
    conn: Connection, reference: str, carrier_code: str, request: str, now: datetime
) -> None:
    """Store an accepted request (``IntegrityError`` if the reference was used before)."""
    conn.execute(
        insert(dcsa_issuance_received).values(
            transport_document_reference=reference,
            carrier_code=carrier_code,
            request=request,
            state=RECEIVED,
            claimed_until=now,
            received_at=now,
        )
    )


def get_issuance_received(conn: Connection, reference: str) -> IssuanceReceivedRow | None:
    key = dcsa_issuance_received.c.transport_document_reference
    return _by_key(conn, IssuanceReceivedRow, key, reference)


def unprocessed_issuances(conn: Connection, now: datetime, limit: int) -> list[IssuanceReceivedRow]:
    table = dcsa_issuance_received
    return _all(
        conn,
        IssuanceReceivedRow,
        select(table)
        .where(table.c.state == RECEIVED, table.c.claimed_until <= now)
        .order_by(table.c.received_at)
        .limit(limit),
    )


def claim_issuance(conn: Connection, reference: str, now: datetime, lease_until: datetime) -> bool:
    """Lease an unprocessed request whose lease has run out; True if this caller got it."""
    table = dcsa_issuance_received
    result = conn.execute(
        update(table)
        .where(
            table.c.transport_document_reference == reference,
            table.c.state == RECEIVED,
            table.c.claimed_until <= now,
        )
        .values(claimed_until=lease_until)
    )
    return result.rowcount == 1


def answer_issuance(
    conn: Connection, reference: str, code: str, response: str, at: datetime
) -> bool:
    """Mark the request answered; False if it already was."""
    table = dcsa_issuance_received
    result = conn.execute(
        update(table)
        .where(table.c.transport_document_reference == reference, table.c.state == RECEIVED)
        .values(state=ANSWERED, response_code=code, response=response, answered_at=at)
    )
    return result.rowcount == 1


# Issuance requests sent (this node is a carrier's system) -------------------------------------


@dataclass(frozen=True)
class IssuanceSentRow:
    transport_document_reference: str
    platform_code: str
    outbox_id: int
    sent_at: datetime
    response_code: str | None
    response: str | None
    answered_at: datetime | None


def insert_issuance_sent(
    conn: Connection, reference: str, platform_code: str, outbox_id: int, now: datetime
) -> None:
    conn.execute(
        insert(dcsa_issuance_sent).values(
            transport_document_reference=reference,
            platform_code=platform_code,
            outbox_id=outbox_id,
            sent_at=now,
        )
    )


def get_issuance_sent(conn: Connection, reference: str) -> IssuanceSentRow | None:
    key = dcsa_issuance_sent.c.transport_document_reference
    return _by_key(conn, IssuanceSentRow, key, reference)


def answer_issuance_sent(
    conn: Connection, reference: str, code: str, response: str, at: datetime
) -> bool:
    """Record the platform's answer; False if one was recorded already."""
    key = dcsa_issuance_sent.c.transport_document_reference
    return _answer_once(conn, key, reference, response_code=code, response=response, answered_at=at)


# Surrender requests sent (this node is the platform) ------------------------------------------


@dataclass(frozen=True)
class SurrenderSentRow:
    surrender_request_reference: str
    transport_document_reference: str
    surrender_entry_hash: str
    request_code: str
    carrier_code: str
    sent_at: datetime
    action: str | None
    answer: str | None
    answered_at: datetime | None


def insert_surrender_sent(conn: Connection, row: SurrenderSentRow) -> None:
    conn.execute(insert(dcsa_surrender_sent).values(**row.__dict__))


def get_surrender_sent(conn: Connection, reference: str) -> SurrenderSentRow | None:
    key = dcsa_surrender_sent.c.surrender_request_reference
    return _by_key(conn, SurrenderSentRow, key, reference)


def surrender_sent_for_entry(conn: Connection, entry_hash: str) -> SurrenderSentRow | None:
    return _by_key(conn, SurrenderSentRow, dcsa_surrender_sent.c.surrender_entry_hash, entry_hash)


def surrenders_sent_of(conn: Connection, document_reference: str) -> list[SurrenderSentRow]:
    table = dcsa_surrender_sent
    return _all(
        conn,
        SurrenderSentRow,
        select(table)
        .where(table.c.transport_document_reference == document_reference)
        .order_by(table.c.sent_at),
    )


def answer_surrender_sent(
    conn: Connection, reference: str, action: str, answer: str, at: datetime
) -> bool:
    key = dcsa_surrender_sent.c.surrender_request_reference
    return _answer_once(conn, key, reference, action=action, answer=answer, answered_at=at)


# Surrender requests received (this node is a carrier's system) --------------------------------


@dataclass(frozen=True)
class SurrenderReceivedRow:
    surrender_request_reference: str
    transport_document_reference: str
    platform_code: str
    request: str
    received_at: datetime
    action: str | None
    answer: str | None
    answered_at: datetime | None


def insert_surrender_received(conn: Connection, row: SurrenderReceivedRow) -> None:
    """Store a request (``IntegrityError`` if its reference was used before)."""
    conn.execute(insert(dcsa_surrender_received).values(**row.__dict__))


def get_surrender_received(conn: Connection, reference: str) -> SurrenderReceivedRow | None:
    key = dcsa_surrender_received.c.surrender_request_reference
    return _by_key(conn, SurrenderReceivedRow, key, reference)


def list_surrenders_received(conn: Connection) -> list[SurrenderReceivedRow]:
    table = dcsa_surrender_received
    return _all(conn, SurrenderReceivedRow, select(table).order_by(table.c.received_at))


def answer_surrender_received(
    conn: Connection, reference: str, action: str, answer: str, at: datetime
) -> bool:
    key = dcsa_surrender_received.c.surrender_request_reference
    return _answer_once(conn, key, reference, action=action, answer=answer, answered_at=at)
