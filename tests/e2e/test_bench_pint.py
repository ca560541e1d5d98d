"""``corridor bench pint --json`` moves eBLs between two loopback nodes and reports its figures."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from corridor.cli.main import app


def test_bench_pint_json() -> None:
    result = CliRunner().invoke(
        app, ["bench", "pint", "--json", "--transfers", "6", "--latency-samples", "4"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["benchmark"] == "pint"
    assert report["throughput"]["transfers"] == 12
    assert report["throughput"]["transfers_per_s"] > 0
    latency = report["latency"]["end_to_end_ms"]
    assert report["latency"]["transfers"] == 4
    assert 0 < latency["p50"] <= latency["p99"] <= latency["max"]
    baseline = report["baseline_parse_only_post"]
    assert baseline["requests_per_s"] > 0
    assert baseline["latency_ms"]["p50"] > 0
    assert report["envelope_bytes"] > 1000
