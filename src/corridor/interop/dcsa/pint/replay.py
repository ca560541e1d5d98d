"""Step 7 of the PINT receiver's checks: replay the chain's transactions with the title rules.

Every transaction of every entry, oldest first, is applied to a throwaway ``TitleRecord`` with
``corridor.domain.title``: ISSUE opens it, each later action must come from the possessor and be
allowed in the record's state, so "nothing after SACC" and "surrenders go to the issuing carrier"
follow from the table in ``domain/title.py``.

PINT parties have no Corridor ids, so the replay gives them throwaway ones: two parties are the
same if they are on the same platform and share an identifying code. The bill's terms come from
the transport document: ``isToOrder`` and its endorsee or consignee, matched to a chain party by
a shared identifying code. When that party cannot be matched the replay is lenient: it checks
possession only (as for a blank-endorsed bill), never refusing an envelope it cannot judge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corridor.domain.title import (
    Action,
    ActionCode,
    BillKind,
    IssueTerms,
    TitleRecord,
    apply,
    issue,
)
from corridor.errors import MalformedInputError, TitleError
from corridor.interop.dcsa.pint.parties import PintParty, parse_party
from corridor.interop.dcsa.pint.signatures import Refusal
from corridor.interop.dcsa.pint.verdict import ResponseCode

__all__ = ["replay_parties", "replay_transactions"]

_PINT_CODES = frozenset(code.value for code in ActionCode) - {ActionCode.VOID.value}
_ENDORSEMENTS = frozenset(
    {ActionCode.ENDORSE, ActionCode.ENDORSE_TO_ORDER, ActionCode.BLANK_ENDORSE}
)


@dataclass
class _Ids:
    """Throwaway party ids: one per distinct (platform, shared code) party."""

    parties: list[PintParty] = field(default_factory=list)

    def id_of(self, party: PintParty) -> str:
        for index, known in enumerate(self.parties):
            if known.shares_code_with(party):
                return f"p{index}"
        self.parties.append(party)
        return f"p{len(self.parties) - 1}"

    def matching(self, codes: object) -> str | None:
        wanted = _code_pairs(codes)
        found = {
            f"p{index}"
            for index, party in enumerate(self.parties)
            if wanted & {(c.provider, c.code) for c in party.codes}
        }
        return found.pop() if len(found) == 1 else None


def replay_transactions(
    entries: Sequence[Mapping[str, Any]], document: Mapping[str, Any], td_checksum: str
) -> TitleRecord:
    """Apply every transaction; ``Refusal(BENV)`` naming the first one the rules refuse."""
    return replay_parties(entries, document, td_checksum)[0]


def replay_parties(
    entries: Sequence[Mapping[str, Any]], document: Mapping[str, Any], td_checksum: str
) -> tuple[TitleRecord, dict[str, PintParty]]:
    """``replay_transactions``, and the PINT party behind each throwaway id in the record."""
    located = [
        (f"envelopeTransferChain[{e}].transactions[{t}]", transaction)
        for e, entry in enumerate(entries)
        for t, transaction in enumerate(entry["transactions"])
    ]
    ids = _Ids()
    actions = [(where, _action(where, raw, ids)) for where, raw in located]
    record: TitleRecord | None = None
    lenient = False
    straight = document.get("isToOrder") is not True
    for where, action in actions:
        if straight and action.code in _ENDORSEMENTS:
            raise Refusal(ResponseCode.BENV, f"{where}: a straight bill is never endorsed")
        try:
            if record is None:
                terms, lenient = _terms(document, ids)
                record = issue(_reference(document), td_checksum, action, terms)
            else:
                record = apply(record, _lenient(record, action) if lenient else action)
        except TitleError as exc:
            raise Refusal(ResponseCode.BENV, f"{where} ({action.code}): {exc}") from None
    assert record is not None  # entries and transactions are never empty after the schema step
    return record, {f"p{index}": party for index, party in enumerate(ids.parties)}


def _action(where: str, raw: Mapping[str, Any], ids: _Ids) -> Action:
    code = raw.get("actionCode")
    if code not in _PINT_CODES:
        raise Refusal(ResponseCode.BENV, f"{where}: unknown actionCode {code!r}")
    try:
        actor = ids.id_of(parse_party(raw["actor"]))
        recipient = raw.get("recipient")
        recipient_id = None if recipient is None else ids.id_of(parse_party(recipient))
    except MalformedInputError as exc:
        raise Refusal(ResponseCode.BENV, f"{where}: {exc}") from None
    return Action(ActionCode(code), actor, recipient_id)


def _terms(document: Mapping[str, Any], ids: _Ids) -> tuple[IssueTerms, bool]:
    """The bill's terms for the replay, and whether it must be lenient (see the module doc)."""
    parties = document.get("documentParties")
    parties = parties if isinstance(parties, Mapping) else {}
    if document.get("isToOrder") is True:
        endorsee = parties.get("endorsee")
        if endorsee is None:
            return IssueTerms(BillKind.BLANK_ENDORSED), False
        endorsee_id = ids.matching(endorsee.get("identifyingCodes"))
        if endorsee_id is not None:
            return IssueTerms(BillKind.TO_ORDER, endorsee=endorsee_id), False
    else:
        consignee = parties.get("consignee")
        codes = consignee.get("identifyingCodes") if isinstance(consignee, Mapping) else None
        consignee_id = ids.matching(codes)
        if consignee_id is not None:
            return IssueTerms(BillKind.STRAIGHT, consignee=consignee_id), False
    return IssueTerms(BillKind.BLANK_ENDORSED), True


def _lenient(record: TitleRecord, action: Action) -> Action:
    """In the lenient replay an endorsement is checked for possession only."""
    if action.code in _ENDORSEMENTS and record.kind is BillKind.BLANK_ENDORSED:
        return Action(ActionCode.SIGN, action.actor) if action.recipient is None else action
    return action


def _reference(document: Mapping[str, Any]) -> str:
    reference = document.get("transportDocumentReference")
    return reference if isinstance(reference, str) else "the transport document"


def _code_pairs(codes: object) -> set[tuple[str, str]]:
    if not isinstance(codes, list):
        return set()
    return {
        (code["codeListProvider"], code["partyCode"])
        for code in codes
        if isinstance(code, Mapping)
        and isinstance(code.get("codeListProvider"), str)
        and isinstance(code.get("partyCode"), str)
    }
