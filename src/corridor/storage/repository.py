"""Reading and writing the node's rows. The only module (with ``engine``) that speaks SQL.

Functions take an open ``Connection`` so the unit of work (``services.writer``) decides where a
transaction begins and ends. The log writer's per-batch statements (updating records, appending
entries, moving the head) are in ``storage.hot_log``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
)

from corridor.domain.party import CodeScheme, IdentifyingCode, Party, Role
from corridor.domain.title import ActionCode, BillKind, Status, TitleRecord
from corridor.storage import tables


@dataclass(frozen=True)
class KeyRow:
    kid: str
    party_id: str
    public_key: bytes
    custody: str
    encrypted_private_key: bytes | None


@dataclass(frozen=True)
class RegisterRow:
    """A title record and the hash of the last entry that produced it."""

    record: TitleRecord
    last_entry_hash: str


@dataclass(frozen=True)
class EntryRow:
    leaf_index: int
    document_reference: str
    sequence: int
    action_code: str
    actor: str
    recipient: str | None
    kid: str
    jws: str
    entry_hash: str
    leaf_hash: bytes
    created_at: datetime


# Parties and keys ---------------------------------------------------------------------------


def insert_party(conn: Connection, party: Party, created_at: datetime) -> None:
    conn.execute(
        insert(tables.parties).values(
            party_id=party.party_id,
            name=party.name,
            roles=",".join(sorted(party.roles)),
            platform=party.platform,
            created_at=created_at,
        )
    )
    for code in party.codes:
        conn.execute(
            insert(tables.party_codes).values(
                party_id=party.party_id, scheme=str(code.scheme), value=code.value
            )
        )


def _party_from_row(conn: Connection, row: Row[Any]) -> Party:
    party_id: str = row.party_id
    codes = conn.execute(
        select(tables.party_codes.c.scheme, tables.party_codes.c.value)
        .where(tables.party_codes.c.party_id == party_id)
        .order_by(tables.party_codes.c.scheme)
    ).all()
    return Party(
        party_id=party_id,
        name=row.name,
        roles=frozenset(Role(r) for r in row.roles.split(",") if r),
        codes=tuple(IdentifyingCode(CodeScheme(c.scheme), c.value) for c in codes),
        platform=row.platform,
    )


def get_party(conn: Connection, party_id: str) -> Party | None:
    row = conn.execute(select(tables.parties).where(tables.parties.c.party_id == party_id)).first()
    return None if row is None else _party_from_row(conn, row)


def find_party(conn: Connection, id_or_name: str) -> Party | None:
    """By id, or by name: exactly, or ignoring case (SQLite's lower() folds only ASCII)."""
    query = select(tables.parties).where(
        or_(
            tables.parties.c.party_id == id_or_name,
            tables.parties.c.name == id_or_name,
            func.lower(tables.parties.c.name) == id_or_name.lower(),
        )
    )
    row = conn.execute(query).first()
    return None if row is None else _party_from_row(conn, row)


def parties_by_id_or_code(
    conn: Connection, platform: str, values: Collection[str], schemes: Collection[CodeScheme]
) -> dict[str, Party]:
    """The parties of ``platform`` whose id, or whose code under one of ``schemes``, is one of
    ``values``: an indexed look-up, so matching one name does not read every party."""
    coded = select(tables.party_codes.c.party_id).where(
        tables.party_codes.c.scheme.in_([str(scheme) for scheme in schemes]),
        tables.party_codes.c.value.in_(list(values)),
    )
    query = select(tables.parties).where(
        tables.parties.c.platform == platform,
        or_(tables.parties.c.party_id.in_(list(values)), tables.parties.c.party_id.in_(coded)),
    )
    return {row.party_id: _party_from_row(conn, row) for row in conn.execute(query)}


def list_parties(conn: Connection) -> list[Party]:
    rows = conn.execute(select(tables.parties).order_by(tables.parties.c.created_at)).all()
    return [_party_from_row(conn, row) for row in rows]


def party_id_taken(conn: Connection, party_id: str) -> bool:
    query = select(tables.parties.c.party_id).where(tables.parties.c.party_id == party_id)
    return conn.execute(query).first() is not None


def code_owner(conn: Connection, code: IdentifyingCode) -> str | None:
    query = select(tables.party_codes.c.party_id).where(
        tables.party_codes.c.scheme == str(code.scheme),
        tables.party_codes.c.value == code.value,
    )
    return conn.execute(query).scalar_one_or_none()


def insert_key(conn: Connection, key: KeyRow, created_at: datetime) -> None:
    conn.execute(
        insert(tables.party_keys).values(
            kid=key.kid,
            party_id=key.party_id,
            public_key=key.public_key,
            custody=key.custody,
            encrypted_private_key=key.encrypted_private_key,
            created_at=created_at,
        )
    )


def _key_from_row(row: Row[Any]) -> KeyRow:
    return KeyRow(
        kid=row.kid,
        party_id=row.party_id,
        public_key=bytes(row.public_key),
        custody=row.custody,
        encrypted_private_key=(
            None if row.encrypted_private_key is None else bytes(row.encrypted_private_key)
        ),
    )


def get_key(conn: Connection, kid: str) -> KeyRow | None:
    row = conn.execute(select(tables.party_keys).where(tables.party_keys.c.kid == kid)).first()
    return None if row is None else _key_from_row(row)


def keys_of(conn: Connection, party_id: str) -> list[KeyRow]:
    query = (
        select(tables.party_keys)
        .where(tables.party_keys.c.party_id == party_id)
        .order_by(tables.party_keys.c.created_at)
    )
    return [_key_from_row(row) for row in conn.execute(query).all()]


def all_keys(conn: Connection) -> list[KeyRow]:
    return [_key_from_row(row) for row in conn.execute(select(tables.party_keys)).all()]


# Documents and the register ----------------------------------------------------------------


def insert_document(
    conn: Connection, reference: str, checksum: str, canonical: bytes, created_at: datetime
) -> None:
    conn.execute(
        insert(tables.documents).values(
            reference=reference, checksum=checksum, canonical_json=canonical, created_at=created_at
        )
    )


def get_document(conn: Connection, reference: str) -> bytes | None:
    query = select(tables.documents.c.canonical_json).where(
        tables.documents.c.reference == reference
    )
    value = conn.execute(query).scalar_one_or_none()
    return None if value is None else bytes(value)


def document_with_checksum(conn: Connection, checksum: str) -> str | None:
    query = select(tables.documents.c.reference).where(tables.documents.c.checksum == checksum)
    return conn.execute(query).scalar_one_or_none()


def record_from_row(row: Row[Any]) -> RegisterRow:
    pending = row.pending_code
    record = TitleRecord(
        document_reference=row.reference,
        document_checksum=row.checksum,
        carrier=row.carrier,
        kind=BillKind(row.kind),
        status=Status(row.status),
        possessor=row.possessor,
        consignee=row.consignee,
        endorsee=row.endorsee,
        may_endorse=bool(row.may_endorse),
        pending_surrenderer=row.pending_surrenderer,
        pending_code=None if pending is None else ActionCode(pending),
        version=int(row.version),
    )
    return RegisterRow(record, row.last_entry_hash)


def register_query() -> Select[Any]:
    return select(tables.title_records, tables.documents.c.checksum).join(
        tables.documents, tables.documents.c.reference == tables.title_records.c.reference
    )


_GET_TITLE = register_query().where(tables.title_records.c.reference == bindparam("ref"))
_GET_TITLE_FOR_UPDATE = _GET_TITLE.with_for_update(of=tables.title_records)


def get_title(conn: Connection, reference: str, *, for_update: bool = False) -> RegisterRow | None:
    locking = for_update and conn.dialect.name == "postgresql"
    query = _GET_TITLE_FOR_UPDATE if locking else _GET_TITLE
    row = conn.execute(query, {"ref": reference}).first()
    return None if row is None else record_from_row(row)


def list_titles(
    conn: Connection, *, party_id: str | None = None, status: Status | None = None
) -> list[RegisterRow]:
    query = register_query()
    if party_id is not None:
        c = tables.title_records.c
        query = query.where(
            or_(c.possessor == party_id, c.carrier == party_id, c.endorsee == party_id)
        )
    if status is not None:
        query = query.where(tables.title_records.c.status == str(status))
    rows = conn.execute(query.order_by(tables.title_records.c.reference)).all()
    return [record_from_row(row) for row in rows]


def _record_values(row: RegisterRow) -> dict[str, object]:
    r = row.record
    return {
        "carrier": r.carrier,
        "kind": str(r.kind),
        "status": str(r.status),
        "possessor": r.possessor,
        "consignee": r.consignee,
        "endorsee": r.endorsee,
        "may_endorse": r.may_endorse,
        "pending_surrenderer": r.pending_surrenderer,
        "pending_code": None if r.pending_code is None else str(r.pending_code),
        "version": r.version,
        "last_entry_hash": row.last_entry_hash,
    }


def insert_title(conn: Connection, row: RegisterRow) -> None:
    values = _record_values(row)
    conn.execute(
        insert(tables.title_records).values(reference=row.record.document_reference, **values)
    )


# The log -----------------------------------------------------------------------------------


def entry_from_row(row: Row[Any]) -> EntryRow:
    return EntryRow(
        leaf_index=int(row.leaf_index),
        document_reference=row.document_reference,
        sequence=int(row.sequence),
        action_code=row.action_code,
        actor=row.actor,
        recipient=row.recipient,
        kid=row.kid,
        jws=row.jws,
        entry_hash=row.entry_hash,
        leaf_hash=bytes(row.leaf_hash),
        created_at=row.created_at,
    )


def entries_of(conn: Connection, reference: str) -> list[EntryRow]:
    query = (
        select(tables.entries)
        .where(tables.entries.c.document_reference == reference)
        .order_by(tables.entries.c.sequence)
    )
    return [entry_from_row(row) for row in conn.execute(query).all()]


def entries_from(conn: Connection, start: int, limit: int) -> list[EntryRow]:
    """Up to ``limit`` entries from leaf index ``start`` on, in log order."""
    query = (
        select(tables.entries)
        .where(tables.entries.c.leaf_index >= start)
        .order_by(tables.entries.c.leaf_index)
        .limit(limit)
    )
    return [entry_from_row(row) for row in conn.execute(query).all()]


def iter_entries(conn: Connection, batch: int = 5000) -> Iterator[EntryRow]:
    """Every entry in log order, read in pages."""
    start = 0
    while rows := entries_from(conn, start, batch):
        yield from rows
        start = rows[-1].leaf_index + 1


def leaf_hashes_from(conn: Connection, start: int) -> list[bytes]:
    query = (
        select(tables.entries.c.leaf_hash)
        .where(tables.entries.c.leaf_index >= start)
        .order_by(tables.entries.c.leaf_index)
    )
    return [bytes(h) for h in conn.execute(query).scalars().all()]


def read_log_head(conn: Connection) -> tuple[int, bytes]:
    row = conn.execute(select(tables.log_head).where(tables.log_head.c.id == 1)).one()
    return int(row.size), bytes(row.root_hash)


def save_checkpoint(conn: Connection, size: int, note: str, created_at: datetime) -> None:
    conn.execute(delete(tables.checkpoints).where(tables.checkpoints.c.size == size))
    conn.execute(insert(tables.checkpoints).values(size=size, note=note, created_at=created_at))


def checkpoint_notes(conn: Connection) -> list[tuple[int, str]]:
    query = select(tables.checkpoints.c.size, tables.checkpoints.c.note).order_by(
        tables.checkpoints.c.size
    )
    return [(int(r.size), r.note) for r in conn.execute(query).all()]


def get_setting(conn: Connection, key: str) -> str | None:
    query = select(tables.node_settings.c.value).where(tables.node_settings.c.key == key)
    return conn.execute(query).scalar_one_or_none()


def put_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(delete(tables.node_settings).where(tables.node_settings.c.key == key))
    conn.execute(insert(tables.node_settings).values(key=key, value=value))
