"""The signed history of one eBL as a timeline, each entry re-verified for the reader.

Each entry's compact JWS is checked again, as it was signed, against the public key the node has
registered under the entry's ``kid``, and that key must belong to the entry's actor. The page
shows the result per entry (✓ verified / ✗ with the reason), so a reader does not have to take
the register's word for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.crypto.jws import verify_compact
from corridor.crypto.keys import PublicKey
from corridor.errors import CorridorError
from corridor.services.node import HistoryItem, Node
from corridor.storage import repository as repo
from corridor.storage.repository import EntryRow
from corridor.web import words


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


def check_signature(node: Node, row: EntryRow) -> tuple[bool, str]:
    """Whether ``row``'s JWS verifies under the actor's registered key, and why not."""
    with node.engine.connect() as conn:
        key = repo.get_key(conn, row.kid)
    if key is None:
        return False, f"no key {row.kid} is registered on this node"
    if key.party_id != row.actor:
        return False, "the signing key belongs to another party"
    try:
        verify_compact(row.jws, PublicKey(key.public_key))
    except (CorridorError, ValueError) as failure:
        return False, str(failure)
    return True, "signature verified with the actor's registered key"


def _when(item: HistoryItem) -> str:
    return item.payload.action_date_time.replace("T", " ").replace("Z", " UTC")


def timeline(node: Node, reference: str, names: dict[str, str]) -> list[TimelineEntry]:
    """The document's entries, oldest first, each with its signature checked."""
    entries = []
    for item in node.history(reference):
        row = item.row
        verified, why = check_signature(node, row)
        entries.append(
            TimelineEntry(
                sequence=row.sequence,
                code=row.action_code,
                action=words.done(row.action_code),
                actor=names.get(row.actor, row.actor),
                recipient="" if row.recipient is None else names.get(row.recipient, row.recipient),
                at=_when(item),
                entry_hash=row.entry_hash,
                leaf_index=row.leaf_index,
                verified=verified,
                why=why,
            )
        )
    return entries
