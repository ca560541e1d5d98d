"""The log writer's pipeline: a batch is prepared on top of the batches staged before it, and a
prepared batch whose basis did not hold (an earlier batch failed, another process appended) is
re-done under the lock instead of being committed (ADR 0005). On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from corridor.domain.title import Action, ActionCode
from corridor.errors import NotControllerError
from corridor.services.node import Node
from corridor.services.writer import ActionRequest, LogWriter, Receipt
from corridor.storage import hot_log

Outcomes = Sequence[Receipt | BaseException]


def _transfer(node: Node, ref: str, actor: str, recipient: str) -> ActionRequest:
    return ActionRequest(ref, Action(ActionCode.TRANSFER, actor, recipient), node.clock())


def _warm(node: Node, td: dict[str, Any], ids: dict[str, str]) -> str:
    """Issue an eBL and move it there and back, so the writer knows its record and both keys."""
    ref = node.issue(td, carrier=ids["carrier"], to=ids["exporter"]).document_reference
    node.act(ref, ActionCode.TRANSFER, actor=ids["exporter"], recipient=ids["cq_bank"])
    node.act(ref, ActionCode.TRANSFER, actor=ids["cq_bank"], recipient=ids["exporter"])
    return ref


def _stage(writer: LogWriter, *requests: ActionRequest) -> Any:
    staged = writer.stage(list(requests))
    assert not staged.exclusive, "expected a batch prepared from memory"
    return staged


def test_a_staged_batch_sees_the_batches_staged_before_it(
    node: Node, demo_parties: Callable[[Node], dict[str, str]], td: dict[str, Any]
) -> None:
    ids = demo_parties(node)
    ref = _warm(node, td, ids)
    exporter, bank, importer = ids["exporter"], ids["cq_bank"], ids["importer"]
    first = _stage(node.writer, _transfer(node, ref, exporter, bank))
    second = _stage(node.writer, _transfer(node, ref, exporter, importer))  # no longer holds it
    third = _stage(node.writer, _transfer(node, ref, bank, exporter))
    assert isinstance(first.complete()[0], Receipt)
    assert isinstance(second.complete()[0], NotControllerError)
    receipt = third.complete()[0]
    assert isinstance(receipt, Receipt)
    assert receipt.sequence == 5
    assert node.record(ref).record.possessor == exporter
    assert [item.payload.sequence for item in node.history(ref)] == [1, 2, 3, 4, 5]


def test_a_batch_prepared_on_a_stale_basis_is_redone(
    make_node: Callable[..., Node],
    demo_parties: Callable[[Node], dict[str, str]],
    td: dict[str, Any],
) -> None:
    node = make_node()
    ids = demo_parties(node)
    ref = _warm(node, td, ids)
    other = Node.open(node.home)  # another process on the same database
    try:
        other.act(ref, ActionCode.TRANSFER, actor=ids["exporter"], recipient=ids["importer"])
    finally:
        other.close()
    # This writer still remembers the exporter as holder, prepares from memory, and must not
    # commit on that basis: the head moved, so the batch is re-done against the database.
    staged = _stage(node.writer, _transfer(node, ref, ids["exporter"], ids["cq_bank"]))
    assert isinstance(staged.complete()[0], NotControllerError)
    assert node.record(ref).record.possessor == ids["importer"]
    assert len(node.history(ref)) == 4


def test_a_failed_batch_makes_the_batches_staged_on_it_redo(
    node: Node,
    demo_parties: Callable[[Node], dict[str, str]],
    td: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = demo_parties(node)
    ref = _warm(node, td, ids)
    exporter, bank = ids["exporter"], ids["cq_bank"]
    first = _stage(node.writer, _transfer(node, ref, exporter, bank))
    second = _stage(node.writer, _transfer(node, ref, bank, exporter))  # relies on the first

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(hot_log, "insert_entries", broken)
    with pytest.raises(OSError, match="disk full"):
        first.complete()
    monkeypatch.undo()
    assert isinstance(second.complete()[0], NotControllerError)  # the bank never got it
    assert node.record(ref).record.possessor == exporter
    assert len(node.history(ref)) == 3
    # The writer recovers: the next action is taken normally.
    receipt = node.act(ref, ActionCode.TRANSFER, actor=exporter, recipient=bank)
    assert receipt.sequence == 4


def test_a_batch_needing_the_database_is_exclusive(
    node: Node, demo_parties: Callable[[Node], dict[str, str]], td: dict[str, Any]
) -> None:
    ids = demo_parties(node)
    ref = node.issue(td, carrier=ids["carrier"], to=ids["exporter"]).document_reference
    staged = node.writer.stage([_transfer(node, ref, ids["exporter"], ids["importer"])])
    assert staged.exclusive  # the exporter's key has not been used by this writer yet
    assert isinstance(staged.complete()[0], Receipt)
