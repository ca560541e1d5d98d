"""``corridor bench api``: sustained eBL transfers over the HTTP API on loopback.

A fresh SQLite node is seeded with parties and documents and served by ``corridor serve`` in a
separate process (uvicorn), as a user would run it. Client threads, each with its own keep-alive
connection, transfer their documents back and forth between two parties, each request with its
own party's token, for a fixed time. In the same run, the same clients call ``GET /api/v1/me``
(authenticated, no write): the baseline cost of an HTTP round trip on this machine.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from corridor.bench.stats import floor_to, latency_ms
from corridor.errors import NodeError
from corridor.services.access import Access
from corridor.services.demo import document_with_reference, seed_parties
from corridor.services.node import Node


@dataclass(frozen=True)
class ApiBenchConfig:
    clients: int = 16
    seconds: float = 10.0
    documents: int = 64


@dataclass
class _Seeded:
    home: Path
    references: list[str]
    tokens: dict[str, str]
    ids: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _seed(home: Path, documents: int) -> _Seeded:
    node = Node.create(home, database_url=f"sqlite:///{home / 'corridor.db'}")
    try:
        ids = seed_parties(node)
        references = [f"BENCHAPI{n:05d}" for n in range(documents)]
        for ref in references:
            node.issue(document_with_reference(ref), carrier=ids["carrier"], to=ids["exporter"])
        access = Access(node)
        tokens = {
            key: access.create_token(ids[key], label="bench").token
            for key in ("exporter", "cq_bank")
        }
    finally:
        node.close()
    return _Seeded(home, references, tokens, ids)


def _serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "corridor", "serve", "--home", str(home)]
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            problem = server.communicate()[1].decode()
            raise NodeError(f"the benchmark server did not start: {problem.strip()[-300:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).raise_for_status()
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise NodeError("the benchmark server did not answer within 30 s")


Call = Callable[[httpx.Client, int], bool]


def _drive(base: str, config: ApiBenchConfig, call: Call) -> dict[str, Any]:
    """Run ``call`` from every client thread for ``config.seconds``; collect latencies."""
    latencies: list[list[float]] = [[] for _ in range(config.clients)]
    failures = [0] * config.clients
    stop = threading.Event()

    def client(index: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as session:
            step = 0
            while not stop.is_set():
                started = time.perf_counter()
                ok = call(session, index + step * config.clients)
                if ok:  # only answered, successful requests count towards rate and latency
                    latencies[index].append(time.perf_counter() - started)
                else:
                    failures[index] += 1
                step += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(config.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(config.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [x for per_client in latencies for x in per_client]
    return {
        "requests": len(flat),
        "failed": sum(failures),
        "seconds": floor_to(elapsed),
        "per_second": floor_to(len(flat) / elapsed, 1),
        "latency_ms": latency_ms(flat),
    }


def bench_api(config: ApiBenchConfig) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="corridor-bench-api-") as scratch:
        seeded = _seed(Path(scratch) / "node", max(config.documents, config.clients))
        port = _free_port()
        server = _serve(seeded.home, port)
        try:
            return _measure(f"http://127.0.0.1:{port}", seeded, config)
        finally:
            server.terminate()
            server.wait(timeout=30)
            if server.stderr is not None:
                server.stderr.close()


def _measure(base: str, seeded: _Seeded, config: ApiBenchConfig) -> dict[str, Any]:
    holders = dict.fromkeys(seeded.references, "exporter")
    owned = len(seeded.references) // config.clients * config.clients
    other = {"exporter": "cq_bank", "cq_bank": "exporter"}

    def transfer(session: httpx.Client, n: int) -> bool:
        ref = seeded.references[n % owned]  # client i only ever touches refs i, i+C, ...
        holder = holders[ref]
        response = session.post(
            f"/api/v1/documents/{ref}/actions",
            json={"actionCode": "TRANSFER", "recipient": seeded.ids[other[holder]]},
            headers={"Authorization": f"Bearer {seeded.tokens[holder]}"},
        )
        if response.status_code == 200:
            holders[ref] = other[holder]
        return response.status_code == 200

    def whoami(session: httpx.Client, n: int) -> bool:
        response = session.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {seeded.tokens['exporter']}"}
        )
        return response.status_code == 200

    baseline = _drive(base, config, whoami)
    transfers = _drive(base, config, transfer)
    return {
        "benchmark": "api",
        "database": "sqlite",
        "clients": config.clients,
        "transfers": transfers,
        "baseline_authenticated_get": baseline,
        "transfers_per_second": transfers["per_second"],
        "transfer_p99_ms": transfers["latency_ms"]["p99"],
        "ratio_to_baseline": floor_to(transfers["per_second"] / baseline["per_second"]),
    }
