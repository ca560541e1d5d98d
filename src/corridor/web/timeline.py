"""The signed history of one eBL as a timeline, each entry re-verified for the reader.

Each entry's compact JWS is checked again, as it was signed, against the public key the node has
registered under the entry's ``kid``; that key must belong to the entry's signed actor. What the
timeline shows (action, actor, recipient, time) is read from the verified payload, never from
the database's columns. An entry is marked ✓ only if, besides the signature, the row's columns
agree with the payload, its stored hash is the hash of the signed entry, and it chains to the
entry before it (``previousEntryHash``; none for the first). Otherwise it is marked ✗ with the
reason, so a reader does not have to take the register's word for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.crypto.canonical import parse_json, sha256_hex
from corridor.crypto.jws import verify_compact
from corridor.crypto.keys import PublicKey
from corridor.domain.entry import EntryPayload
from corridor.errors import CorridorError
from corridor.services.node import Node
from corridor.storage import repository as repo
from corridor.storage.repository import EntryRow, KeyRow
from corridor.web import words

VERIFIED = "signature verified with the actor's registered key"


@dataclass(frozen=True)
class TimelineEntry:
    sequence: int
    code: str
    action: str
    actor: str
    recipient: str
    at: str
    entry_hash: str
    leaf_index: int
    verified: bool
    why: str

    @property
    def short_hash(self) -> str:
        return self.entry_hash[:12]


class _UnverifiedError(Exception):
    """Why an entry is not shown as verified."""


def signed_payload(key: KeyRow | None, row: EntryRow) -> EntryPayload:
    """The payload ``row`` was signed with, verified under ``key``; ``_UnverifiedError`` if not."""
    if key is None:
        raise _UnverifiedError(f"no key {row.kid} is registered on this node")
    try:
        _, body = verify_compact(row.jws, PublicKey(key.public_key))
        payload = EntryPayload.from_json(parse_json(body))
    except (CorridorError, ValueError) as failure:
        raise _UnverifiedError(str(failure)) from None
    if key.party_id != payload.actor:
        raise _UnverifiedError("the signing key belongs to another party")
    return payload


def disagreement(row: EntryRow, payload: EntryPayload, previous_hash: str | None) -> str | None:
    """How the stored row disagrees with what was signed, or None."""
    columns = (row.document_reference, row.sequence, row.action_code, row.actor, row.recipient)
    signed = (
        payload.document_reference,
        payload.sequence,
        str(payload.action_code),
        payload.actor,
        payload.recipient,
    )
    if columns != signed:
        return "the register's columns differ from the signed entry"
    if sha256_hex(row.jws.encode("ascii", errors="replace")) != row.entry_hash:
        return "the stored entry hash is not the hash of the signed entry"
    if payload.previous_entry_hash != previous_hash:
        if previous_hash is None:
            return "the first entry must not point to a previous entry"
        return "the entry does not chain to the entry before it"
    return None


def check_signature(node: Node, row: EntryRow) -> tuple[bool, str]:
    """Whether ``row``'s JWS verifies under the actor's registered key, and why not."""
    with node.engine.connect() as conn:
        key = repo.get_key(conn, row.kid)
    try:
        payload = signed_payload(key, row)
    except _UnverifiedError as failure:
        return False, str(failure)
    if payload.actor != row.actor:
        return False, "the signing key belongs to another party"
    return True, VERIFIED


def _shown(row: EntryRow, payload: EntryPayload | None, names: dict[str, str]) -> dict[str, str]:
    """What the timeline prints: from the signed payload, or the bare row if it did not verify."""
    if payload is None:
        actor, recipient, code = row.actor, row.recipient, row.action_code
        at = row.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    else:
        actor, recipient, code = payload.actor, payload.recipient, str(payload.action_code)
        at = payload.action_date_time.replace("T", " ").replace("Z", " UTC")
    return {
        "code": code,
        "action": words.done(code),
        "actor": names.get(actor, actor),
        "recipient": "" if recipient is None else names.get(recipient, recipient),
        "at": at,
    }


def _entry(
    row: EntryRow, key: KeyRow | None, previous_hash: str | None, names: dict[str, str]
) -> TimelineEntry:
    payload: EntryPayload | None = None
    try:
        payload = signed_payload(key, row)
        problem = disagreement(row, payload, previous_hash)
    except _UnverifiedError as failure:
        problem = str(failure)
    return TimelineEntry(
        sequence=row.sequence if payload is None else payload.sequence,
        entry_hash=row.entry_hash,
        leaf_index=row.leaf_index,
        verified=problem is None,
        why=problem or VERIFIED,
        **_shown(row, payload, names),
    )


def timeline(node: Node, reference: str, names: dict[str, str]) -> list[TimelineEntry]:
    """The document's entries, oldest first, each verified and checked against the chain."""
    with node.engine.connect() as conn:
        rows = repo.entries_of(conn, reference)
        keys = {kid: repo.get_key(conn, kid) for kid in {row.kid for row in rows}}
    entries = []
    previous_hash: str | None = None
    for row in rows:
        entries.append(_entry(row, keys[row.kid], previous_hash, names))
        previous_hash = row.entry_hash
    return entries
