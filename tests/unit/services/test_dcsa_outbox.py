"""The DCSA outbox: delivery, retries with backoff, final refusals, leases, the worker."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest

from corridor.services.dcsa_outbox import MAX_BACKOFF, DeliveryWorker, Outbox, backoff
from corridor.services.node import Node
from corridor.services.platforms import Platforms
from corridor.storage.engine import writing


def _queue(node: Node, outbox: Outbox, platform: str = "WLSM") -> int:
    with writing(node.engine) as conn:
        return outbox.enqueue(
            conn,
            platform_code=platform,
            method="POST",
            path="/v3/x",
            body={"a": 1},
            topic="t",
            reference="r",
        )


@pytest.fixture
def registered(node: Node) -> Node:
    Platforms(node).add("WLSM", "carrier", "http://carrier.test/base/")
    return node


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert backoff(40) == MAX_BACKOFF == timedelta(hours=1)


def test_a_2xx_delivers_the_stored_bytes(registered: Node, sim: Any) -> None:
    recorder = sim.Recorder()
    outbox = Outbox(registered, recorder.client())
    row = outbox.deliver(_queue(registered, outbox))
    assert (row.status, row.attempts, row.last_status) == ("DELIVERED", 1, 204)
    assert recorder.calls[0].url == "http://carrier.test/base/v3/x"
    assert recorder.calls[0].body == {"a": 1}
    assert outbox.deliver_due() == 0


@pytest.mark.parametrize("failure", [503, 429, 408, httpx.ConnectError("refused")])
def test_transient_failures_are_retried_later(registered: Node, sim: Any, failure: Any) -> None:
    recorder = sim.Recorder([failure])
    outbox = Outbox(registered, recorder.client())
    outbox_id = _queue(registered, outbox)
    before = registered.clock()
    row = outbox.deliver(outbox_id)
    assert row.status == "PENDING"
    assert row.next_attempt_at >= before + timedelta(seconds=2)
    assert row.last_error
    assert outbox.deliver_due() == 0  # not due yet
    registered.clock.now += timedelta(seconds=3)  # type: ignore[attr-defined]
    assert outbox.deliver_due() == 1
    assert outbox.get(outbox_id).status == "DELIVERED"
    assert outbox.get(outbox_id).attempts == 2


def test_an_unregistered_peer_is_retried(node: Node, sim: Any) -> None:
    outbox = Outbox(node, sim.Recorder().client())
    row = outbox.deliver(_queue(node, outbox, platform="NOPE"))
    assert row.status == "PENDING"
    assert "no platform NOPE" in (row.last_error or "")


def test_a_final_refusal_is_kept(registered: Node, sim: Any) -> None:
    outbox = Outbox(registered, sim.Recorder([400]).client())
    row = outbox.deliver(_queue(registered, outbox))
    assert row.status == "FAILED"
    assert "400" in (row.last_error or "")


def test_a_leased_call_is_not_sent_twice(registered: Node, sim: Any) -> None:
    recorder = sim.Recorder()
    outbox = Outbox(registered, recorder.client())
    outbox_id = _queue(registered, outbox)
    stale = outbox.get(outbox_id)
    outbox.deliver(outbox_id)
    assert outbox._attempt(stale) is False  # another worker read it before the first sent it
    assert len(recorder.calls) == 1


def test_the_worker_runs_its_jobs_and_survives_a_failing_one() -> None:
    ran = threading.Event()

    def broken() -> int:
        raise RuntimeError("boom")

    def job() -> int:
        ran.set()
        return 1

    worker = DeliveryWorker([broken, job], interval=60)
    assert worker.run_once() == 1
    ran.clear()
    worker.start()
    assert worker.running
    assert ran.wait(5)
    worker.stop()
    assert not worker.running
