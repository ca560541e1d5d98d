"""Group commit: batching, acknowledgement only after the batch commits, per-item refusals."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

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


class Stager:
    """A stager whose batches complete only when the test opens their gate."""

    def __init__(self) -> None:
        self.staged: list[list[int]] = []
        self.completed: list[list[int]] = []
        self.gates: dict[int, threading.Event] = {}
        self.closed_by: str | None = None

    def __call__(self, items: Sequence[int]) -> list[int | BaseException]:
        raise AssertionError("a stager's batches are staged, not committed whole")

    def stage(self, items: Sequence[int]) -> StagedBatch:
        self.staged.append(list(items))
        return StagedBatch(self, list(items), exclusive=items[0] < 0)

    def close(self) -> None:
        self.closed_by = threading.current_thread().name


class StagedBatch:
    def __init__(self, owner: Stager, items: list[int], *, exclusive: bool) -> None:
        self.owner, self.items, self.exclusive = owner, items, exclusive

    def complete(self) -> list[int | BaseException]:
        gate = self.owner.gates.get(self.items[0])
        if gate is not None:
            gate.wait(5)
        if 13 in self.items:
            raise OSError("disk full")
        self.owner.completed.append(self.items)
        return [i * 10 for i in self.items]


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_the_next_batch_is_staged_while_the_last_one_completes() -> None:
    stager = Stager()
    stager.gates[1] = threading.Event()
    committer: GroupCommitter[int, int] = GroupCommitter(stager, max_wait_ms=0)
    first = committer.submit_async(1)
    _wait_for(lambda: stager.staged == [[1]])
    second = committer.submit_async(2)
    _wait_for(lambda: stager.staged == [[1], [2]])  # staged although [1] is not durable yet
    third = committer.submit_async(3)
    assert not first.done()
    assert not second.done()
    stager.gates[1].set()
    assert [f.result(5) for f in (first, second, third)] == [10, 20, 30]
    assert stager.completed == [[1], [2], [3]]  # completed strictly in order
    committer.close()
    assert stager.closed_by == "corridor-writer-commit"


def test_an_exclusive_batch_completes_before_the_next_is_staged() -> None:
    stager = Stager()
    stager.gates[-1] = threading.Event()
    committer: GroupCommitter[int, int] = GroupCommitter(stager, max_wait_ms=0)
    exclusive = committer.submit_async(-1)
    _wait_for(lambda: stager.staged == [[-1]])
    later = committer.submit_async(5)
    time.sleep(0.02)
    assert stager.staged == [[-1]]
    stager.gates[-1].set()
    assert later.result(5) == 50
    assert exclusive.result(5) == -10
    committer.close()


def test_a_failed_completion_fails_only_its_own_batch() -> None:
    stager = Stager()
    committer: GroupCommitter[int, int] = GroupCommitter(stager, max_wait_ms=0)
    with pytest.raises(OSError, match="disk full"):
        committer.submit(13)
    assert committer.submit(4) == 40
    committer.close()
