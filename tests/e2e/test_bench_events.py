"""``corridor bench events --json`` ingests, queries over HTTP and reports every promised figure."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from corridor.bench.event_corpus import FIRST_EVENT, event_corpus
from corridor.cli.main import app
from corridor.interop.dcsa.tnt.validate import check_tnt_event

EVENTS = 1500
FILTERS = {"equipment", "document", "location_and_type", "vessel_voyage", "created_window"}


def rate(figures: dict[str, Any]) -> None:
    assert figures["seconds"] > 0
    assert figures["cpu_seconds"] > 0
    assert figures["events_per_s"] > 0
    assert figures["events_per_cpu_s"] > 0


def latencies(figures: dict[str, float]) -> None:
    assert 0 < figures["p50"] <= figures["p99"] <= figures["max"]


def test_bench_events_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORRIDOR_BENCH_DATABASE_URL", raising=False)
    result = CliRunner().invoke(
        app, ["bench", "events", "--json", "--events", str(EVENTS), "--queries", "4"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["benchmark"] == "events"
    assert report["events"] == EVENTS
    assert "CPU second" in report["per_core"]
    assert len(report["load_average_1_5_15_min"]["before"]) == 3
    parse = report["baseline_json_parse"]
    for name in ("document", "per_event", "document_with_collector_running"):
        rate(parse[name])
    ingest = report["ingest"]
    rate(ingest)
    assert ingest["stored"] == ingest["rows_in_table"] == EVENTS
    assert ingest["rejected"] == 0
    assert ingest["database_bytes_per_event"] > 500
    memory = ingest["memory"]
    if memory["peak_rss_mib"] is not None:  # Linux: a few hundred events take a few MiB at most
        assert 0 <= memory["peak_rss_mib"] - memory["rss_mib_before"] < 256
    assert report["ingest_to_parse_ratio"] > 0
    query = report["query"]
    assert query["stored_events"] == EVENTS
    assert query["requests"] == 4 * len(FILTERS)
    assert query["events_returned_mean"] >= 1
    latencies(query["latency_ms"])
    assert set(query["by_filter"]) == FILTERS
    baseline = report["baseline_indexed_select"]
    latencies(baseline["latency_ms"])
    assert set(baseline["by_filter"]) == FILTERS
    assert report["target"]["ingest_events_per_cpu_s"] == 50_000
    assert report["target"]["met"] == (ingest["events_per_cpu_s"] >= 50_000)
    assert report["postgresql"] is None


def test_the_corpus_is_valid_tnt_and_its_spans_are_its_events() -> None:
    corpus = event_corpus(400, seed=7)
    events = orjson.loads(corpus.body)["events"]
    assert len(events) == corpus.count == len(corpus.ends) == 400
    start = FIRST_EVENT
    for event, end in zip(events, corpus.ends, strict=True):
        assert orjson.loads(corpus.body[start:end]) == event
        start = end + 1
        facts = check_tnt_event(event)[1]
        assert facts.event_type in {"EQUIPMENT", "TRANSPORT"}
        assert facts.classifier in {"ACTUAL", "ESTIMATED"}
        assert facts.transport_call_reference or facts.event_type == "EQUIPMENT"
    assert len({e["eventID"] for e in events}) == 400
    stored_containers = {e.get("equipmentDetails", {}).get("equipmentReference") for e in events}
    assert set(corpus.equipment_references) <= stored_containers
    assert event_corpus(400, seed=7).body == corpus.body
