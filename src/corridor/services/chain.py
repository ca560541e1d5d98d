"""Does an entry follow on from what the register holds? (Invariant 2.)"""

from __future__ import annotations

from corridor.domain.entry import EntryPayload
from corridor.errors import ChainError
from corridor.storage.repository import RegisterRow


def check_next_entry(current: RegisterRow, payload: EntryPayload) -> None:
    """Refuse an entry that does not extend the document's chain by exactly one."""
    record = current.record
    ref = record.document_reference
    if payload.document_checksum != record.document_checksum:
        raise ChainError(f"the entry names another document than {ref} (checksum differs)")
    if payload.sequence != record.version + 1:
        raise ChainError(
            f"the entry has sequence {payload.sequence} but {ref} expects {record.version + 1}; "
            "it was signed against an older state: fetch the document again and re-sign"
        )
    if payload.previous_entry_hash != current.last_entry_hash:
        raise ChainError(
            f"the entry's previousEntryHash does not match the last entry of {ref}; "
            "it may be a replay or signed against another history"
        )
