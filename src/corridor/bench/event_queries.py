"""The query half of ``corridor bench events``: filtered ``GET /v2/events`` beside plain SELECTs.

Five filters of DCSA TNT 2.2 ``GET /v2/events`` (``TNT_v2.2.0.yaml``), each with ``limit=20``
and values drawn at random from those stored:

============================  ===============================  =================================
filter                        query                            the plain SELECT beside it
============================  ===============================  =================================
``equipment``                 ``equipmentReference=X``         ``equipment_reference = X``
``document``                  ``transportDocumentReference``   ``seq IN`` the document index
``location_and_type``         ``eventType=EQUIPMENT&``         ``un_location = Y AND
                              ``UNLocationCode=Y``             event_type = 'EQUIPMENT'``
``vessel_voyage``             ``vesselIMONumber=V&``           ``vessel_imo = V AND voyage = W``
                              ``exportVoyageNumber=W``
``created_window``            ``eventCreatedDateTime:gte=T&``  ``updated_at_us`` in [T, T + 1 h)
                              ``eventCreatedDateTime:lt=...``
============================  ===============================  =================================

The node is served by ``corridor serve`` in its own process (uvicorn, as a user runs it) and the
requests go one at a time over one keep-alive connection with an API token. A request counts as
answered when its whole body is read; it fails unless it is 200 with as many events as the plain
SELECT finds for the same values (the same rows, so the comparison is fair). The plain SELECTs
run on the same database file with ``sqlite3`` (read-only), rows of a page fetched, and use the
same indexes: the database's share of a request.
"""

from __future__ import annotations

import datetime as dt
import random
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from corridor.bench.event_corpus import EventCorpus
from corridor.bench.stats import floor_to, latency_ms
from corridor.errors import NodeError

__all__ = ["measure_queries"]

PAGE = 20
_WARM_UP = 50
_WINDOW = dt.timedelta(hours=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ROWS = "SELECT seq, event_json FROM tracking_events WHERE "
_PAGE_ORDER = f" ORDER BY seq LIMIT {PAGE}"
_SQL = {
    "equipment": _ROWS + "equipment_reference = ?" + _PAGE_ORDER,
    "document": _ROWS  # noqa: S608 (constants only)
    + "seq IN (SELECT seq FROM tracking_event_documents WHERE reference = ? "
    + "AND document_type = 'TRANSPORT_DOCUMENT')"
    + _PAGE_ORDER,
    "location_and_type": _ROWS + "un_location = ? AND event_type = 'EQUIPMENT'" + _PAGE_ORDER,
    "vessel_voyage": _ROWS + "vessel_imo = ? AND voyage = ?" + _PAGE_ORDER,
    "created_window": _ROWS + "updated_at_us >= ? AND updated_at_us < ?" + _PAGE_ORDER,
}


@dataclass(frozen=True)
class _Sample:
    kind: str
    params: dict[str, str]
    args: tuple[Any, ...]


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def _window(rng: random.Random, corpus: EventCorpus) -> _Sample:
    """An hour of eventCreatedDateTime (eventUpdatedDateTime) that ends with a stored event's."""
    end = rng.choice(corpus.updated) + dt.timedelta(seconds=1)
    start = end - _WINDOW
    params = {"eventCreatedDateTime:gte": _iso(start), "eventCreatedDateTime:lt": _iso(end)}
    return _Sample("created_window", params, (_micros(start), _micros(end)))


def _samples(corpus: EventCorpus, per_filter: int, seed: int) -> list[_Sample]:
    rng = random.Random(seed)  # noqa: S311 (benchmark samples, reproducible)
    makers: dict[str, Callable[[], _Sample]] = {
        "equipment": lambda: _one("equipment", "equipmentReference", corpus.equipment_references),
        "document": lambda: _one(
            "document", "transportDocumentReference", corpus.transport_document_references
        ),
        "location_and_type": lambda: _one(
            "location_and_type", "UNLocationCode", corpus.locations, eventType="EQUIPMENT"
        ),
        "vessel_voyage": lambda: _voyage(rng.choice(corpus.voyages)),
        "created_window": lambda: _window(rng, corpus),
    }

    def _one(kind: str, name: str, values: tuple[str, ...], **more: str) -> _Sample:
        value = rng.choice(values)
        return _Sample(kind, {name: value, **more}, (value,))

    samples = [make() for make in makers.values() for _ in range(per_filter)]
    rng.shuffle(samples)
    return samples


def _voyage(pair: tuple[str, str]) -> _Sample:
    params = {"vesselIMONumber": pair[0], "exportVoyageNumber": pair[1]}
    return _Sample("vessel_voyage", params, pair)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def _served(home: Path) -> Iterator[str]:
    """``corridor serve`` on a free loopback port until the block ends; yields the base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "corridor", "serve", "--home", str(home), "--port", str(port)]
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)
        if server.stderr is not None:
            server.stderr.close()


def _wait_until_up(server: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            problem = server.communicate()[1].decode()
            raise NodeError(f"the benchmark server did not start: {problem.strip()[-300:]}")
        try:
            httpx.get(f"{base}/api/v1/health", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise NodeError("the benchmark server did not answer within 120 s")


def _select(database: Path, samples: list[_Sample]) -> tuple[list[float], list[int]]:
    """Each sample's plain SELECT: seconds taken, rows found."""
    seconds: list[float] = []
    found: list[int] = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        for sample in samples:
            started = time.perf_counter()
            rows = conn.execute(_SQL[sample.kind], sample.args).fetchall()
            seconds.append(time.perf_counter() - started)
            found.append(len(rows))
    return seconds, found


def _request(
    base: str, token: str, samples: list[_Sample], expected: list[int]
) -> tuple[list[float], list[str]]:
    """Each sample's ``GET /v2/events``: seconds taken; what went wrong, if anything."""
    seconds: list[float] = []
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for sample, count in zip(samples, expected, strict=True):
            started = time.perf_counter()
            response = client.get("/v2/events", params={**sample.params, "limit": str(PAGE)})
            body = response.content
            seconds.append(time.perf_counter() - started)
            got = len(response.json()) if response.status_code == 200 else None
            if got != count or count == 0:
                failures.append(
                    f"{sample.params}: HTTP {response.status_code}, {got} events, "
                    f"{count} rows by SELECT ({body[:120]!r})"
                )
    return seconds, failures


def _by_kind(samples: list[_Sample], seconds: list[float]) -> dict[str, dict[str, float]]:
    kinds = dict.fromkeys(s.kind for s in samples)
    return {
        kind: latency_ms([t for s, t in zip(samples, seconds, strict=True) if s.kind == kind])
        for kind in kinds
    }


def measure_queries(
    home: Path,
    token: str,
    corpus: EventCorpus,
    per_filter: int,
    seed: int,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """The query phase and its baseline (module docstring), as JSON-ready data."""
    samples = _samples(corpus, per_filter, seed)
    database = home / "corridor.db"
    say(f"baseline: {len(samples)} plain indexed SELECTs with sqlite3...")
    warm = samples[:_WARM_UP]
    _select(database, warm)  # not counted: the first reads fill the file cache
    select_seconds, found = _select(database, samples)
    say(f"query: {len(samples)} filtered GET /v2/events over HTTP on loopback...")
    with _served(home) as base:
        _request(base, token, warm, found[:_WARM_UP])  # not counted: the server's first calls
        request_seconds, failures = _request(base, token, samples, found)
    if failures:
        raise NodeError(f"{len(failures)} of {len(samples)} queries failed, e.g. {failures[0]}")
    query = {
        "stored_events": corpus.count,
        "requests": len(samples),
        "page_limit": PAGE,
        "events_returned_mean": floor_to(sum(found) / len(found), 2),
        "latency_ms": latency_ms(request_seconds),
        "by_filter": _by_kind(samples, request_seconds),
    }
    baseline = {
        "what": "the same filters as plain indexed SELECTs, sqlite3 on the same database file",
        "latency_ms": latency_ms(select_seconds),
        "by_filter": _by_kind(samples, select_seconds),
    }
    return {"query": query, "baseline_indexed_select": baseline}
