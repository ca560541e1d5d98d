"""``corridor iss`` and ``corridor sur``: the commands' own checks and outputs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from corridor.cli.main import app
from corridor.crypto.keys import PrivateKey
from corridor.services.dcsa_surrender import Surrenders
from corridor.services.demo import demo_document, seed_parties
from corridor.services.node import Node
from corridor.services.platforms import Platforms

REF = "WLSM26CQSG0001"

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


def test_ebl_surrender_queues_the_request_for_the_carrier_system(tmp_path: Path) -> None:
    node = Node.create(tmp_path / "n", database_url=f"sqlite:///{tmp_path / 'n.db'}")
    ids = seed_parties(node)
    node.issue(demo_document(), carrier=ids["carrier"], to=ids["exporter"])
    pem = PrivateKey.generate().public_key.to_pem()
    Platforms(node).add("WLSM", "Western Land-Sea carrier system", "http://carrier.test", [pem])
    node.close()
    home = str(tmp_path / "n")
    args = ["ebl", "surrender", REF, "--as", ids["exporter"], "--for", "delivery"]
    result = runner.invoke(app, [*args, "--home", home])
    assert result.exit_code == 0, result.output
    assert "note: surrender request queued for the carrier system WLSM" in result.stderr
    with Node.open(Path(home)) as reopened:
        (sent,) = Surrenders(reopened).sent(REF)
        assert sent.request_code == "SREQ"
        assert sent.surrender_entry_hash == reopened.history(REF)[-1].row.entry_hash
