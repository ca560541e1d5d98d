"""Group commit: batching, acknowledgement only after the batch commits, per-item refusals."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from corridor.errors import NodeError, TitleError
from corridor.ledger.group_commit import GroupCommitter


class Recorder:
    def __init__(self, gate: threading.Event | None = None) -> None:
        self.batches: list[list[int]] = []
        self.committed: set[int] = set()
        self.gate = gate
        self.entered = threading.Event()

    def commit(self, items: Sequence[int]) -> list[int | BaseException]:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        self.batches.append(list(items))
        self.committed.update(items)
        return [TitleError(f"odd {i}") if i % 2 else i * 10 for i in items]


def test_results_and_refusals_reach_their_own_submitter() -> None:
    recorder = Recorder()
    committer: GroupCommitter[int, int] = GroupCommitter(recorder.commit, max_batch=8)
    assert committer.submit(4) == 40
    with pytest.raises(TitleError, match="odd 3"):
        committer.submit(3)
    committer.close()


def test_waiting_items_form_one_batch_and_ack_after_commit() -> None:
    gate = threading.Event()
    recorder = Recorder(gate)
    committer: GroupCommitter[int, int] = GroupCommitter(recorder.commit, max_batch=100)
    first = committer.submit_async(0)
    assert recorder.entered.wait(5)  # the writer took it alone and waits on the gate
    futures = [committer.submit_async(i) for i in range(2, 42, 2)]
    assert not first.done()
    assert not any(f.done() for f in futures), "acknowledged before the commit"
    gate.set()
    assert [f.result(5) for f in futures] == [i * 10 for i in range(2, 42, 2)]
    committer.close()
    assert recorder.batches[0] == [0]
    assert recorder.batches[1] == list(range(2, 42, 2))
    assert committer.stats.largest_batch == 20


def test_batches_never_exceed_max_batch() -> None:
    gate = threading.Event()
    recorder = Recorder(gate)
    committer: GroupCommitter[int, int] = GroupCommitter(recorder.commit, max_batch=5)
    futures = [committer.submit_async(i * 2) for i in range(23)]
    gate.set()
    for f in futures:
        f.result(5)
    committer.close()
    assert max(len(b) for b in recorder.batches) <= 5
    assert sorted(x for b in recorder.batches for x in b) == [i * 2 for i in range(23)]


def test_a_failed_commit_fails_every_item_of_the_batch() -> None:
    def broken(items: Sequence[int]) -> list[int | BaseException]:
        raise OSError("disk full")

    committer: GroupCommitter[int, int] = GroupCommitter(broken)
    with pytest.raises(OSError, match="disk full"):
        committer.submit(1)
    committer.close()


def test_closed_committer_refuses_new_items() -> None:
    committer: GroupCommitter[int, int] = GroupCommitter(Recorder().commit)
    committer.close()
    committer.close()
    with pytest.raises(NodeError, match="shutting down"):
        committer.submit(2)


@pytest.mark.parametrize(("batch", "wait"), [(0, 1.0), (1, -1.0)])
def test_settings_are_checked(batch: int, wait: float) -> None:
    with pytest.raises(NodeError):
        GroupCommitter(Recorder().commit, max_batch=batch, max_wait_ms=wait)
