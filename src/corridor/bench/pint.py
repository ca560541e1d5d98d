"""``corridor bench pint``: eBL transfers between two Corridor nodes over PINT on loopback.

Two nodes ("CQCO" in Chongqing, "SGCO" in Singapore; ``bench.pint_nodes``) run in this process,
each with its own SQLite database, keys and uvicorn server, registered as each other's peers. The
Chongqing node issues the benchmark's eBLs to its exporter; each transfer then goes to the
Singapore bank (a party of the other platform), so the node builds an envelope from its log, stores
it in its outbox and its sender delivers it over HTTP; Singapore verifies every signature and the
checksum chain, imports the record and answers with a signed ``RECE``; Chongqing verifies the
answer and writes its ``EXPORT`` entry. A transfer is counted when that answer is in, which is
when both nodes agree on who holds the eBL. Transfers then go back the other way.

Two phases:

- **latency**: one transfer at a time, each of a newly issued eBL (so every sample carries the
  same chain: the issue and one transfer); the time from asking for the transfer to the verified
  ``RECE`` (p50, p99, max). A PINT envelope carries the eBL's whole signed history and the
  receiver verifies all of it, so an eBL with a long history costs more per hop;
- **throughput**: a burst of transfers to the other node, then all of them back; transfers per
  second from the first request to the last answer.

Baseline, measured in the same run: the same envelope bytes POSTed one at a time to a server on
the same machine whose only work is to read the body and parse its JSON. The ratio tells how much
of a transfer is the HTTP round trip and how much is signing, verifying and two durable commits.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from corridor.bench.pint_nodes import Peer, free_port, loopback_pair, register_carrier
from corridor.bench.stats import floor_to, latency_ms
from corridor.domain.party import IdentifyingCode
from corridor.domain.title import ActionCode, Status
from corridor.errors import NodeError
from corridor.services.demo import DEMO_PARTIES, document_with_reference
from corridor.services.pint_sender import DELIVERED, Outcome
from corridor.storage import pint as rows

__all__ = ["PintBenchConfig", "bench_pint"]

_ANSWER_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class PintBenchConfig:
    transfers: int = 200  # eBLs in the throughput burst (each goes there and back)
    latency_samples: int = 100  # sequential transfers in the latency phase
    baseline_requests: int = 300


@dataclass
class _Parties:
    """Party ids: on each node, its own holder and the other node's holder as a foreign party."""

    carrier: str
    cq_holder: str
    sg_holder: str
    sg_on_cq: str
    cq_on_sg: str


class _Answers:
    """Collects the sender's outcomes: when each reference's envelope was answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._answered: dict[str, float] = {}
        self.failures: list[str] = []

    def observe(self, outcome: Outcome) -> None:
        with self._changed:
            if outcome.status == DELIVERED:
                self._answered[outcome.document_reference] = time.perf_counter()
            else:
                self.failures.append(f"{outcome.document_reference}: {outcome.detail}")
            self._changed.notify_all()

    def reset(self) -> None:
        with self._lock:
            self._answered.clear()

    def wait_for(self, references: list[str]) -> dict[str, float]:
        deadline = time.monotonic() + _ANSWER_TIMEOUT_S + len(references) * 0.5
        with self._changed:
            while not all(ref in self._answered for ref in references):
                if self.failures:
                    raise NodeError(f"a transfer was not accepted: {self.failures[0]}")
                left = deadline - time.monotonic()
                if left <= 0:
                    missing = [r for r in references if r not in self._answered]
                    raise NodeError(f"no answer for {len(missing)} envelopes, e.g. {missing[0]}")
                self._changed.wait(timeout=left)
            return {ref: self._answered[ref] for ref in references}


def _register(peer: Peer, key: str, platform: str | None = None) -> str:
    party = next(p for p in DEMO_PARTIES if p.key == key)
    codes = [IdentifyingCode.parse(code) for code in party.codes]
    return peer.node.add_party(party.name, party.roles, codes, platform=platform).party_id


def _seed(cq: Peer, sg: Peer) -> _Parties:
    parties = _Parties(
        carrier=_register(cq, "carrier"),
        cq_holder=_register(cq, "exporter"),
        sg_holder=_register(sg, "sg_bank"),
        sg_on_cq=_register(cq, "sg_bank", platform=sg.platform),
        cq_on_sg=_register(sg, "exporter", platform=cq.platform),
    )
    register_carrier(cq, sg, parties.carrier, "WLSM")
    return parties


def _issue(cq: Peer, parties: _Parties, prefix: str, count: int) -> list[str]:
    references = [f"{prefix}{n:05d}" for n in range(count)]
    for ref in references:
        cq.node.issue(document_with_reference(ref), carrier=parties.carrier, to=parties.cq_holder)
    return references


def _there(cq: Peer, parties: _Parties) -> Callable[[str], None]:
    def send(ref: str) -> None:
        cq.node.act(ref, ActionCode.TRANSFER, actor=parties.cq_holder, recipient=parties.sg_on_cq)

    return send


def _back(sg: Peer, parties: _Parties) -> Callable[[str], None]:
    def send(ref: str) -> None:
        sg.node.act(ref, ActionCode.TRANSFER, actor=parties.sg_holder, recipient=parties.cq_on_sg)

    return send


def _latency_phase(answers: _Answers, send: Callable[[str], None], refs: list[str]) -> list[float]:
    seconds = []
    for ref in refs:
        answers.reset()
        started = time.perf_counter()
        send(ref)
        seconds.append(answers.wait_for([ref])[ref] - started)
    return seconds


def _burst(answers: _Answers, send: Callable[[str], None], refs: list[str]) -> float:
    answers.reset()
    started = time.perf_counter()
    for ref in refs:
        send(ref)
    finished = max(answers.wait_for(refs).values())
    return finished - started


def _check_back_home(cq: Peer, sg: Peer, parties: _Parties, refs: list[str]) -> None:
    """Every eBL went there and back: Chongqing holds it, Singapore has it exported."""
    for ref in refs:
        home, away = cq.node.record(ref).record, sg.node.record(ref).record
        if home.status is not Status.ISSUED or home.possessor != parties.cq_holder:
            raise NodeError(f"{ref} is {home.status.value} on {cq.platform} after the round trip")
        if away.status is not Status.EXPORTED:
            raise NodeError(f"{ref} is {away.status.value} on {sg.platform} after the round trip")


class _ParseOnly:
    """An ASGI app that reads the request body, parses its JSON and answers 200 ``{}``."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        json.loads(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


@contextmanager
def _parse_only_server() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(_ParseOnly(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="bench-parse-only", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise NodeError("the baseline server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _baseline(envelope: bytes, requests: int) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    seconds = []
    with _parse_only_server() as base, httpx.Client(timeout=30) as client:
        started = time.perf_counter()
        for _ in range(requests):
            sent = time.perf_counter()
            response = client.post(f"{base}/v3/envelopes", content=envelope, headers=headers)
            response.raise_for_status()
            seconds.append(time.perf_counter() - sent)
        elapsed = time.perf_counter() - started
    return {
        "requests": requests,
        "requests_per_s": floor_to(requests / elapsed, 1),
        "latency_ms": latency_ms(seconds),
    }


def _an_envelope(peer: Peer, reference: str) -> bytes:
    """The envelope ``peer`` sent most recently for ``reference``."""
    with peer.node.engine.connect() as conn:
        sent = rows.outbox_of(conn, reference)
    if not sent:
        raise NodeError("no envelope was sent; nothing to measure the baseline with")
    return sent[-1].envelope.encode()


def bench_pint(
    config: PintBenchConfig, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run both phases and the baseline; return the figures as JSON-ready data."""
    say = progress or (lambda _line: None)
    with tempfile.TemporaryDirectory(prefix="corridor-bench-pint-") as tmp:
        with loopback_pair(Path(tmp)) as (cq, sg):
            answers = _Answers()
            for peer in (cq, sg):
                peer.sender.observers.append(answers.observe)
            parties = _seed(cq, sg)
            there, back = _there(cq, parties), _back(sg, parties)
            say(f"issuing {config.transfers + config.latency_samples} eBLs in {cq.platform}...")
            latency_refs = _issue(cq, parties, "BENCHPINTL", config.latency_samples)
            burst_refs = _issue(cq, parties, "BENCHPINTT", config.transfers)
            say(f"latency: {config.latency_samples} transfers one at a time...")
            samples = _latency_phase(answers, there, latency_refs)
            say(f"throughput: {config.transfers} eBLs to {sg.platform} and back...")
            elapsed = _burst(answers, there, burst_refs) + _burst(answers, back, burst_refs)
            _check_back_home(cq, sg, parties, burst_refs)
            envelope = _an_envelope(cq, burst_refs[0])
        say(f"baseline: {config.baseline_requests} POSTs of one envelope to a parse-only server...")
        baseline = _baseline(envelope, config.baseline_requests)
    moved = 2 * config.transfers
    return {
        "benchmark": "pint",
        "cpu_count": os.cpu_count(),
        "setup": "two nodes in one process, SQLite each, uvicorn on loopback",
        "envelope_bytes": len(envelope),
        "latency": {"transfers": len(samples), "end_to_end_ms": latency_ms(samples)},
        "throughput": {
            "transfers": moved,
            "seconds": floor_to(elapsed, 3),
            "transfers_per_s": floor_to(moved / elapsed, 1),
        },
        "baseline_parse_only_post": baseline,
    }
