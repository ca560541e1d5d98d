"""The ``corridor`` command end to end: a node in a temporary --home, driven like a user would.

The happy path runs the corridor journey command by command; the refusals check that a bad input
gets one clear line on stderr (never a traceback), the documented exit code, and leaves the node
exactly as it was.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.cli_runs import isolate, run_cli
from typer.testing import CliRunner

from corridor.cli.main import app
from corridor.crypto.canonical import checksum
from corridor.services.demo import DEMO_PARTIES, demo_document

REF = "WLSM26CQSG0001"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
TD_PATH = Path(str(resources.files("corridor.demo").joinpath("chongqing_singapore_td.json")))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def run(*args: str | Path, code: int = 0) -> Any:
    """Run ``corridor ARGS``; assert the exit code; an error must be one line, no traceback."""
    return run_cli(*args, code=code, strict=True, quiet_errors=True)


def error_line(*args: str | Path, code: int) -> str:
    line: str = run(*args, code=code).stderr.strip()
    return line


@dataclass
class Home:
    path: Path
    ids: dict[str, str]

    def __call__(self, *args: str | Path, code: int = 0) -> Any:
        return run(*args, "--home", self.path, code=code)

    def snapshot(self) -> tuple[object, ...]:
        """What a refused command must leave unchanged: the log, the parties, the record."""
        shown = CliRunner().invoke(app, ["ebl", "show", REF, "--home", str(self.path)])
        return (
            self("log", "audit").stdout,
            self("party", "list").stdout,
            shown.exit_code,
            shown.stdout,
            shown.stderr,
        )


@pytest.fixture
def home(tmp_path: Path) -> Home:
    path = tmp_path / "node"
    created = run("init", "--home", path).stdout
    assert f"node created in {path} (platform CRDR)" in created
    assert "verifier key: corridor.crdr/" in created
    ids = {}
    for party in DEMO_PARTIES:
        args: list[str | Path] = ["party", "add", party.name]
        for role in sorted(party.roles):
            args += ["--role", role]
        for code in party.codes:
            args += ["--code", code]
        out = run(*args, "--home", path).stdout.strip()
        assert re.fullmatch(r"[a-z0-9-]+", out), out
        ids[party.key] = out
    assert len(set(ids.values())) == len(DEMO_PARTIES)
    return Home(path, ids)


@pytest.fixture
def issued(home: Home) -> Home:
    home("ebl", "issue", TD_PATH, "--carrier", home.ids["carrier"], "--to", home.ids["exporter"])
    return home


def table_rows(text: str) -> list[list[str]]:
    """The cells of each body row of a rich table."""
    return [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def act(home: Home, command: str, actor: str, to: str | None = None, code: int = 0) -> str:
    args = ["ebl", command, REF, "--as", home.ids[actor]]
    if to is not None:
        args += ["--to", home.ids[to]]
    result = home(*args, code=code)
    return str(result.stdout if code == 0 else result.stderr).strip()


# The journey -------------------------------------------------------------------------------------


def test_party_list_shows_every_party_with_its_codes(home: Home) -> None:
    listing = home("party", "list").stdout
    for party in DEMO_PARTIES:
        row = next(line for line in listing.splitlines() if home.ids[party.key] in line)
        assert party.name in row
        for code in party.codes:
            assert code in row
        assert "custodial" in row


def test_issue_prints_reference_and_checksum(home: Home) -> None:
    out = home(
        "ebl", "issue", TD_PATH, "--carrier", home.ids["carrier"], "--to", home.ids["exporter"]
    ).stdout
    reference, digest = out.split()
    assert reference == REF
    assert HEX64.match(digest)
    assert digest == checksum(demo_document())


def test_the_journey_command_by_command(issued: Home, tmp_path: Path) -> None:
    h, ids = issued, issued.ids
    steps = [
        ("endorse-to-order", "exporter", "cq_bank", 2, "exporter"),
        ("transfer", "exporter", "cq_bank", 3, "cq_bank"),
        ("endorse-to-order", "cq_bank", "sg_bank", 4, "cq_bank"),
        ("transfer", "cq_bank", "sg_bank", 5, "sg_bank"),
        ("endorse", "sg_bank", "importer", 6, "sg_bank"),
        ("transfer", "sg_bank", "importer", 7, "importer"),
    ]
    for command, actor, to, sequence, holder in steps:
        line = act(h, command, actor, to)
        assert line.startswith(f"{command.upper().replace('-', '_')} {REF} #{sequence} ")
        assert f"(log leaf {sequence - 1}): status ISSUED, controller {ids[holder]}" in line

    shown = dict(table_rows(h("ebl", "show", REF).stdout))
    assert shown["possessor"] == ids["importer"]
    assert shown["endorsee"] == ids["importer"]
    assert shown["entries"] == "7"
    assert shown["checksum"] == checksum(demo_document())

    history = table_rows(h("ebl", "history", REF).stdout)
    assert [row[0] for row in history] == [str(n) for n in range(1, 8)]
    assert [row[2] for row in history] == ["ISSUE"] + [
        c.upper().replace("-", "_") for c, *_ in steps
    ]
    assert [row[3] for row in history] == [ids["carrier"]] + [ids[a] for _, a, *_ in steps]

    line = h("ebl", "surrender", REF, "--as", ids["importer"], "--for", "delivery").stdout
    assert line.startswith(f"SURRENDER_FOR_DELIVERY {REF} #8 ")
    assert "status SURRENDER_PENDING" in line
    line = act(h, "accept-surrender", "carrier")
    assert line.startswith(f"SACC {REF} #9 ")
    assert "status SURRENDERED" in line

    bundle = tmp_path / "out" / "bundle.json"
    bundle.parent.mkdir()
    assert h("ebl", "export", REF, "--out", bundle).stdout.strip() == (
        f"wrote {bundle} (9 entries, checkpoint included)"
    )
    assert len(json.loads(bundle.read_text())["entries"]) == 9
    verified = run("verify", bundle).stdout
    assert verified.startswith(f"valid: {REF}, 9 signed entries, status SURRENDERED")

    note = h("log", "checkpoint").stdout
    lines = note.splitlines()
    assert lines[0].startswith("corridor.crdr/")
    assert lines[1] == "9"
    assert lines[-1].startswith("verifier key: corridor.crdr/")
    pinned = run("verify", bundle, "--node-key", lines[-1].removeprefix("verifier key: "))
    assert pinned.stdout.startswith("valid: ")

    audit = h("log", "audit").stdout
    assert audit.startswith("audit ok: 9 entries, 1 documents, ")
    assert "tree size 9" in audit


def test_inert_bill_refuses_further_actions(issued: Home) -> None:
    issued("ebl", "surrender", REF, "--as", issued.ids["exporter"], "--for", "delivery")
    act(issued, "accept-surrender", "carrier")
    before = issued.snapshot()
    line = act(issued, "transfer", "carrier", "exporter", code=3)
    assert "SURRENDERED" in line
    assert issued.snapshot() == before


# Refusals ---------------------------------------------------------------------------------------


def test_malformed_json_document_is_refused(issued: Home, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"transportDocumentReference": "X1", ')
    before = issued.snapshot()
    line = error_line(
        "ebl", "issue", bad, "--carrier", issued.ids["carrier"], "--to", issued.ids["exporter"],
        "--home", issued.path, code=2,
    )  # fmt: skip
    assert str(bad) in line
    assert "JSON" in line
    assert issued.snapshot() == before


def test_document_breaking_a_dcsa_rule_is_refused(home: Home, tmp_path: Path) -> None:
    document = demo_document()
    document["transportDocumentTypeCode"] = "SWB"
    document["transportDocumentReference"] = "WLSM26CQSG0099"
    path = tmp_path / "swb.json"
    path.write_text(json.dumps(document))
    before = home.snapshot()
    line = error_line(
        "ebl", "issue", path, "--carrier", home.ids["carrier"], "--to", home.ids["exporter"],
        "--home", home.path, code=2,
    )  # fmt: skip
    assert "/isToOrder" in line
    assert "SWB" in line
    assert home.snapshot() == before
    assert "0 documents" in home("log", "audit").stdout


def test_unknown_party_is_refused(issued: Home) -> None:
    before = issued.snapshot()
    args = ["ebl", "transfer", REF, "--as", issued.ids["exporter"], "--to", "Nobody Trading Ltd"]
    line = error_line(*args, "--home", issued.path, code=2)
    assert "Nobody Trading Ltd" in line
    line = error_line(
        "ebl", "issue", TD_PATH, "--carrier", "No Such Carrier", "--to", issued.ids["exporter"],
        "--home", issued.path, code=2,
    )  # fmt: skip
    assert "No Such Carrier" in line
    assert issued.snapshot() == before


def test_action_by_a_non_controller_is_refused(issued: Home) -> None:
    before = issued.snapshot()
    line = act(issued, "transfer", "cq_bank", "importer", code=3)
    assert f"{issued.ids['cq_bank']} does not control {REF}" in line
    assert f"its controller is {issued.ids['exporter']}" in line
    assert issued.snapshot() == before


def test_bad_party_code_is_refused(home: Home) -> None:
    before = home.snapshot()
    line = error_line(
        "party", "add", "Fake Chongqing Trading Co., Ltd.", "--role", "trader",
        "--code", "USCC:91500000MA5U7XQ20X", "--home", home.path, code=2,
    )  # fmt: skip
    assert "91500000MA5U7XQ20X" in line
    assert home.snapshot() == before


def test_unknown_role_is_refused(home: Home) -> None:
    before = home.snapshot()
    line = error_line("party", "add", "Pirate Co.", "--role", "pirate", "--home", home.path, code=2)
    assert "'pirate'" in line
    assert "carrier" in line
    assert home.snapshot() == before


def test_surrender_for_lunch_is_refused(issued: Home) -> None:
    before = issued.snapshot()
    args = ["ebl", "surrender", REF, "--as", issued.ids["exporter"], "--for", "lunch"]
    line = error_line(*args, "--home", issued.path, code=2)
    assert "--for must be 'delivery' or 'amendment'" in line
    assert "'lunch'" in line
    assert issued.snapshot() == before


def test_accepting_without_a_pending_surrender_is_refused(issued: Home) -> None:
    before = issued.snapshot()
    line = act(issued, "accept-surrender", "carrier", code=2)
    assert "no surrender pending" in line
    assert issued.snapshot() == before


@pytest.mark.parametrize(
    "args",
    [
        ("party", "list"),
        ("ebl", "show", REF),
        ("log", "audit"),
        ("ebl", "issue", str(TD_PATH), "--carrier", "x", "--to", "y"),
    ],
)
def test_command_without_a_node_is_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    nowhere = tmp_path / "nowhere"
    line = error_line(*args, "--home", nowhere, code=5)
    assert f"no Corridor node at {nowhere}" in line
    assert "corridor init" in line
    assert not (nowhere / "corridor.db").exists()


def test_default_home_without_a_node_is_refused(tmp_path: Path) -> None:
    line = error_line("party", "list", code=5)
    assert "no Corridor node at .corridor" in line
    assert not (tmp_path / ".corridor").exists()


def test_init_twice_is_refused(home: Home) -> None:
    before = home.snapshot()
    line = error_line("init", "--home", home.path, code=5)
    assert "already holds a Corridor node" in line
    assert home.snapshot() == before


# The demo ---------------------------------------------------------------------------------------


def test_demo_script_runs_the_journey_and_its_bundle_verifies(tmp_path: Path) -> None:
    demo_home = tmp_path / "demo"
    out = run("demo", "--script", "--home", demo_home).stdout
    assert "VERIFY" in out
    assert "valid offline: 9 entries" in out
    assert "journey complete" in out
    assert run("verify", demo_home / "bundle.json").stdout.startswith(f"valid: {REF}, 9 signed")
    audit = run("log", "audit", "--home", demo_home).stdout
    assert audit.startswith("audit ok: 9 entries, 1 documents")

    line = error_line("demo", "--script", "--home", demo_home, code=5)
    assert "already holds a node" in line


def test_unreachable_database_is_one_line_and_leaves_no_half_node(tmp_path: Path) -> None:
    home = tmp_path / "h"
    result = run(
        "init", "--home", home, "--database-url", "postgresql://nobody@127.0.0.1:1/x", code=5
    )
    assert "database" in result.stderr
    assert not (home / "config.json").exists()
    assert not (home / "node-key.enc").exists()
