"""The title register's rules for one eBL: who controls it and what each action does.

Action codes and their meaning follow DCSA PINT 3.0.0, ``Transaction.actionCode``; Corridor adds
``VOID``. The three kinds of bill are those of the PINT introduction ("The eBL document"):

* **straight** (``isToOrder`` false): only possession moves; the named consignee surrenders.
* **to-order** (``isToOrder`` true with an endorsee): the endorsee who also possesses the bill may
  endorse it (``ENDORSE`` gives a final endorsee who cannot endorse further, ``ENDORSE_TO_ORDER``
  one who can) or endorse it in blank; the endorsee surrenders.
* **blank-endorsed** (``isToOrder`` true without an endorsee): a bearer bill; whoever possesses it
  may surrender it, or name an endorsee again by a special endorsement.

Invariant 1: at any instant exactly one party controls an active record, its *possessor*. While a
surrender is pending the carrier possesses the bill (PINT: ``SREJ`` returns possession to the
surrendering party), so "the carrier answering a pending surrender" is the possessor too.

Allowed transitions (P = possessor, C = issuing carrier, "-" = no recipient; all else is refused):

=======================  =================  =======================  ===========  ================
action                   status before      actor                    recipient    status after
=======================  =================  =======================  ===========  ================
ISSUE                    (no record)        C                        issue-to     ISSUED, P = rcpt
TRANSFER                 ISSUED             P                        another      ISSUED, P = rcpt
ENDORSE                  ISSUED             P, right to endorse      another      endorsee (1)
ENDORSE_TO_ORDER         ISSUED             P, right to endorse      another      endorsee (2)
BLANK_ENDORSE            ISSUED, to-order   P, right to endorse      -            blank-endorsed
SIGN                     ISSUED             P                        -            unchanged
SURRENDER_FOR_DELIVERY   ISSUED             P, the holder            C            SURRENDER_PENDING
SURRENDER_FOR_AMENDMENT  ISSUED             P (to-order: holder)     C            SURRENDER_PENDING
SACC                     SURRENDER_PENDING  C (the possessor)        surrenderer  SURRENDERED (3)
SREJ                     SURRENDER_PENDING  C (the possessor)        surrenderer  ISSUED, P = rcpt
VOID                     ISSUED             C, when it is P          -            VOID
=======================  =================  =======================  ===========  ================

(1) the new endorsee cannot endorse further; (2) it may; (3) or SURRENDERED_FOR_AMENDMENT.
A surrender makes C the possessor until it answers.

"The right to endorse": on a to-order bill, being the endorsee with ``may_endorse``; on a
blank-endorsed bill, possession alone. Straight bills are never endorsed. "The holder" who may
surrender for delivery: the consignee of a straight bill, the endorsee of a to-order bill, the
possessor of a blank-endorsed bill.

SURRENDERED, SURRENDERED_FOR_AMENDMENT, VOID and EXPORTED records are inert (invariant 3).

Crossing platforms (DCSA PINT; ADR 0007). An action whose recipient is a party of another
platform leaves that party the possessor, so no one on this node can act while the envelope is
in flight. The node then records the other platform's answer itself: ``EXPORT`` (accepted:
EXPORTED, inert) or ``RETURN`` (refused: possession returns to the sender, status ISSUED). An eBL
arriving from another platform is an ``IMPORT``: a new record, or an EXPORTED one coming back,
in the state the other platform's chain gives it (``TitleState``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from corridor.errors import NotControllerError, TransitionError


class ActionCode(StrEnum):
    """DCSA PINT 3.0.0 action codes, plus Corridor's ``VOID``."""

    ISSUE = "ISSUE"
    TRANSFER = "TRANSFER"
    ENDORSE = "ENDORSE"
    ENDORSE_TO_ORDER = "ENDORSE_TO_ORDER"
    BLANK_ENDORSE = "BLANK_ENDORSE"
    SIGN = "SIGN"
    SURRENDER_FOR_DELIVERY = "SURRENDER_FOR_DELIVERY"
    SURRENDER_FOR_AMENDMENT = "SURRENDER_FOR_AMENDMENT"
    SACC = "SACC"
    SREJ = "SREJ"
    VOID = "VOID"
    # Written by the node itself when an eBL crosses to or from another platform over PINT
    # (ADR 0007); never requested by a party and never sent to another platform.
    IMPORT = "IMPORT"
    EXPORT = "EXPORT"
    RETURN = "RETURN"


NODE_ACTIONS = frozenset({ActionCode.IMPORT, ActionCode.EXPORT, ActionCode.RETURN})
NOTIFICATIONS = frozenset({ActionCode.ENDORSE, ActionCode.ENDORSE_TO_ORDER, ActionCode.SACC})
"""Actions that, to a recipient on another platform, travel as a notification-only envelope:
PINT 3.0.0 ``actionCode`` says the envelope is then "merely used as notification for the
non-repudiation purposes" and does not transfer possession."""


class BillKind(StrEnum):
    STRAIGHT = "straight"
    TO_ORDER = "to-order"
    BLANK_ENDORSED = "blank-endorsed"


class Status(StrEnum):
    ISSUED = "ISSUED"
    SURRENDER_PENDING = "SURRENDER_PENDING"
    SURRENDERED = "SURRENDERED"
    SURRENDERED_FOR_AMENDMENT = "SURRENDERED_FOR_AMENDMENT"
    VOID = "VOID"
    EXPORTED = "EXPORTED"


INERT_STATUSES = frozenset(
    {Status.SURRENDERED, Status.SURRENDERED_FOR_AMENDMENT, Status.VOID, Status.EXPORTED}
)
ACTIONS_WITH_RECIPIENT = frozenset(
    {
        ActionCode.ISSUE,
        ActionCode.TRANSFER,
        ActionCode.ENDORSE,
        ActionCode.ENDORSE_TO_ORDER,
        ActionCode.SURRENDER_FOR_DELIVERY,
        ActionCode.SURRENDER_FOR_AMENDMENT,
        ActionCode.SACC,
        ActionCode.SREJ,
    }
)
SURRENDERS = frozenset({ActionCode.SURRENDER_FOR_DELIVERY, ActionCode.SURRENDER_FOR_AMENDMENT})


@dataclass(frozen=True)
class Action:
    """One requested action: who acts, on whom. Time, ids and signatures live in the entry."""

    code: ActionCode
    actor: str
    recipient: str | None = None


@dataclass(frozen=True)
class IssueTerms:
    """What the carrier fixes at issue: the kind of bill and its named parties (party ids)."""

    kind: BillKind
    consignee: str | None = None
    endorsee: str | None = None


@dataclass(frozen=True)
class TitleRecord:
    """The register's state for one eBL."""

    document_reference: str
    document_checksum: str
    carrier: str
    kind: BillKind
    status: Status
    possessor: str
    consignee: str | None
    endorsee: str | None
    may_endorse: bool
    pending_surrenderer: str | None = None
    pending_code: ActionCode | None = None
    version: int = 1

    @property
    def controller(self) -> str | None:
        """The one party that may act now, or ``None`` once the record is inert."""
        return None if self.status in INERT_STATUSES else self.possessor

    @property
    def holder(self) -> str | None:
        """The party entitled to take delivery if it possesses the bill."""
        if self.kind is BillKind.STRAIGHT:
            return self.consignee
        if self.kind is BillKind.TO_ORDER:
            return self.endorsee
        return self.possessor


def issue(
    document_reference: str, document_checksum: str, action: Action, terms: IssueTerms
) -> TitleRecord:
    """Open the record of a newly issued eBL (the ``ISSUE`` row of the table)."""
    if action.code is not ActionCode.ISSUE:
        raise TransitionError(f"the first action on {document_reference} must be ISSUE")
    if action.recipient is None:
        raise TransitionError("ISSUE needs a recipient (the issue-to party)")
    _check_terms(terms)
    return TitleRecord(
        document_reference=document_reference,
        document_checksum=document_checksum,
        carrier=action.actor,
        kind=terms.kind,
        status=Status.ISSUED,
        possessor=action.recipient,
        consignee=terms.consignee,
        endorsee=terms.endorsee,
        may_endorse=terms.kind is BillKind.TO_ORDER,
    )


def _check_terms(terms: IssueTerms) -> None:
    if terms.kind is BillKind.STRAIGHT and terms.consignee is None:
        raise TransitionError("a straight bill needs a consignee")
    if terms.kind is BillKind.TO_ORDER and terms.endorsee is None:
        raise TransitionError("a to-order bill needs an endorsee")
    if terms.kind is not BillKind.TO_ORDER and terms.endorsee is not None:
        raise TransitionError(f"a {terms.kind} bill has no endorsee")


def apply(record: TitleRecord, action: Action) -> TitleRecord:
    """Return the record after ``action``, or raise a ``TitleError`` leaving it unchanged."""
    _check_common(record, action)
    changes = _RULES[action.code](record, action)
    return replace(record, version=record.version + 1, **changes)


def _check_common(record: TitleRecord, action: Action) -> None:
    ref = record.document_reference
    if record.status in INERT_STATUSES:
        raise TransitionError(f"{ref} is {record.status}; no further actions are possible")
    if action.code in NODE_ACTIONS:
        raise TransitionError(f"{action.code} is recorded by the node, not requested by a party")
    if action.code is ActionCode.ISSUE:
        raise TransitionError(f"{ref} is already issued")
    if action.actor != record.possessor:
        raise NotControllerError(
            f"{action.actor} does not control {ref}; its controller is {record.possessor}"
        )
    needs_recipient = action.code in ACTIONS_WITH_RECIPIENT
    if needs_recipient and action.recipient is None:
        raise TransitionError(f"{action.code} needs a recipient")
    if not needs_recipient and action.recipient is not None:
        raise TransitionError(f"{action.code} takes no recipient")
    if needs_recipient and action.recipient == action.actor:
        raise TransitionError(f"{action.code}: the recipient must be another party")
    pending = record.status is Status.SURRENDER_PENDING
    answering = action.code in (ActionCode.SACC, ActionCode.SREJ)
    if pending and not answering:
        raise TransitionError(
            f"{ref} has a surrender pending; the carrier must accept (SACC) or reject (SREJ) it"
        )
    if answering and not pending:
        raise TransitionError(f"{ref} has no surrender pending to answer")


Changes = dict[str, Any]


def _transfer(record: TitleRecord, action: Action) -> Changes:
    return {"possessor": action.recipient}


def _check_may_endorse(record: TitleRecord, action: Action) -> None:
    ref = record.document_reference
    if record.kind is BillKind.STRAIGHT:
        raise TransitionError(f"{ref} is a straight bill and cannot be endorsed")
    if record.kind is BillKind.TO_ORDER:
        if record.endorsee != action.actor:
            raise TransitionError(
                f"only the endorsee ({record.endorsee}) may endorse {ref}, not {action.actor}"
            )
        if not record.may_endorse:
            raise TransitionError(
                f"{action.actor} was endorsed without the right to endorse {ref} further"
            )


def _endorse(record: TitleRecord, action: Action) -> Changes:
    _check_may_endorse(record, action)
    return {
        "kind": BillKind.TO_ORDER,
        "endorsee": action.recipient,
        "may_endorse": action.code is ActionCode.ENDORSE_TO_ORDER,
    }


def _blank_endorse(record: TitleRecord, action: Action) -> Changes:
    if record.kind is BillKind.BLANK_ENDORSED:
        raise TransitionError(f"{record.document_reference} is already endorsed in blank")
    _check_may_endorse(record, action)
    return {"kind": BillKind.BLANK_ENDORSED, "endorsee": None, "may_endorse": False}


def _sign(record: TitleRecord, action: Action) -> Changes:
    return {}


def _surrender(record: TitleRecord, action: Action) -> Changes:
    ref = record.document_reference
    if action.recipient != record.carrier:
        raise TransitionError(
            f"{ref} must be surrendered to its issuing carrier ({record.carrier}), "
            f"not {action.recipient}"
        )
    by_holder_only = (
        action.code is ActionCode.SURRENDER_FOR_DELIVERY or record.kind is BillKind.TO_ORDER
    )
    if by_holder_only and record.holder != action.actor:
        raise TransitionError(
            f"only the holder ({record.holder}) may surrender {ref} for "
            f"{'delivery' if action.code is ActionCode.SURRENDER_FOR_DELIVERY else 'amendment'}"
        )
    return {
        "status": Status.SURRENDER_PENDING,
        "possessor": record.carrier,
        "pending_surrenderer": action.actor,
        "pending_code": action.code,
    }


def _answer_surrender(record: TitleRecord, action: Action) -> Changes:
    ref = record.document_reference
    surrenderer = record.pending_surrenderer
    assert surrenderer is not None
    if action.recipient != surrenderer:
        raise TransitionError(f"the answer to {ref}'s surrender must go to {surrenderer}")
    cleared: Changes = {"pending_surrenderer": None, "pending_code": None}
    if action.code is ActionCode.SREJ:
        return cleared | {"status": Status.ISSUED, "possessor": surrenderer}
    if record.pending_code is ActionCode.SURRENDER_FOR_DELIVERY:
        return cleared | {"status": Status.SURRENDERED}
    return cleared | {"status": Status.SURRENDERED_FOR_AMENDMENT}


def _void(record: TitleRecord, action: Action) -> Changes:
    if action.actor != record.carrier:
        raise TransitionError(
            f"only the issuing carrier may void {record.document_reference}, "
            "and only while it holds the bill"
        )
    return {"status": Status.VOID}


_RULES = {
    ActionCode.TRANSFER: _transfer,
    ActionCode.ENDORSE: _endorse,
    ActionCode.ENDORSE_TO_ORDER: _endorse,
    ActionCode.BLANK_ENDORSE: _blank_endorse,
    ActionCode.SIGN: _sign,
    ActionCode.SURRENDER_FOR_DELIVERY: _surrender,
    ActionCode.SURRENDER_FOR_AMENDMENT: _surrender,
    ActionCode.SACC: _answer_surrender,
    ActionCode.SREJ: _answer_surrender,
    ActionCode.VOID: _void,
}


def mark_exported(record: TitleRecord) -> TitleRecord:
    """The receiving platform accepted the eBL (PINT RECE or DUPE); from now on it is inert here.

    The possessor stays the party on the other platform that now controls the eBL.
    """
    if record.status not in (Status.ISSUED, Status.SURRENDER_PENDING):
        raise TransitionError(f"{record.document_reference} is {record.status}; cannot export")
    return replace(record, status=Status.EXPORTED, version=record.version + 1)


def return_export(record: TitleRecord, to: str) -> TitleRecord:
    """The other platform refused the eBL (PINT BSIG or BENV): possession returns to ``to``.

    A refused surrender is undone as a rejected one would be; an endorsement made before the
    refused transfer stands.
    """
    if record.status in INERT_STATUSES:
        raise TransitionError(f"{record.document_reference} is {record.status}; cannot return it")
    return replace(
        record,
        status=Status.ISSUED,
        possessor=to,
        pending_surrenderer=None,
        pending_code=None,
        version=record.version + 1,
    )


@dataclass(frozen=True)
class TitleState:
    """The register's state carried by an ``IMPORT`` entry, as another platform's chain gave it."""

    carrier: str
    kind: BillKind
    status: Status
    possessor: str
    consignee: str | None
    endorsee: str | None
    may_endorse: bool
    pending_surrenderer: str | None = None
    pending_code: ActionCode | None = None

    @classmethod
    def of(cls, record: TitleRecord) -> TitleState:
        return cls(**{name: getattr(record, name) for name in _STATE_FIELDS})


_STATE_FIELDS = tuple(field.name for field in fields(TitleState))


def import_record(
    previous: TitleRecord | None, reference: str, checksum: str, state: TitleState
) -> TitleRecord:
    """An eBL arrives from another platform: a new record, or an exported one coming back."""
    if state.status not in (Status.ISSUED, Status.SURRENDER_PENDING):
        raise TransitionError(f"{reference} cannot arrive {state.status}")
    if previous is not None:
        if previous.status is not Status.EXPORTED:
            raise TransitionError(
                f"{reference} is {previous.status} on this node; it cannot arrive from elsewhere"
            )
        if previous.document_checksum != checksum:
            raise TransitionError(f"{reference} arrives with a different document checksum")
    return TitleRecord(
        document_reference=reference,
        document_checksum=checksum,
        version=1 if previous is None else previous.version + 1,
        **{name: getattr(state, name) for name in _STATE_FIELDS},
    )


def fixed_recipient(record: TitleRecord, code: ActionCode) -> str | None:
    """The only recipient ``code`` can have on ``record``, where the rules leave no choice."""
    if code in SURRENDERS:
        return record.carrier
    if code in (ActionCode.SACC, ActionCode.SREJ):
        return record.pending_surrenderer
    return None


def available_actions(record: TitleRecord, actor: str) -> list[ActionCode]:
    """The action codes ``actor`` may take on ``record`` now (with some suitable recipient)."""
    someone_else = f"{actor}\x00other"  # any party but the actor: recipients are not checked here
    allowed = []
    for code in _RULES:
        recipient = fixed_recipient(record, code)
        if recipient is None and code in ACTIONS_WITH_RECIPIENT:
            recipient = someone_else
        try:
            apply(record, Action(code, actor, recipient))
        except (TransitionError, NotControllerError):
            continue
        allowed.append(code)
    return allowed
