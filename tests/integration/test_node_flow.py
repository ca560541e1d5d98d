"""The node's use cases on SQLite and PostgreSQL: issue, act, refuse, self-custody, replay."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from corridor.crypto.canonical import canonical_bytes
from corridor.crypto.jws import sign_compact
from corridor.crypto.keys import PrivateKey
from corridor.domain.entry import ENTRY_TYPE, EntryPayload, format_action_datetime
from corridor.domain.party import Role
from corridor.domain.title import ActionCode, Status
from corridor.errors import (
    ChainError,
    DocumentRuleError,
    MalformedInputError,
    NodeError,
    NotControllerError,
    TransitionError,
    UnknownPartyError,
    VerificationError,
)
from corridor.services.audit import audit
from corridor.services.node import Node
from corridor.storage import repository as repo
from corridor.storage.engine import writing

Seed = Callable[[Node], dict[str, str]]


def snapshot(node: Node) -> tuple[Any, ...]:
    with node.engine.connect() as conn:
        head = repo.read_log_head(conn)
        titles = repo.list_titles(conn)
        docs = [repo.get_document(conn, t.record.document_reference) for t in titles]
    return head, titles, docs


def issued(node: Node, seed: Seed, td: dict[str, Any]) -> tuple[dict[str, str], str]:
    ids = seed(node)
    receipt = node.issue(td, carrier=ids["carrier"], to=ids["exporter"])
    return ids, receipt.document_reference


def test_full_journey_and_replay(node: Node, demo_parties: Seed, td: dict[str, Any]) -> None:
    ids, ref = issued(node, demo_parties, td)
    steps = [
        (ActionCode.ENDORSE_TO_ORDER, "exporter", "cq_bank"),
        (ActionCode.TRANSFER, "exporter", "cq_bank"),
        (ActionCode.BLANK_ENDORSE, "cq_bank", None),
        (ActionCode.TRANSFER, "cq_bank", "importer"),
        (ActionCode.SIGN, "importer", None),
        (ActionCode.SURRENDER_FOR_DELIVERY, "importer", "carrier"),
        (ActionCode.SREJ, "carrier", "importer"),
        (ActionCode.SURRENDER_FOR_DELIVERY, "importer", "carrier"),
        (ActionCode.SACC, "carrier", "importer"),
    ]
    for code, actor, to in steps:
        node.act(ref, code, actor=ids[actor], recipient=ids[to] if to else None)
    record = node.record(ref).record
    assert record.status is Status.SURRENDERED
    assert record.version == len(steps) + 1
    history = node.history(ref)
    assert [h.payload.action_code for h in history] == [ActionCode.ISSUE] + [s[0] for s in steps]
    report = audit(node)
    assert report.ok, report.problems
    assert report.entries == len(steps) + 1


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda td: td.update(transportDocumentTypeCode="SWB"), DocumentRuleError),
        (
            lambda td: td["utilizedTransportEquipments"][0]["equipment"].update(
                equipmentReference="WLMU4582012"
            ),
            DocumentRuleError,
        ),
        (lambda td: td.pop("transportDocumentReference"), DocumentRuleError),
        (
            lambda td: td["documentParties"]["endorsee"].update(partyName="Nobody Ltd"),
            DocumentRuleError,
        ),
    ],
)
def test_bad_documents_change_nothing(
    node: Node, demo_parties: Seed, td: dict[str, Any], mutate: Any, error: type[Exception]
) -> None:
    ids = demo_parties(node)
    before = snapshot(node)
    bad = copy.deepcopy(td)
    mutate(bad)
    with pytest.raises(error):
        node.issue(bad, carrier=ids["carrier"], to=ids["exporter"])
    assert snapshot(node) == before


def test_refusals_change_nothing(node: Node, demo_parties: Seed, td: dict[str, Any]) -> None:
    ids, ref = issued(node, demo_parties, td)
    before = snapshot(node)
    with pytest.raises(NotControllerError):
        node.act(ref, ActionCode.TRANSFER, actor=ids["cq_bank"], recipient=ids["importer"])
    with pytest.raises(UnknownPartyError):
        node.act(ref, ActionCode.TRANSFER, actor=ids["exporter"], recipient="nobody")
    with pytest.raises(TransitionError):
        node.act(ref, ActionCode.SACC, actor=ids["exporter"], recipient=ids["carrier"])
    with pytest.raises(TransitionError, match="already issued"):
        node.issue(td, carrier=ids["carrier"], to=ids["exporter"])
    with pytest.raises(TransitionError, match="not a carrier"):
        node.issue(td, carrier=ids["cq_bank"], to=ids["exporter"])
    assert snapshot(node) == before
    assert audit(node).ok


def self_signed(
    node: Node,
    ref: str,
    key: PrivateKey,
    actor: str,
    code: ActionCode,
    to: str | None,
    **changes: Any,
) -> str:
    current = node.record(ref)
    fields: dict[str, Any] = {
        "action_code": code,
        "document_reference": ref,
        "document_checksum": current.record.document_checksum,
        "sequence": current.record.version + 1,
        "previous_entry_hash": current.last_entry_hash,
        "actor": actor,
        "recipient": to,
        "action_date_time": format_action_datetime(node.clock()),
        "platform": node.config.platform,
    }
    fields.update(changes)
    payload = EntryPayload(**fields)
    return sign_compact(canonical_bytes(payload.to_json()), key, {"typ": ENTRY_TYPE})


def holder_with_own_key(node: Node, ref: str, possessor: str) -> tuple[PrivateKey, str]:
    """Register a self-custodied trader and transfer the bill to it."""
    key = PrivateKey.generate()
    trader = node.add_party(
        "Own Keys Trading Ltd", frozenset({Role.TRADER}), public_key=key.public_key
    ).party_id
    node.act(ref, ActionCode.TRANSFER, actor=possessor, recipient=trader)
    return key, trader


def test_self_custodied_entries(node: Node, demo_parties: Seed, td: dict[str, Any]) -> None:
    ids, ref = issued(node, demo_parties, td)
    key, trader = holder_with_own_key(node, ref, ids["exporter"])
    with pytest.raises(Exception, match="holds its own keys"):
        node.act(ref, ActionCode.SIGN, actor=trader)
    stale = self_signed(node, ref, key, trader, ActionCode.TRANSFER, ids["exporter"])
    receipt = node.submit_signed(self_signed(node, ref, key, trader, ActionCode.SIGN, None))
    assert receipt.sequence == 3
    with pytest.raises(ChainError):
        node.submit_signed(stale)
    forged = self_signed(node, ref, PrivateKey.generate(), trader, ActionCode.SIGN, None)
    with pytest.raises(Exception, match="no key with kid"):
        node.submit_signed(forged)
    spoof = self_signed(node, ref, key, ids["exporter"], ActionCode.SIGN, None)
    with pytest.raises(VerificationError, match="entry-signer"):
        node.submit_signed(spoof)
    tampered = stale.split(".")
    with pytest.raises((VerificationError, MalformedInputError)):
        node.submit_signed(".".join([tampered[0], tampered[1][:-2] + "AA", tampered[2]]))
    assert audit(node).ok


def test_two_nodes_cannot_share_a_database(make_node: Callable[..., Node]) -> None:
    make_node("first")
    with pytest.raises(Exception, match="another node"):
        make_node("second")


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        ("UPDATE title_records SET possessor = 'someone-else'", "register differs"),
        ("UPDATE entries SET jws = jws || 'A' WHERE sequence = 2", "leaf hash"),
        ("DELETE FROM entries WHERE sequence = 2", "missing"),
        ("UPDATE log_head SET size = size + 1", "log head claims"),
    ],
)
def test_audit_finds_changes_behind_the_logs_back(
    node: Node, demo_parties: Seed, td: dict[str, Any], tamper: str, problem: str
) -> None:
    ids, ref = issued(node, demo_parties, td)
    node.act(ref, ActionCode.TRANSFER, actor=ids["exporter"], recipient=ids["cq_bank"])
    node.act(ref, ActionCode.TRANSFER, actor=ids["cq_bank"], recipient=ids["sg_bank"])
    node.checkpoint()
    assert audit(node).ok
    with writing(node.engine) as conn:
        conn.execute(text(tamper))
    report = audit(node)
    assert not report.ok
    assert any(problem in p for p in report.problems), report.problems


def test_self_signed_entries_name_only_registered_parties(
    node: Node, demo_parties: Seed, td: dict[str, Any]
) -> None:
    ids, ref = issued(node, demo_parties, td)
    key, trader = holder_with_own_key(node, ref, ids["exporter"])
    before = snapshot(node)
    with pytest.raises(UnknownPartyError):
        node.submit_signed(self_signed(node, ref, key, trader, ActionCode.TRANSFER, "ghost"))
    with pytest.raises(MalformedInputError, match="longer than 64"):
        node.submit_signed(self_signed(node, ref, key, trader, ActionCode.TRANSFER, "x" * 100))
    payload = node.history(ref)[-1].payload.to_json() | {"foo": "bar"}
    with pytest.raises(MalformedInputError, match="unknown field"):
        EntryPayload.from_json(payload)
    assert snapshot(node) == before


def test_only_the_named_issuing_carrier_may_issue(
    node: Node, demo_parties: Seed, td: dict[str, Any]
) -> None:
    ids = demo_parties(node)
    rogue = node.add_party("Rogue Carrier Ltd", frozenset({Role.CARRIER})).party_id
    before = snapshot(node)
    with pytest.raises(DocumentRuleError, match="issuingParty"):
        node.issue(td, carrier=rogue, to=ids["exporter"])
    assert snapshot(node) == before


def test_audit_finds_a_changed_document(node: Node, demo_parties: Seed, td: dict[str, Any]) -> None:
    _, ref = issued(node, demo_parties, td)
    with writing(node.engine) as conn:
        conn.execute(
            text("UPDATE documents SET canonical_json = :doc"),
            {"doc": node.document(ref).replace(b"CNQZH", b"CNSHA")},
        )
    assert any("does not match its checksum" in p for p in audit(node).problems)


def test_a_node_refuses_another_nodes_database(
    make_node: Callable[..., Node], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_node("first")
    second_home = tmp_path / "second"
    Node.create(second_home, database_url=f"sqlite:///{tmp_path / 'other.db'}").close()
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", first.config.database_url)
    with pytest.raises(NodeError, match="belongs to another node"):
        Node.open(second_home)
