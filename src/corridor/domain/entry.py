"""Action entries: the signed facts the register and the log are made of.

An entry's payload is a JSON object named in DCSA PINT 3.0.0's ``Transaction`` words
(``actionCode``, ``actor``, ``recipient``, ``actionDateTime``, ``reasonCode``, ``comments``) plus
what chains it (``documentReference``, ``documentChecksum``, ``sequence``, ``previousEntryHash``)
and, for ``ISSUE``, the terms the carrier fixes (``billKind``, ``consignee``, ``endorsee``).
Parties are named by their Corridor party id.

The payload is signed as the payload of a compact JWS (see ``crypto.jws``). The bytes that were
signed are kept and verified as received; an entry's hash is the SHA-256 of its compact JWS, as
PINT's ``EnvelopeTransferChainEntrySignedContentChecksum``. Entry *n* of a document carries the
hash of entry *n - 1* in ``previousEntryHash`` (``null`` for the ``ISSUE``), so an entry cannot be
replayed on another document, reordered or dropped without breaking the chain (invariant 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from corridor.domain.title import (
    NODE_ACTIONS,
    Action,
    ActionCode,
    BillKind,
    IssueTerms,
    Status,
    TitleState,
)
from corridor.errors import MalformedInputError

ENTRY_TYPE = "corridor-entry+jws"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_REASON_CODES = frozenset({"SWTP", "COD", "SWI"})
_E = TypeVar("_E", ActionCode, BillKind, Status)
_KEYS = frozenset(
    {
        "actionCode",
        "documentReference",
        "documentChecksum",
        "sequence",
        "previousEntryHash",
        "actor",
        "recipient",
        "actionDateTime",
        "platform",
        "billKind",
        "consignee",
        "endorsee",
        "reasonCode",
        "comments",
        "title",
        "pintChecksum",
    }
)
_TITLE_KEYS = frozenset(
    {
        "carrier",
        "billKind",
        "status",
        "possessor",
        "consignee",
        "endorsee",
        "mayEndorse",
        "pendingSurrenderer",
        "pendingCode",
    }
)
_MAX_LENGTHS = {
    "documentReference": 64,
    "actor": 64,
    "recipient": 64,
    "platform": 32,
    "consignee": 64,
    "endorsee": 64,
    "comments": 255,
    "carrier": 64,
    "possessor": 64,
    "pendingSurrenderer": 64,
}


def format_action_datetime(moment: datetime) -> str:
    """RFC 3339 UTC with milliseconds, as PINT's ``actionDateTime`` asks."""
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


@dataclass(frozen=True)
class EntryPayload:
    """The signed content of one action entry."""

    action_code: ActionCode
    document_reference: str
    document_checksum: str
    sequence: int
    previous_entry_hash: str | None
    actor: str
    recipient: str | None
    action_date_time: str
    platform: str
    issue_terms: IssueTerms | None = None
    reason_code: str | None = None
    comments: str | None = None
    title_state: TitleState | None = None
    pint_checksum: str | None = None

    @property
    def action(self) -> Action:
        return Action(self.action_code, self.actor, self.recipient)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "actionCode": str(self.action_code),
            "documentReference": self.document_reference,
            "documentChecksum": self.document_checksum,
            "sequence": self.sequence,
            "previousEntryHash": self.previous_entry_hash,
            "actor": self.actor,
            "recipient": self.recipient,
            "actionDateTime": self.action_date_time,
            "platform": self.platform,
        }
        if self.issue_terms is not None:
            out["billKind"] = str(self.issue_terms.kind)
            out["consignee"] = self.issue_terms.consignee
            out["endorsee"] = self.issue_terms.endorsee
        if self.reason_code is not None:
            out["reasonCode"] = self.reason_code
        if self.comments is not None:
            out["comments"] = self.comments
        if self.title_state is not None:
            out["title"] = _title_json(self.title_state)
        if self.pint_checksum is not None:
            out["pintChecksum"] = self.pint_checksum
        return out

    @classmethod
    def from_json(cls, data: Any) -> EntryPayload:
        """Read a payload, refusing anything that is not exactly an entry."""
        if not isinstance(data, dict):
            raise MalformedInputError("entry payload: expected a JSON object")
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise MalformedInputError(f"entry payload: unknown field(s) {', '.join(unknown)}")
        payload = cls(
            action_code=_enum(ActionCode, data, "actionCode"),
            document_reference=_text(data, "documentReference"),
            document_checksum=_hex(data, "documentChecksum"),
            sequence=_sequence(data),
            previous_entry_hash=_optional_hex(data, "previousEntryHash"),
            actor=_text(data, "actor"),
            recipient=_optional_text(data, "recipient"),
            action_date_time=_datetime(data),
            platform=_text(data, "platform"),
            issue_terms=_issue_terms(data),
            reason_code=_reason_code(data),
            comments=_optional_text(data, "comments"),
            title_state=_title_state(data.get("title")),
            pint_checksum=_optional_hex(data, "pintChecksum"),
        )
        payload.check_shape()
        return payload

    def check_shape(self) -> None:
        """Rules that hold for every entry whatever the register says."""
        is_issue = self.action_code is ActionCode.ISSUE
        if is_issue and self.sequence != 1:
            raise MalformedInputError("entry payload: ISSUE is exactly the entry with sequence 1")
        if self.sequence == 1 and self.action_code not in (ActionCode.ISSUE, ActionCode.IMPORT):
            raise MalformedInputError("entry payload: the first entry is an ISSUE or an IMPORT")
        is_import = self.action_code is ActionCode.IMPORT
        if is_import != (self.title_state is not None):
            raise MalformedInputError("entry payload: 'title' belongs to the IMPORT entry only")
        if (self.action_code in NODE_ACTIONS) != (self.pint_checksum is not None):
            raise MalformedInputError(
                "entry payload: 'pintChecksum' belongs to IMPORT, EXPORT and RETURN entries only"
            )
        if (self.previous_entry_hash is None) != (self.sequence == 1):
            raise MalformedInputError(
                "entry payload: previousEntryHash is null exactly for the first entry"
            )
        if is_issue != (self.issue_terms is not None):
            raise MalformedInputError("entry payload: billKind belongs to the ISSUE entry only")
        if self.reason_code is not None and self.action_code is not (
            ActionCode.SURRENDER_FOR_AMENDMENT
        ):
            raise MalformedInputError(
                "entry payload: reasonCode is only for SURRENDER_FOR_AMENDMENT"
            )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MalformedInputError(f"entry payload: '{key}' must be a non-empty string")
    limit = _MAX_LENGTHS.get(key)
    if limit is not None and len(value) > limit:
        raise MalformedInputError(f"entry payload: '{key}' is longer than {limit} characters")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(data, key)


def _hex(data: dict[str, Any], key: str) -> str:
    value = _text(data, key)
    if not _HEX64.match(value):
        raise MalformedInputError(f"entry payload: '{key}' must be 64 lowercase hex digits")
    return value


def _optional_hex(data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _hex(data, key)


def _enum(kind: type[_E], data: dict[str, Any], key: str) -> _E:
    value = _text(data, key)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise MalformedInputError(
            f"entry payload: '{key}' is {value!r}; expected one of {allowed}"
        ) from None


def _sequence(data: dict[str, Any]) -> int:
    value = data.get("sequence")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise MalformedInputError("entry payload: 'sequence' must be a positive integer")
    return value


def _datetime(data: dict[str, Any]) -> str:
    value = _text(data, "actionDateTime")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or format_action_datetime(parsed) != value:
        raise MalformedInputError(
            "entry payload: 'actionDateTime' must be RFC 3339 UTC with milliseconds, "
            "e.g. 2026-05-01T08:00:00.000Z"
        )
    return value


def _issue_terms(data: dict[str, Any]) -> IssueTerms | None:
    if data.get("billKind") is None:
        return None
    return IssueTerms(
        kind=_enum(BillKind, data, "billKind"),
        consignee=_optional_text(data, "consignee"),
        endorsee=_optional_text(data, "endorsee"),
    )


def _reason_code(data: dict[str, Any]) -> str | None:
    value = _optional_text(data, "reasonCode")
    if value is not None and value not in _REASON_CODES:
        raise MalformedInputError(
            f"entry payload: reasonCode {value!r} is not one of {', '.join(sorted(_REASON_CODES))}"
        )
    return value


def _title_json(state: TitleState) -> dict[str, Any]:
    return {
        "carrier": state.carrier,
        "billKind": str(state.kind),
        "status": str(state.status),
        "possessor": state.possessor,
        "consignee": state.consignee,
        "endorsee": state.endorsee,
        "mayEndorse": state.may_endorse,
        "pendingSurrenderer": state.pending_surrenderer,
        "pendingCode": None if state.pending_code is None else str(state.pending_code),
    }


def _title_state(data: Any) -> TitleState | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != _TITLE_KEYS:
        raise MalformedInputError(
            "entry payload: 'title' must be an object with exactly "
            + ", ".join(sorted(_TITLE_KEYS))
        )
    if not isinstance(data["mayEndorse"], bool):
        raise MalformedInputError("entry payload: 'title.mayEndorse' must be true or false")
    pending = data["pendingCode"]
    return TitleState(
        carrier=_text(data, "carrier"),
        kind=_enum(BillKind, data, "billKind"),
        status=_enum(Status, data, "status"),
        possessor=_text(data, "possessor"),
        consignee=_optional_text(data, "consignee"),
        endorsee=_optional_text(data, "endorsee"),
        may_endorse=data["mayEndorse"],
        pending_surrenderer=_optional_text(data, "pendingSurrenderer"),
        pending_code=None if pending is None else _enum(ActionCode, data, "pendingCode"),
    )
