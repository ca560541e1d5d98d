"""Rows of PINT transfers: chain entries, envelopes received and sent, documents, parties.

Chain entries are kept exactly as received or signed (their checksum is over those bytes), in
chain order per transport document. An outbound envelope is stored before it is first sent and
resent byte for byte (PINT notes §7 pitfall 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from corridor.storage.access import as_utc
from corridor.storage.tables import (
    parties,
    pint_chain_entries,
    pint_documents,
    pint_inbound,
    pint_outbox,
    pint_parties,
    title_records,
)


@dataclass(frozen=True)
class ChainEntryRow:
    checksum: str
    position: int
    jws: str
    platform: str
    local_sequence: int


@dataclass(frozen=True)
class InboundRow:
    envelope_reference: str
    td_checksum: str
    last_checksum: str
    envelope: str
    missing: str
    status: str
    response: str | None


@dataclass(frozen=True)
class OutboxRow:
    outbox_id: str
    document_reference: str
    platform: str
    envelope: str
    last_checksum: str
    local_sequence: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    response_code: str | None
    created_at: datetime
    updated_at: datetime


# Chain entries ------------------------------------------------------------------------------


def chain_of(conn: Connection, td_checksum: str) -> list[ChainEntryRow]:
    rows = conn.execute(
        select(
            pint_chain_entries.c.checksum,
            pint_chain_entries.c.position,
            pint_chain_entries.c.jws,
            pint_chain_entries.c.platform,
            pint_chain_entries.c.local_sequence,
        )
        .where(pint_chain_entries.c.td_checksum == td_checksum)
        .order_by(pint_chain_entries.c.position)
    )
    return [ChainEntryRow(*row) for row in rows]


def add_chain_entries(
    conn: Connection,
    td_checksum: str,
    entries: Sequence[tuple[str, str, str]],
    local_sequence: int,
    now: datetime,
) -> None:
    """Store ``(checksum, jws, platform)`` entries of a chain not stored yet, in chain order."""
    held = {row.checksum for row in chain_of(conn, td_checksum)}
    rows = [
        {
            "checksum": checksum,
            "td_checksum": td_checksum,
            "position": position,
            "jws": jws,
            "platform": platform,
            "local_sequence": local_sequence,
            "created_at": now,
        }
        for position, (checksum, jws, platform) in enumerate(entries)
        if checksum not in held
    ]
    if rows:
        conn.execute(insert(pint_chain_entries), rows)


# Envelopes received -------------------------------------------------------------------------


def insert_inbound(conn: Connection, row: InboundRow, now: datetime) -> None:
    conn.execute(insert(pint_inbound).values(**row.__dict__, created_at=now))


def get_inbound(conn: Connection, reference: str) -> InboundRow | None:
    found = conn.execute(
        select(*[pint_inbound.c[name] for name in InboundRow.__dataclass_fields__]).where(
            pint_inbound.c.envelope_reference == reference
        )
    ).first()
    return None if found is None else InboundRow(*found)


def set_inbound(conn: Connection, reference: str, **values: Any) -> None:
    conn.execute(
        update(pint_inbound).where(pint_inbound.c.envelope_reference == reference).values(**values)
    )


def close_open_inbound(conn: Connection, td_checksum: str) -> None:
    """A new start for a document replaces its open transfer (PINT notes §3 step 12)."""
    conn.execute(
        update(pint_inbound)
        .where(pint_inbound.c.td_checksum == td_checksum, pint_inbound.c.status == "open")
        .values(status="replaced")
    )


def accepted_inbound(conn: Connection, last_checksum: str) -> InboundRow | None:
    found = conn.execute(
        select(*[pint_inbound.c[name] for name in InboundRow.__dataclass_fields__]).where(
            pint_inbound.c.last_checksum == last_checksum, pint_inbound.c.status == "accepted"
        )
    ).first()
    return None if found is None else InboundRow(*found)


# Supporting documents -----------------------------------------------------------------------


def held_documents(conn: Connection, checksums: Iterable[str]) -> set[str]:
    wanted = list(checksums)
    if not wanted:
        return set()
    rows = conn.execute(
        select(pint_documents.c.checksum).where(pint_documents.c.checksum.in_(wanted))
    )
    return set(rows.scalars())


def add_document(
    conn: Connection, checksum: str, name: str, media_type: str, content: bytes, now: datetime
) -> None:
    if held_documents(conn, [checksum]):
        return
    conn.execute(
        insert(pint_documents).values(
            checksum=checksum,
            name=name,
            media_type=media_type,
            size=len(content),
            content=content,
            created_at=now,
        )
    )


def document_content(conn: Connection, checksum: str) -> bytes | None:
    found = conn.execute(
        select(pint_documents.c.content).where(pint_documents.c.checksum == checksum)
    ).scalar()
    return None if found is None else bytes(found)


# Envelopes sent -----------------------------------------------------------------------------


def insert_outbox(conn: Connection, row: OutboxRow) -> None:
    conn.execute(insert(pint_outbox).values(**row.__dict__))


def _outbox(found: Any) -> OutboxRow:
    row = OutboxRow(*found)
    return OutboxRow(
        **{
            **row.__dict__,
            "next_attempt_at": as_utc(row.next_attempt_at),
            "created_at": as_utc(row.created_at),
            "updated_at": as_utc(row.updated_at),
        }
    )


_OUTBOX_COLUMNS = [pint_outbox.c[name] for name in OutboxRow.__dataclass_fields__]


def pending_outbox(conn: Connection, due_by: datetime | None = None) -> list[OutboxRow]:
    query = select(*_OUTBOX_COLUMNS).where(pint_outbox.c.status == "pending")
    if due_by is not None:
        query = query.where(pint_outbox.c.next_attempt_at <= due_by)
    return [_outbox(row) for row in conn.execute(query.order_by(pint_outbox.c.created_at))]


def outbox_of(conn: Connection, reference: str) -> list[OutboxRow]:
    query = (
        select(*_OUTBOX_COLUMNS)
        .where(pint_outbox.c.document_reference == reference)
        .order_by(pint_outbox.c.created_at)
    )
    return [_outbox(row) for row in conn.execute(query)]


def get_outbox(conn: Connection, outbox_id: str) -> OutboxRow | None:
    found = conn.execute(select(*_OUTBOX_COLUMNS).where(pint_outbox.c.outbox_id == outbox_id))
    row = found.first()
    return None if row is None else _outbox(row)


def set_outbox(conn: Connection, outbox_id: str, **values: Any) -> None:
    conn.execute(update(pint_outbox).where(pint_outbox.c.outbox_id == outbox_id).values(**values))


def count_outbox(conn: Connection, status: str) -> int:
    counted = conn.execute(
        select(func.count()).select_from(pint_outbox).where(pint_outbox.c.status == status)
    ).scalar()
    return int(counted or 0)


# Parties of other platforms, as their chains named them -------------------------------------


def pint_parties_on(conn: Connection, platform: str) -> list[tuple[str, str]]:
    """``(party id, PINT party JSON)`` of every party of ``platform`` met in a chain."""
    rows = conn.execute(
        select(pint_parties.c.party_id, pint_parties.c.pint_json).where(
            pint_parties.c.platform == platform
        )
    )
    return [(row[0], row[1]) for row in rows]


def pint_party_json(conn: Connection, party_id: str) -> str | None:
    found = conn.execute(
        select(pint_parties.c.pint_json).where(pint_parties.c.party_id == party_id)
    ).scalar()
    return None if found is None else str(found)


def add_pint_party(conn: Connection, party_id: str, platform: str, pint_json: str) -> None:
    conn.execute(
        insert(pint_parties).values(party_id=party_id, platform=platform, pint_json=pint_json)
    )


def latest_accepted_envelope(conn: Connection, td_checksum: str) -> str | None:
    """The envelope (as stored) of the last transfer of this document accepted here."""
    found = conn.execute(
        select(pint_inbound.c.envelope)
        .where(pint_inbound.c.td_checksum == td_checksum, pint_inbound.c.status == "accepted")
        .order_by(pint_inbound.c.created_at.desc())
        .limit(1)
    ).scalar()
    return None if found is None else str(found)


def stranded_exports(conn: Connection, platform: str) -> list[tuple[str, int]]:
    """``(reference, version)`` of live records a party of another platform holds that have
    no envelope for their current version: an export the node did not get to store."""
    possessor = parties.alias("possessor_party")
    query = (
        select(title_records.c.reference, title_records.c.version)
        .join(possessor, possessor.c.party_id == title_records.c.possessor)
        .where(
            possessor.c.platform != platform,
            title_records.c.status.in_(("ISSUED", "SURRENDER_PENDING")),
            ~select(pint_outbox.c.outbox_id)
            .where(
                pint_outbox.c.document_reference == title_records.c.reference,
                pint_outbox.c.local_sequence == title_records.c.version,
            )
            .exists(),
        )
    )
    return [(row[0], int(row[1])) for row in conn.execute(query)]
