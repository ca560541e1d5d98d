"""``corridor alerts list|check`` end to end on the demo corridor, with the real clock.

A node in a temporary --home gets the demo corridor (one overdue bill, ``WLSM26CQSG0102``); the
commands list the alert, queue it once per subscription across separate runs (each run opens
the node afresh, as after a restart), and drop it once its departure is imported.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from tests.api.alert_support import OVERDUE, demo_departure
from tests.e2e.cli_runs import isolate, run_cli

from corridor.services.access import Principal
from corridor.services.alert_subscriptions import AlertSubscriptions
from corridor.services.callback_policy import ALLOW_ENV
from corridor.services.demo import seed_corridor
from corridor.services.node import Node

UNREACHABLE = "http://127.0.0.1:9/alerts"  # the discard port: nobody answers


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def run(*args: str | Path, code: int = 0) -> Any:
    return run_cli(*args, code=code)


def last_line(result: Any) -> str:
    line: str = result.stdout.strip().splitlines()[-1]
    return line


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ALLOW_ENV, "allow")  # the discard port is on loopback
    path = tmp_path / "node"
    run("init", "--home", path)
    with Node.open(path) as node:
        seed_corridor(node)
        AlertSubscriptions(node).create(
            Principal(None), {"callbackUrl": UNREACHABLE, "secret": "a2V5a2V5a2V5a2V5a2V5a2V5"}
        )
    return path


def test_list_shows_the_overdue_bill_and_queues_nothing(home: Path) -> None:
    listed = run("alerts", "list", "--home", home)
    assert last_line(listed).startswith("1 journey alerts as of ")
    assert OVERDUE in listed.stdout
    assert "departure overdue at Qinzhou (CNQZH)" in " ".join(listed.stdout.split())
    assert "0 delivered, 0 pending, 0 failed" in listed.stdout
    one = run("alerts", "list", "--document", "WLSM26CQSG0101", "--home", home)
    assert last_line(one).startswith("0 journey alerts")
    missing = run("alerts", "list", "--document", "NO-SUCH", "--home", home, code=2)
    assert missing.stderr.strip() == "error: no eBL with reference NO-SUCH on this node"


def test_check_queues_each_alert_once_across_runs(home: Path) -> None:
    first = run("alerts", "check", "--no-deliver", "--home", home)
    assert last_line(first) == "1 journey alerts in 4 live documents; 1 new callbacks queued"
    again = run("alerts", "check", "--no-deliver", "--home", home)
    assert last_line(again) == "1 journey alerts in 4 live documents; 0 new callbacks queued"
    delivering = run("alerts", "check", "--home", home)
    assert last_line(delivering).endswith("0 new callbacks queued; 1 delivery attempts")
    listed = run("alerts", "list", "--home", home)
    assert "0 delivered, 1 pending, 0 failed" in listed.stdout  # unreachable: retried later


def test_the_alert_is_gone_once_the_departure_is_imported(home: Path, tmp_path: Path) -> None:
    assert OVERDUE in run("alerts", "list", "--home", home).stdout
    departure = demo_departure(dt.datetime.now(dt.UTC))
    path = tmp_path / "departure.json"
    path.write_text(json.dumps({"events": [departure]}), encoding="utf-8")
    imported = run("events", "import", path, "--home", home)
    assert "stored 1" in last_line(imported)
    listed = run("alerts", "list", "--home", home)
    assert last_line(listed).startswith("0 journey alerts")
    assert OVERDUE not in listed.stdout
    checked = run("alerts", "check", "--home", home)
    assert last_line(checked).startswith("0 journey alerts in 4 live documents; 0 new")
