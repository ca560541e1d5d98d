"""``corridor bench ledger --json`` runs end to end and reports the figures it promises."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corridor.cli.main import app


def test_bench_ledger_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORRIDOR_BENCH_DATABASE_URL", raising=False)
    result = CliRunner().invoke(
        app, ["bench", "ledger", "--json", "--actions", "64", "--clients", "4"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    sqlite = report["sqlite"]
    assert sqlite["actions"] == 64
    assert sqlite["actions_per_second"] > 0
    assert sqlite["baseline_fsynced_inserts_per_second"] > 0
    assert 0 < sqlite["ack_latency_ms"]["p50"] <= sqlite["ack_latency_ms"]["p99"]
    assert sqlite["batches"] >= 1
    assert report["postgresql"] is None
