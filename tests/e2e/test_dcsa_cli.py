"""``corridor iss`` and ``corridor sur``: the commands' own checks and outputs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from corridor.cli.main import app
from corridor.services.node import Node

runner = CliRunner()


def _home(tmp_path: Path) -> str:
    Node.create(tmp_path / "n", database_url=f"sqlite:///{tmp_path / 'n.db'}").close()
    return str(tmp_path / "n")


def test_iss_key_prints_the_carrier_system_pem(tmp_path: Path) -> None:
    home = _home(tmp_path)
    first = runner.invoke(app, ["iss", "key", "WLSM", "--home", home])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("-----BEGIN PUBLIC KEY-----")
    assert runner.invoke(app, ["iss", "key", "WLSM", "--home", home]).output == first.output


def test_sur_answer_needs_exactly_one_verdict(tmp_path: Path) -> None:
    home = _home(tmp_path)
    both = runner.invoke(app, ["sur", "answer", "Z1", "--accept", "--reject", "--home", home])
    assert both.exit_code == 2
    unknown = runner.invoke(app, ["sur", "answer", "Z1", "--accept", "--home", home])
    assert unknown.exit_code == 2
    assert "no surrender request Z1" in unknown.output


def test_iss_status_of_an_unknown_reference_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["iss", "status", "NOPE", "--home", _home(tmp_path)])
    assert result.exit_code == 2
    assert "no issuance request for NOPE" in result.output


def test_iss_deliver_with_nothing_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["iss", "deliver", "--home", _home(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 issuance request(s) answered, 0 call(s) attempted" in result.output
