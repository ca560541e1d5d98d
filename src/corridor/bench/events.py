"""``corridor bench events``: bulk ingest of DCSA tracking events, then filtered TNT 2.2 queries.

``N`` corridor events (``bench.event_corpus``: DCSA TNT 3.0.0 EQUIPMENT and TRANSPORT events of
many journeys, ISO 6346 containers, UN/LOCODEs, documents, vessels and voyages) are serialised
once as a DCSA JSON file, ``{"events": [...]}`` bytes, before anything is timed. Then:

- **baseline, parsing**: ``orjson.loads`` of the same bytes, the whole document at once, then each
  event's own bytes one at a time: what reading the events costs before anything is checked or
  stored. The import reads the array an item at a time (``interop.json_array``), so the ratio
  ``ingest_to_parse_ratio`` is taken against the per-event parse, the faster of the two. Timed
  with the cyclic garbage collector paused, as the ingest runs it
  (``services.collector``), so the baseline is the fastest parse; the whole-document parse with
  the collector running, as a plain Python program would, is reported beside it;
- **ingest**: a fresh SQLite node (WAL, ``synchronous=FULL``); the time of
  ``EventStore.ingest(read_dcsa_json(bytes))``, end to end: parse, dialect, schema, rules,
  stored form, decisions, writes and durable commits. Events per second of wall time, and **per
  core**: events per CPU second of this process (``time.process_time()``: user and system time of
  all its threads). Checked: every event stored, none refused, and the table holds ``N`` rows;
- **query**: with the ``N`` events stored, the node is served by ``corridor serve`` in another
  process and this one sends filtered ``GET /v2/events`` requests one at a time on a keep-alive
  connection, with an API token, for values drawn at random from those stored (``bench.
  event_queries``); latency from request to the whole body read (p50, p99, max);
- **baseline, query**: the same filters as plain indexed ``SELECT``s on the same database file
  (``sqlite3`` directly, the same indexes), the rows of a page fetched: what the database alone
  costs.

With ``--postgres-url`` the same events are also ingested into a scratch PostgreSQL schema.
Figures are cut, never rounded up (``stats.floor_to``); the machine's load average is reported
at the start and the end, because other work on the machine slows every figure.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from corridor.bench.event_corpus import DEFAULT_SEED, FIRST_EVENT, EventCorpus, event_corpus
from corridor.bench.event_queries import measure_queries
from corridor.bench.stats import floor_to
from corridor.errors import NodeError
from corridor.interop.dcsa.tnt.reader import read_dcsa_json
from corridor.services.access import Access
from corridor.services.collector import collector_paused
from corridor.services.events import DEFAULT_CHUNK, EventStore
from corridor.services.node import Node
from corridor.storage.scratch import scratch_schema

__all__ = ["EventsBenchConfig", "bench_events"]

TARGET_EVENTS_PER_CPU_S = 50_000
PER_CORE = "events per CPU second of this process (time.process_time(): user + system, all threads)"


@dataclass(frozen=True)
class EventsBenchConfig:
    events: int = 1_000_000
    queries: int = 200  # requests per filter
    chunk_size: int = DEFAULT_CHUNK
    seed: int = DEFAULT_SEED


Say = Callable[[str], None]


@dataclass(frozen=True)
class _Timed:
    seconds: float
    cpu_seconds: float

    def figures(self, events: int) -> dict[str, float]:
        return {
            "seconds": floor_to(self.seconds),
            "cpu_seconds": floor_to(self.cpu_seconds),
            "events_per_s": floor_to(events / self.seconds, 1),
            "events_per_cpu_s": floor_to(events / self.cpu_seconds, 1),
        }


@contextmanager
def _clock() -> Iterator[list[_Timed]]:
    box: list[_Timed] = []
    wall, cpu = time.perf_counter(), time.process_time()
    yield box
    box.append(_Timed(time.perf_counter() - wall, time.process_time() - cpu))


def _load() -> list[float]:
    return [floor_to(x, 2) for x in os.getloadavg()]


def _parse_baseline(corpus: EventCorpus) -> dict[str, Any]:
    """``orjson.loads`` of the whole document and of each event (module docstring)."""
    view = memoryview(corpus.body)
    with collector_paused():
        with _clock() as document:
            parsed = orjson.loads(corpus.body)
        del parsed
        with _clock() as each:
            start = FIRST_EVENT
            for end in corpus.ends:
                orjson.loads(view[start:end])
                start = end + 1  # past the comma between events
    with _clock() as running:
        parsed = orjson.loads(corpus.body)
    del parsed
    return {
        "what": "orjson.loads of the same bytes; the cyclic collector paused as during ingest",
        "document": document[0].figures(corpus.count),
        "per_event": each[0].figures(corpus.count),
        "document_with_collector_running": running[0].figures(corpus.count),
    }


def _ingest(store: EventStore, corpus: EventCorpus, config: EventsBenchConfig, say: Say) -> Any:
    done = 0
    step = max(config.chunk_size, corpus.count // 10)
    shown = 0

    def progress(n: int) -> None:
        nonlocal done, shown
        done += n
        if done - shown >= step or done == corpus.count:
            shown = done
            say(f"  ingested {done:,} of {corpus.count:,}")

    peak_reset = _reset_peak_rss()
    before = _status_mib("VmRSS")
    with _clock() as timed:
        summary = store.ingest(
            read_dcsa_json(corpus.body), chunk_size=config.chunk_size, progress=progress
        )
    memory = {
        "rss_mib_before": before,
        "peak_rss_mib": _status_mib("VmHWM") if peak_reset else None,
        "what": "resident memory of this process (the corpus bytes included) before the "
        "ingest, and its peak during it (Linux /proc; None elsewhere)",
    }
    if summary.stored != corpus.count or summary.rejected:
        first = summary.rejected[0] if summary.rejected else "none refused"
        raise NodeError(
            f"the ingest stored {summary.stored} of {corpus.count} events ({first}); "
            "the figures would not be of a full ingest"
        )
    return timed[0], summary, memory


def _reset_peak_rss() -> bool:
    """Start the kernel's peak-RSS count again from now (Linux: ``clear_refs`` 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def _status_mib(field: str) -> float | None:
    """A ``kB`` line of ``/proc/self/status`` in MiB, or None where there is none."""
    try:
        lines = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":")
        if name == field:
            return floor_to(int(value.split()[0]) / 1024, 1)
    return None


def _stored_rows(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        (count,) = conn.execute("SELECT count(*) FROM tracking_events").fetchone()
    return int(count)


def _ingest_sqlite(
    home: Path, corpus: EventCorpus, config: EventsBenchConfig, say: Say
) -> tuple[dict[str, Any], str]:
    database = home / "corridor.db"
    node = Node.create(home, database_url=f"sqlite:///{database}")
    try:
        token = Access(node).create_token(None, label="bench events").token
        say(f"ingest: {corpus.count:,} events into a fresh SQLite node...")
        timed, summary, memory = _ingest(EventStore(node), corpus, config, say)
    finally:
        node.close()
    stored = _stored_rows(database)
    if stored != corpus.count:
        raise NodeError(f"the table holds {stored} events after ingesting {corpus.count}")
    figures: dict[str, Any] = {
        "database": "sqlite (WAL, synchronous=FULL)",
        "events": corpus.count,
        **timed.figures(corpus.count),
        "stored": summary.stored,
        "rejected": len(summary.rejected),
        "rows_in_table": stored,
        "chunk_size": config.chunk_size,
        "database_bytes_per_event": floor_to(_database_bytes(database) / corpus.count, 1),
        "memory": memory,
    }
    return figures, token


def _database_bytes(database: Path) -> int:
    return sum(
        path.stat().st_size
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists()
    )


def _ingest_postgresql(url: str, corpus: EventCorpus, config: EventsBenchConfig, say: Say) -> Any:
    with (
        tempfile.TemporaryDirectory(prefix="corridor-bench-events-pg-") as scratch,
        scratch_schema(url, "bench") as schema_url,
    ):
        node = Node.create(Path(scratch) / "node", database_url=schema_url)
        try:
            say(f"ingest: {corpus.count:,} events into PostgreSQL...")
            timed, summary, _ = _ingest(EventStore(node), corpus, config, say)
        finally:
            node.close()
    return {
        "database": "postgresql",
        "events": corpus.count,
        **timed.figures(corpus.count),
        "stored": summary.stored,
        "rejected": len(summary.rejected),
        "chunk_size": config.chunk_size,
        "note": "CPU seconds are this process's only; the server's are not counted",
    }


def bench_events(
    config: EventsBenchConfig, postgres_url: str | None = None, progress: Say | None = None
) -> dict[str, Any]:
    """Run every phase (module docstring); return the figures as JSON-ready data."""
    say = progress or (lambda _line: None)
    load_before = _load()
    say(f"generating {config.events:,} DCSA TNT 3.0 events...")
    corpus = event_corpus(config.events, config.seed)
    say("baseline: orjson.loads of the same bytes...")
    parse = _parse_baseline(corpus)
    with tempfile.TemporaryDirectory(prefix="corridor-bench-events-") as scratch:
        home = Path(scratch) / "node"
        ingest, token = _ingest_sqlite(home, corpus, config, say)
        queries = measure_queries(home, token, corpus, config.queries, config.seed, say)
    result: dict[str, Any] = {
        "benchmark": "events",
        "cpu_count": os.cpu_count(),
        "load_average_1_5_15_min": {"before": load_before, "after": _load()},
        "events": corpus.count,
        "event_json_bytes_mean": floor_to(len(corpus.body) / corpus.count, 1),
        "per_core": PER_CORE,
        "baseline_json_parse": parse,
        "ingest": ingest,
        "ingest_to_parse_ratio": floor_to(
            ingest["events_per_cpu_s"] / parse["per_event"]["events_per_cpu_s"]
        ),
        "ingest_to_parse_ratio_against": "per_event: the import reads the array an item at a time",
        **queries,
        "target": {
            "ingest_events_per_cpu_s": TARGET_EVENTS_PER_CPU_S,
            "met": ingest["events_per_cpu_s"] >= TARGET_EVENTS_PER_CPU_S,
        },
    }
    if postgres_url:
        result["postgresql"] = _ingest_postgresql(postgres_url, corpus, config, say)
    else:
        result["postgresql"] = None
        result["postgresql_skipped"] = "set --postgres-url or CORRIDOR_BENCH_DATABASE_URL"
    return result
