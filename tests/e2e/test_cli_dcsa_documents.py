"""``corridor ebl transport-document``, ``ebl check`` and ``ebl draft``, driven like a user would.

Output goes to stdout; a refusal ends with one ``error:`` line on stderr and exit code 2, never
a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.cli_runs import isolate, run_cli

from corridor.crypto.canonical import canonical_bytes, checksum, parse_json
from corridor.services.demo import demo_document, seed_parties
from corridor.services.node import Node

REF = "WLSM26CQSG0001"
EXAMPLES = Path(__file__).parents[1] / "vectors" / "dcsa" / "examples"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def run(*args: str | Path, code: int = 0) -> Any:
    return run_cli(*args, code=code, strict=True)


@pytest.fixture
def document() -> dict[str, Any]:
    td = demo_document()
    td["xCorridorNote"] = {"kept": [1, 2.5, "重庆"]}  # a member nobody defines
    return td


@pytest.fixture
def home(tmp_path: Path, document: dict[str, Any]) -> Path:
    """A node home holding the issued demo document (with an extra member)."""
    path = tmp_path / "node"
    with Node.create(path, database_url=f"sqlite:///{tmp_path / 'node.db'}") as node:
        ids = seed_parties(node)
    source = tmp_path / "td.json"
    source.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    run(
        "ebl", "issue", source, "--carrier", ids["carrier"], "--to", ids["exporter"], "--home", path
    )
    return path


# --- transport-document ------------------------------------------------------------------


def test_the_issued_document_comes_back_indented(home: Path, document: dict[str, Any]) -> None:
    text = run("ebl", "transport-document", REF, "--home", home).stdout_bytes
    assert text.endswith(b"}\n")
    assert b'\n  "xCorridorNote": {' in text
    assert canonical_bytes(parse_json(text)) == canonical_bytes(document)


def test_canonical_is_the_stored_bytes_exactly(home: Path, document: dict[str, Any]) -> None:
    text = run("ebl", "transport-document", REF, "--canonical", "--home", home).stdout_bytes
    assert text == canonical_bytes(document)


@pytest.mark.parametrize("canonical", [True, False])
def test_out_writes_a_file_and_says_so(
    home: Path, tmp_path: Path, document: dict[str, Any], canonical: bool
) -> None:
    target = tmp_path / "exported.json"
    flags = ["--canonical"] if canonical else []
    line = run("ebl", "transport-document", REF, "--out", target, *flags, "--home", home).stdout
    form = "RFC 8785 canonical" if canonical else "indented"
    assert line == f"wrote {target} ({REF}, {form}, checksum {checksum(document)})\n"
    written = target.read_bytes()
    assert canonical_bytes(parse_json(written)) == canonical_bytes(document)
    assert (written == canonical_bytes(document)) is canonical


def test_an_unknown_reference_is_one_line(home: Path) -> None:
    result = run("ebl", "transport-document", "NOPE", "--home", home, code=2)
    assert result.stderr == "error: no eBL with reference NOPE on this node\n"


def test_an_unwritable_out_is_one_line(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "td.json"
    result = run("ebl", "transport-document", REF, "--out", target, "--home", home, code=2)
    assert result.stderr.startswith(f"error: cannot write {target}: ")


def test_the_bundle_export_is_unchanged(home: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    assert run("ebl", "export", REF, "--out", bundle, "--home", home).stdout.startswith(
        f"wrote {bundle} (1 entries"
    )
    assert run("verify", bundle).stdout.startswith(f"valid: {REF}")


# --- check -------------------------------------------------------------------------------


def test_check_a_transport_document(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "td.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    lines = run("ebl", "check", path).stdout.splitlines()
    assert lines[0] == (
        f"{path}: a valid DCSA eBL 3.0.3 TransportDocument, checksum {checksum(document)}"
    )
    assert lines[1] == (
        "  extra /xCorridorNote: xCorridorNote is not defined by DCSA eBL 3.0.3; kept as given"
    )
    assert lines[2].startswith("  kept as given, not read by Corridor: /carrierClauses, ")


def test_check_warns_about_a_container_number(tmp_path: Path) -> None:
    td = demo_document()
    td["utilizedTransportEquipments"][0]["equipment"]["equipmentReference"] = "WLMU4582012"
    td["consignmentItems"][0]["cargoItems"][0]["equipmentReference"] = "WLMU4582012"
    path = tmp_path / "td.json"
    path.write_text(json.dumps(td), encoding="utf-8")
    lines = run("ebl", "check", path).stdout.splitlines()
    assert lines[1].startswith(
        "  warning /utilizedTransportEquipments/0/equipment/equipmentReference: "
        "container number 'WLMU4582012' fails the ISO 6346 check digit"
    )


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("si-dg.json", None),
        ("si-negotiable-bl.json", "container number 'MAEU6543210' fails the ISO 6346"),
        ("si-straight-bl.json", "container number 'MSCU9988776' fails the ISO 6346"),
    ],
)
def test_check_shipping_instructions(name: str, warning: str | None) -> None:
    path = EXAMPLES / name
    lines = run("ebl", "check", path).stdout.splitlines()
    assert lines[0].startswith(f"{path}: a valid DCSA eBL 3.0.3 CreateShippingInstructions, ")
    warnings = [line for line in lines if line.startswith("  warning ")]
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1
        assert warnings[0].startswith(
            f"  warning /utilizedTransportEquipments/0/equipmentReference: {warning}"
        )
    assert any("extra /documentParties/issueTo/partyContactDetails" in line for line in lines)


def test_check_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    td = demo_document()
    del td["termsAndConditions"]
    td["isElectronic"] = "yes"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(td), encoding="utf-8")
    result = run("ebl", "check", path, code=2)
    assert result.stdout.splitlines() == [
        f"{path}: not a valid DCSA eBL 3.0.3 TransportDocument",
        "  error /isElectronic: isElectronic must be a boolean (true or false), not a string",
        "  error /termsAndConditions: termsAndConditions is required by DCSA eBL 3.0.3 but is "
        "missing; add it",
    ]
    assert result.stderr == (
        f"error: {path} is not a valid DCSA eBL 3.0.3 TransportDocument: 2 problems, listed above\n"
    )


def test_check_as_overrides_what_the_fields_suggest(tmp_path: Path) -> None:
    path = tmp_path / "td.json"
    path.write_text(json.dumps(demo_document()), encoding="utf-8")
    result = run("ebl", "check", path, "--as", "shipping-instructions", code=2)
    # The demo TD names its SI (shippingInstructionsReference): checked as an SI update.
    assert result.stdout.startswith(
        f"{path}: not a valid DCSA eBL 3.0.3 UpdateShippingInstructions\n"
    )
    assert "  error /isCargoDeliveredInICS2Zone: " in result.stdout
    assert "1 problem, listed above" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "expected a JSON object (a transport document or shipping instructions)"),
        (b'{"a": 1,}', "invalid JSON at line 1 column 9"),
    ],
)
def test_check_refuses_what_is_not_a_json_object(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    assert run("ebl", "check", path, code=2).stderr.startswith(f"error: {path}: {message}")


def test_check_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    assert run("ebl", "check", missing, code=2).stderr == (
        f"error: cannot read {missing}: No such file or directory\n"
    )


# --- draft -------------------------------------------------------------------------------


def test_draft_writes_a_transport_document_and_lists_what_to_fill(tmp_path: Path) -> None:
    target = tmp_path / "draft.json"
    lines = run("ebl", "draft", EXAMPLES / "si-dg.json", "--out", target).stdout.splitlines()
    assert lines[0] == (
        f"wrote {target}: a draft transport document from DCSA eBL 3.0.3 CreateShippingInstructions"
    )
    assert "  to fill /transports: planned departure and arrival dates, ports of loading and " in (
        "\n".join(lines)
    )
    assert any(line.startswith("  to fill /documentParties/issuingParty: ") for line in lines)
    assert any(line.startswith("  left in the instructions /NANumber: ") for line in lines)
    draft = parse_json(target.read_bytes())
    assert draft["utilizedTransportEquipments"][0]["equipment"] == {
        "equipmentReference": "MAEU1234567"
    }
    assert "issueTo" not in draft["documentParties"]
    # The draft is a TD missing exactly what the carrier must fill.
    checked = run("ebl", "check", target, code=2).stdout
    assert "  error /transports: transports is required" in checked


def test_draft_of_invalid_instructions_names_file_and_pointer(tmp_path: Path) -> None:
    source = tmp_path / "si.json"
    si = parse_json((EXAMPLES / "si-dg.json").read_bytes())
    del si["isCargoDeliveredInICS2Zone"]
    source.write_text(json.dumps(si), encoding="utf-8")
    result = run("ebl", "draft", source, "--out", tmp_path / "draft.json", code=2)
    assert result.stderr.startswith(f"error: {source}: /isCargoDeliveredInICS2Zone: ")
    assert not (tmp_path / "draft.json").exists()
