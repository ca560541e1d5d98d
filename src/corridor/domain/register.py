"""What one entry does to the register: the single rule every replay of the log uses.

The writer, the audit and the offline bundle check all rebuild a record entry by entry with
``next_record``, so they cannot disagree about what an ``ISSUE``, an action or one of the node's
own ``IMPORT`` / ``EXPORT`` / ``RETURN`` entries means (invariant 5).
"""

from __future__ import annotations

from corridor.domain import title
from corridor.domain.entry import EntryPayload
from corridor.domain.title import ActionCode, TitleRecord
from corridor.errors import TransitionError


def next_record(previous: TitleRecord | None, payload: EntryPayload) -> TitleRecord:
    """The record after ``payload``; ``TitleError`` if the rules refuse it."""
    code, ref = payload.action_code, payload.document_reference
    if code is ActionCode.IMPORT:
        assert payload.title_state is not None  # EntryPayload.check_shape
        return title.import_record(previous, ref, payload.document_checksum, payload.title_state)
    if previous is None:
        if code is not ActionCode.ISSUE or payload.issue_terms is None:
            raise TransitionError(f"the first entry of {ref} must be an ISSUE or an IMPORT")
        return title.issue(ref, payload.document_checksum, payload.action, payload.issue_terms)
    if code is ActionCode.EXPORT:
        return title.mark_exported(previous)
    if code is ActionCode.RETURN:
        if payload.recipient is None:
            raise TransitionError(f"the RETURN of {ref} names no party to return it to")
        return title.return_export(previous, payload.recipient)
    return title.apply(previous, payload.action)
