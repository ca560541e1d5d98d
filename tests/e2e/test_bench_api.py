"""``corridor bench api --json`` serves a real node on loopback and reports what it promises."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from corridor.cli.main import app


def test_bench_api_json() -> None:
    result = CliRunner().invoke(app, ["bench", "api", "--json", "--clients", "2", "--seconds", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    transfers = report["transfers"]
    assert transfers["requests"] > 0
    assert transfers["failed"] == 0
    assert report["transfers_per_second"] == transfers["per_second"] > 0
    assert 0 < transfers["latency_ms"]["p50"] <= report["transfer_p99_ms"]
    assert report["baseline_authenticated_get"]["failed"] == 0
    assert report["baseline_authenticated_get"]["per_second"] > 0
