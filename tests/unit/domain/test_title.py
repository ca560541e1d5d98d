"""The title state machine, tested exhaustively against the table in its docstring.

The oracle below restates the table independently (as rows of conditions) and every combination of
state, action, actor and recipient is checked against it.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from corridor.domain.title import (
    INERT_STATUSES,
    Action,
    ActionCode,
    BillKind,
    IssueTerms,
    Status,
    TitleRecord,
    apply,
    issue,
    mark_exported,
)
from corridor.errors import NotControllerError, TitleError, TransitionError

CARRIER, SHIPPER, BANK, BUYER, STRANGER = "carrier", "shipper", "bank", "buyer", "stranger"
PARTIES = (CARRIER, SHIPPER, BANK, BUYER, STRANGER)


def states() -> list[TitleRecord]:
    base = TitleRecord(
        "REF1",
        "0" * 64,
        CARRIER,
        BillKind.STRAIGHT,
        Status.ISSUED,
        SHIPPER,
        consignee=BUYER,
        endorsee=None,
        may_endorse=False,
    )
    out = []
    for possessor, status in itertools.product(PARTIES, Status):
        pending = status is Status.SURRENDER_PENDING
        for kind, endorsee, may in (
            (BillKind.STRAIGHT, None, False),
            (BillKind.TO_ORDER, SHIPPER, True),
            (BillKind.TO_ORDER, BANK, True),
            (BillKind.TO_ORDER, BANK, False),
            (BillKind.BLANK_ENDORSED, None, False),
        ):
            for code in (
                (ActionCode.SURRENDER_FOR_DELIVERY, ActionCode.SURRENDER_FOR_AMENDMENT)
                if pending
                else (None,)
            ):
                out.append(
                    replace(
                        base,
                        kind=kind,
                        status=status,
                        possessor=CARRIER if pending else possessor,
                        consignee=BUYER if kind is BillKind.STRAIGHT else None,
                        endorsee=endorsee,
                        may_endorse=may,
                        pending_surrenderer=possessor if pending else None,
                        pending_code=code,
                    )
                )
    return out


def holder(r: TitleRecord) -> str | None:
    return {BillKind.STRAIGHT: r.consignee, BillKind.TO_ORDER: r.endorsee}.get(r.kind, r.possessor)


def may_endorse(r: TitleRecord, actor: str) -> bool:
    if r.kind is BillKind.STRAIGHT:
        return False
    if r.kind is BillKind.BLANK_ENDORSED:
        return True
    return r.endorsee == actor and r.may_endorse


def oracle(r: TitleRecord, a: Action) -> bool:
    """Is ``a`` allowed on ``r``? Written from the table, not from the implementation."""
    if r.status in INERT_STATUSES or a.code is ActionCode.ISSUE or a.actor != r.possessor:
        return False
    c, to = a.code, a.recipient
    if to == a.actor:
        return False
    if r.status is Status.SURRENDER_PENDING:
        return c in (ActionCode.SACC, ActionCode.SREJ) and to == r.pending_surrenderer
    rows = {
        ActionCode.TRANSFER: to is not None,
        ActionCode.ENDORSE: to is not None and may_endorse(r, a.actor),
        ActionCode.ENDORSE_TO_ORDER: to is not None and may_endorse(r, a.actor),
        ActionCode.BLANK_ENDORSE: to is None
        and r.kind is BillKind.TO_ORDER
        and may_endorse(r, a.actor),
        ActionCode.SIGN: to is None,
        ActionCode.SURRENDER_FOR_DELIVERY: to == r.carrier and holder(r) == a.actor,
        ActionCode.SURRENDER_FOR_AMENDMENT: to == r.carrier
        and (r.kind is not BillKind.TO_ORDER or holder(r) == a.actor),
        ActionCode.SACC: False,
        ActionCode.SREJ: False,
        ActionCode.VOID: to is None and a.actor == r.carrier,
    }
    return rows.get(c, False)  # IMPORT, EXPORT, RETURN: the node's entries, never a party's


def expected_after(r: TitleRecord, a: Action) -> TitleRecord:
    c, to = a.code, a.recipient
    nxt = replace(r, version=r.version + 1)
    if c is ActionCode.TRANSFER:
        return replace(nxt, possessor=to)
    if c in (ActionCode.ENDORSE, ActionCode.ENDORSE_TO_ORDER):
        return replace(
            nxt, kind=BillKind.TO_ORDER, endorsee=to, may_endorse=c is ActionCode.ENDORSE_TO_ORDER
        )
    if c is ActionCode.BLANK_ENDORSE:
        return replace(nxt, kind=BillKind.BLANK_ENDORSED, endorsee=None, may_endorse=False)
    if c in (ActionCode.SURRENDER_FOR_DELIVERY, ActionCode.SURRENDER_FOR_AMENDMENT):
        return replace(
            nxt,
            status=Status.SURRENDER_PENDING,
            possessor=r.carrier,
            pending_surrenderer=a.actor,
            pending_code=c,
        )
    if c is ActionCode.SREJ:
        return replace(
            nxt, status=Status.ISSUED, possessor=to, pending_surrenderer=None, pending_code=None
        )
    if c is ActionCode.SACC:
        done = (
            Status.SURRENDERED
            if r.pending_code is ActionCode.SURRENDER_FOR_DELIVERY
            else Status.SURRENDERED_FOR_AMENDMENT
        )
        return replace(nxt, status=done, pending_surrenderer=None, pending_code=None)
    if c is ActionCode.VOID:
        return replace(nxt, status=Status.VOID)
    return nxt


ALL_ACTIONS = [
    Action(code, actor, to) for code in ActionCode for actor in PARTIES for to in (None, *PARTIES)
]


def test_every_transition_matches_the_table() -> None:
    checked = allowed = 0
    for record in states():
        for action in ALL_ACTIONS:
            checked += 1
            if oracle(record, action):
                allowed += 1
                assert apply(record, action) == expected_after(record, action), (record, action)
            else:
                with pytest.raises(TitleError):
                    apply(record, action)
    assert checked > 40_000
    assert allowed > 250


def test_refusals_name_the_controller() -> None:
    record = issue(
        "R",
        "0" * 64,
        Action(ActionCode.ISSUE, CARRIER, SHIPPER),
        IssueTerms(BillKind.TO_ORDER, endorsee=SHIPPER),
    )
    with pytest.raises(NotControllerError, match="its controller is shipper"):
        apply(record, Action(ActionCode.TRANSFER, BANK, BUYER))


def test_inert_records_refuse_everything() -> None:
    for record in states():
        if record.status in INERT_STATUSES:
            assert record.controller is None
            for action in ALL_ACTIONS:
                with pytest.raises(TransitionError):
                    apply(record, action)


@pytest.mark.parametrize(
    ("terms", "ok"),
    [
        (IssueTerms(BillKind.STRAIGHT, consignee=BUYER), True),
        (IssueTerms(BillKind.STRAIGHT), False),
        (IssueTerms(BillKind.TO_ORDER, endorsee=SHIPPER), True),
        (IssueTerms(BillKind.TO_ORDER), False),
        (IssueTerms(BillKind.BLANK_ENDORSED), True),
        (IssueTerms(BillKind.BLANK_ENDORSED, endorsee=BANK), False),
    ],
)
def test_issue_terms(terms: IssueTerms, ok: bool) -> None:
    action = Action(ActionCode.ISSUE, CARRIER, SHIPPER)
    if ok:
        record = issue("R", "0" * 64, action, terms)
        assert (record.status, record.possessor, record.version) == (Status.ISSUED, SHIPPER, 1)
    else:
        with pytest.raises(TransitionError):
            issue("R", "0" * 64, action, terms)


def test_issue_needs_issue_code_and_recipient() -> None:
    terms = IssueTerms(BillKind.BLANK_ENDORSED)
    with pytest.raises(TransitionError):
        issue("R", "0" * 64, Action(ActionCode.TRANSFER, CARRIER, SHIPPER), terms)
    with pytest.raises(TransitionError):
        issue("R", "0" * 64, Action(ActionCode.ISSUE, CARRIER, None), terms)


def test_exported_is_inert() -> None:
    record = issue(
        "R",
        "0" * 64,
        Action(ActionCode.ISSUE, CARRIER, SHIPPER),
        IssueTerms(BillKind.BLANK_ENDORSED),
    )
    exported = mark_exported(record)
    assert exported.status is Status.EXPORTED
    assert exported.controller is None
    with pytest.raises(TransitionError):
        mark_exported(exported)
