"""``corridor bench ledger``: durable signed actions per second, beside a same-run baseline.

Baseline: plain SQLite inserts of 200-byte rows, one fsynced commit each (WAL,
``synchronous=FULL``), on the same disk in the same run. Corridor: a fresh node; ``documents``
eBLs issued; then ``clients`` threads, each owning some documents, each transferring its
documents back and forth between two banks and waiting for every acknowledgement (the action is
signed, chained, logged in the Merkle tree and committed before the ack). Latency is measured
per action from submit to acknowledgement.
"""

from __future__ import annotations

import copy
import os
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor.domain.party import Role
from corridor.domain.title import ActionCode
from corridor.ledger.group_commit import DEFAULT_MAX_WAIT_MS
from corridor.services.demo import demo_document
from corridor.services.node import Node
from corridor.storage.scratch import scratch_schema


@dataclass(frozen=True)
class LedgerBenchConfig:
    actions: int = 4000
    clients: int = 16
    documents: int = 64
    baseline_rows: int = 500
    max_batch: int = 256
    max_wait_ms: float = DEFAULT_MAX_WAIT_MS


def baseline_sqlite_inserts(directory: Path, rows: int) -> float:
    """Rows per second: 200-byte rows, one fsynced commit each."""
    path = directory / "baseline.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    payload = os.urandom(200)
    start = time.perf_counter()
    for i in range(rows):
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t (id, payload) VALUES (?, ?)", (i, payload))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return rows / elapsed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _issue_documents(node: Node, count: int, carrier: str, holder: str) -> list[str]:
    template = demo_document()
    refs = []
    for i in range(count):
        document = copy.deepcopy(template)
        ref = f"BENCH{i:08d}"
        document["transportDocumentReference"] = ref
        refs.append(node.issue(document, carrier=carrier, to=holder).document_reference)
    return refs


def _setup(node: Node, documents: int) -> tuple[list[str], str, str]:
    carrier = node.add_party(
        "Western Land-Sea Multimodal (Chongqing) Co., Ltd.", frozenset({Role.CARRIER})
    ).party_id
    first = node.add_party(
        "Chongqing Yuxin Auto Parts Export Co., Ltd.", frozenset({Role.SHIPPER})
    ).party_id
    second = node.add_party("Straits Merchant Bank Singapore", frozenset({Role.BANK})).party_id
    return _issue_documents(node, documents, carrier, first), first, second


def run_actions(node: Node, config: LedgerBenchConfig) -> dict[str, Any]:
    """Run the transfer workload on ``node``; return throughput and latency figures."""
    refs, first, second = _setup(node, config.documents)
    per_client = [refs[i :: config.clients] for i in range(config.clients)]
    quota = config.actions // config.clients
    latencies: list[list[float]] = [[] for _ in range(config.clients)]
    errors: list[BaseException] = []

    def client(index: int) -> None:
        holder = dict.fromkeys(per_client[index], first)
        mine = per_client[index]
        for n in range(quota):
            ref = mine[n % len(mine)]
            actor = holder[ref]
            other = second if actor == first else first
            began = time.perf_counter()
            try:
                node.act(ref, ActionCode.TRANSFER, actor=actor, recipient=other)
            except BaseException as exc:  # a failed action makes the run invalid
                errors.append(exc)
                return
            latencies[index].append(time.perf_counter() - began)
            holder[ref] = other

    elapsed = _timed_threads(client, config.clients)
    if errors:
        raise errors[0]
    flat = [x for part in latencies for x in part]
    stats = node.writer_stats()
    return {
        "actions": len(flat),
        "clients": config.clients,
        "seconds": round(elapsed, 3),
        "actions_per_second": round(len(flat) / elapsed, 1),
        "ack_latency_ms": {
            "p50": round(statistics.median(flat) * 1000, 3),
            "p99": round(_percentile(flat, 0.99) * 1000, 3),
            "max": round(max(flat) * 1000, 3),
        },
        "batches": stats.batches,
        "mean_batch_size": round(stats.items / max(1, stats.batches), 2),
        "largest_batch": stats.largest_batch,
    }


def _timed_threads(target: Callable[[int], None], count: int) -> float:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def bench_sqlite(config: LedgerBenchConfig) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as scratch:
        directory = Path(scratch)
        baseline = baseline_sqlite_inserts(directory, config.baseline_rows)
        node = Node.create(
            directory / "node",
            database_url=f"sqlite:///{directory / 'node.db'}",
            max_batch=config.max_batch,
            max_wait_ms=config.max_wait_ms,
        )
        try:
            result = run_actions(node, config)
        finally:
            node.close()
    result["baseline_fsynced_inserts_per_second"] = round(baseline, 1)
    result["ratio_to_baseline"] = round(result["actions_per_second"] / baseline, 2)
    return result


def bench_postgresql(url: str, config: LedgerBenchConfig) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="corridor-bench-") as scratch,
        scratch_schema(url, "bench") as schema_url,
    ):
        node = Node.create(
            Path(scratch) / "node",
            database_url=schema_url,
            max_batch=config.max_batch,
            max_wait_ms=config.max_wait_ms,
        )
        try:
            return run_actions(node, config)
        finally:
            node.close()
