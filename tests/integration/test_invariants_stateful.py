"""Hypothesis drives random actions by random parties against a real node (SQLite).

After every step: exactly one controller for a live eBL and none for an inert one (invariants 1
and 3); a refused action changed nothing; every acknowledged entry chains to the previous one
(2); the log only grew, proven by an RFC 9162 consistency proof from the previous root (4);
and replaying the log from empty reproduces the register exactly (5, via the audit).
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from corridor.domain.party import Role
from corridor.domain.title import INERT_STATUSES, ActionCode
from corridor.errors import CorridorError
from corridor.ledger.merkle import verify_consistency
from corridor.services.audit import audit
from corridor.services.demo import demo_document
from corridor.services.node import Node
from corridor.storage import repository as repo

PARTY_NAMES = ("Carrier Co", "Shipper Co", "Bank A", "Bank B", "Buyer Co")


class TitleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="corridor-hyp-"))
        self.node = Node.create(self.dir / "n", database_url=f"sqlite:///{self.dir / 'c.db'}")
        roles = [frozenset({Role.CARRIER})] + [frozenset({Role.TRADER})] * 4
        self.ids = [
            self.node.add_party(n, r).party_id for n, r in zip(PARTY_NAMES, roles, strict=True)
        ]
        self.refs: list[str] = []
        self.size, self.root = 0, b""
        self.tree_root()

    def tree_root(self) -> None:
        with self.node.engine.connect() as conn:
            self.size, self.root = repo.read_log_head(conn)

    def teardown(self) -> None:
        self.node.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @precondition(lambda self: len(self.refs) < 3)
    @rule(kind=st.sampled_from(["to-order", "straight", "blank"]), to=st.integers(1, 4))
    def issue(self, kind: str, to: int) -> None:
        doc = copy.deepcopy(demo_document())
        ref = f"HYP{len(self.refs):04d}"
        doc["transportDocumentReference"] = ref
        parties = doc["documentParties"]
        parties["issuingParty"]["partyName"] = PARTY_NAMES[0]
        endorsee = parties.pop("endorsee")
        if kind == "to-order":
            parties["endorsee"] = {**endorsee, "partyName": PARTY_NAMES[to]}
        elif kind == "straight":
            doc["isToOrder"] = False
            parties["consignee"] = {**endorsee, "partyName": PARTY_NAMES[(to % 4) + 1]}
        self.node.issue(doc, carrier=self.ids[0], to=self.ids[to])
        self.refs.append(ref)

    @precondition(lambda self: self.refs)
    @rule(
        data=st.data(),
        code=st.sampled_from([c for c in ActionCode if c is not ActionCode.ISSUE]),
        actor=st.integers(0, 4),
        recipient=st.one_of(st.none(), st.integers(0, 4)),
    )
    def act(self, data: st.DataObject, code: ActionCode, actor: int, recipient: int | None) -> None:
        ref = data.draw(st.sampled_from(self.refs))
        before = self.node.record(ref)
        try:
            receipt = self.node.act(
                ref,
                code,
                actor=self.ids[actor],
                recipient=None if recipient is None else self.ids[recipient],
            )
        except CorridorError:
            assert self.node.record(ref) == before
            return
        assert before.record.controller == self.ids[actor]
        history = self.node.history(ref)
        assert history[-1].payload.previous_entry_hash == before.last_entry_hash
        assert receipt.sequence == before.record.version + 1

    @invariant()
    def one_controller(self) -> None:
        for row in self.node.records():
            record = row.record
            if record.status in INERT_STATUSES:
                assert record.controller is None
            else:
                assert record.controller == record.possessor
                assert record.possessor in self.ids

    @invariant()
    def append_only(self) -> None:
        old_size, old_root = self.size, self.root
        self.tree_root()
        if old_size and self.size >= old_size:
            proof = self.node.writer.tree.consistency_proof(old_size, self.size)
            assert verify_consistency(old_size, self.size, old_root, self.root, proof)
        assert self.size >= old_size

    @invariant()
    def replay_reproduces_register(self) -> None:
        report = audit(self.node)
        assert report.ok, report.problems


TitleMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_title_invariants = TitleMachine.TestCase
