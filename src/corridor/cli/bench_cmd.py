"""``corridor bench ledger|api|pint|events [--json]``."""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

import typer

from corridor.bench.api import ApiBenchConfig, bench_api
from corridor.bench.events import EventsBenchConfig, bench_events
from corridor.bench.ledger import LedgerBenchConfig, bench_postgresql, bench_sqlite
from corridor.bench.pint import PintBenchConfig, bench_pint
from corridor.cli.common import err, handle_errors, out

app = typer.Typer(no_args_is_help=True)


@app.command("ledger")
@handle_errors
def ledger(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    actions: Annotated[int, typer.Option(help="Signed actions per database.")] = 4000,
    clients: Annotated[int, typer.Option(help="Concurrent clients.")] = 16,
    postgres_url: Annotated[
        str | None,
        typer.Option(
            "--postgres-url",
            envvar="CORRIDOR_BENCH_DATABASE_URL",
            help="Also run on PostgreSQL (a scratch schema is created and dropped).",
        ),
    ] = None,
) -> None:
    """Durable signed actions/s and ack latency on SQLite (and PostgreSQL), beside a baseline."""
    config = LedgerBenchConfig(actions=actions, clients=clients, documents=max(clients, 64))
    result: dict[str, Any] = {"benchmark": "ledger", "cpu_count": os.cpu_count()}
    if not as_json:
        err.print("running on SQLite...")
    result["sqlite"] = bench_sqlite(config)
    if postgres_url:
        if not as_json:
            err.print("running on PostgreSQL...")
        result["postgresql"] = bench_postgresql(postgres_url, config)
    else:
        result["postgresql"] = None
        result["postgresql_skipped"] = "set --postgres-url or CORRIDOR_BENCH_DATABASE_URL"
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print_json(json.dumps(result))


@app.command("api")
@handle_errors
def api(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    clients: Annotated[int, typer.Option(min=1, max=256, help="Concurrent clients.")] = 16,
    seconds: Annotated[
        float, typer.Option(min=0.5, help="Seconds for each of the two phases.")
    ] = 10.0,
) -> None:
    """Sustained API transfers/s and p99 latency on loopback (SQLite), beside a baseline GET."""
    if not as_json:
        err.print(f"serving a fresh SQLite node; {clients} clients, 2 x {seconds:g} s...")
    result = bench_api(ApiBenchConfig(clients=clients, seconds=seconds))
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print_json(json.dumps(result))
    failed = result["transfers"]["failed"] + result["baseline_authenticated_get"]["failed"]
    if failed:
        err.print(f"error: {failed} requests failed; the figures count only the successful ones")
        raise typer.Exit(1)


@app.command("pint")
@handle_errors
def pint(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    transfers: Annotated[
        int, typer.Option(min=1, help="eBLs in the throughput burst (each goes there and back).")
    ] = 200,
    latency_samples: Annotated[
        int, typer.Option(min=1, help="Transfers timed one at a time.")
    ] = 100,
) -> None:
    """PINT transfers/s and p99 end-to-end latency between two loopback nodes, beside a baseline."""
    config = PintBenchConfig(transfers=transfers, latency_samples=latency_samples)
    result = bench_pint(config, progress=None if as_json else err.print)
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print_json(json.dumps(result))


@app.command("events")
@handle_errors
def events(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    count: Annotated[
        int, typer.Option("--events", min=100, help="Tracking events to ingest and query.")
    ] = 1_000_000,
    queries: Annotated[
        int, typer.Option("--queries", min=1, help="GET /v2/events requests per filter.")
    ] = 200,
    postgres_url: Annotated[
        str | None,
        typer.Option(
            "--postgres-url",
            envvar="CORRIDOR_BENCH_DATABASE_URL",
            help="Also ingest into PostgreSQL (a scratch schema is created and dropped).",
        ),
    ] = None,
) -> None:
    """Bulk ingest events/s per core and filtered GET /v2/events p99 (SQLite), beside baselines."""
    config = EventsBenchConfig(events=count, queries=queries)
    result = bench_events(config, postgres_url, progress=None if as_json else err.print)
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print_json(json.dumps(result))
