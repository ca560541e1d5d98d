"""``corridor platform ...`` end to end: register peers and keys in a temporary --home."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from tests.e2e.cli_runs import isolate

from corridor.crypto.peer_keys import load_peer_key

from .test_cli import run, table_rows


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "node"
    run("init", "--home", path)
    return path


def cli(home: Path, *args: str | Path, code: int = 0) -> Any:
    return run("platform", *args, "--home", home, code=code)


def write(path: Path, pem: bytes) -> Path:
    path.write_bytes(pem)
    return path


def certificate(tmp_path: Path) -> Path:
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pint.wave.example")])
    not_after = datetime(2029, 12, 31, tzinfo=UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(3)
        .not_valid_before(not_after - timedelta(days=365))
        .not_valid_after(not_after)
        .sign(private, hashes.SHA256())
    )
    return write(tmp_path / "wave.crt", built.public_bytes(serialization.Encoding.PEM))


def public_key(tmp_path: Path, name: str, private: Any) -> Path:
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return write(tmp_path / name, pem)


def test_register_show_list_and_remove(home: Path, tmp_path: Path) -> None:
    cert = certificate(tmp_path)
    rsa_file = public_key(tmp_path, "wave-rsa.pem", rsa.generate_private_key(65537, 2048))
    added = cli(
        home, "add", "WAVE", "--name", "Wave BL", "--url", "https://pint.wave.example",
        "--key-pem", cert, "--key-pem", rsa_file,
    ).stdout  # fmt: skip
    cert_kid = load_peer_key(cert.read_text()).kid
    assert "platform WAVE added" in added
    assert f"key {cert_kid} (EC)" in added

    ed_file = public_key(tmp_path, "wave-ed.pem", Ed25519PrivateKey.generate())
    ed_kid = load_peer_key(ed_file.read_text()).kid
    assert cli(home, "key-add", "WAVE", ed_file).stdout.strip() == f"key {ed_kid} (OKP)"

    shown = cli(home, "show", "WAVE").stdout
    assert "base URL: https://pint.wave.example" in shown
    rows = {row[0]: row for row in table_rows(shown)}
    assert rows[cert_kid][1:4] == ["EC", "ES256", "2029-12-31T00:00:00+00:00"]
    assert rows[ed_kid][1:3] == ["OKP", "EdDSA"]  # no certificate: no not-after
    assert len(rows) == 3

    assert table_rows(cli(home, "list").stdout) == [
        ["WAVE", "Wave BL", "https://pint.wave.example", "3"]
    ]
    assert cli(home, "key-remove", ed_kid).stdout.strip() == f"key {ed_kid} removed"
    assert cli(home, "remove", "WAVE").stdout.strip() == "platform WAVE removed"
    assert table_rows(cli(home, "list").stdout) == []


def test_refusals_are_one_line_with_exit_code_2(home: Path, tmp_path: Path) -> None:
    url = "https://pint.example"
    garbage = write(tmp_path / "garbage.pem", b"hello")
    small = public_key(tmp_path, "small.pem", rsa.generate_private_key(65537, 1024))
    private = write(
        tmp_path / "private.pem",
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    cases: list[tuple[tuple[str | Path, ...], str]] = [
        (("add", "wave", "--name", "W", "--url", url), "capital letters or digits"),
        (("add", "CRDR", "--name", "Us", "--url", url), "own platform code"),
        (("add", "WAVE", "--name", "W", "--url", "ftp://x"), "http:// or https://"),
        (("add", "WAVE", "--name", "W", "--url", url, "--key-pem", garbage), "not a PEM"),
        (("add", "WAVE", "--name", "W", "--url", url, "--key-pem", small), "1024 bits"),
        (("add", "WAVE", "--name", "W", "--url", url, "--key-pem", private), "private key"),
        (("add", "WAVE", "--name", "W", "--url", url, "--key-pem", tmp_path / "no"), "cannot read"),
        (("show", "NOPE"), "no platform NOPE"),
        (("remove", "NOPE"), "no platform NOPE"),
        (("key-add", "NOPE", small), "1024 bits"),
        (("key-remove", "abc"), "no platform key"),
    ]
    for args, reason in cases:
        line = cli(home, *args, code=2).stderr
        assert reason in line, (args, line)
    assert table_rows(cli(home, "list").stdout) == []

    cli(home, "add", "WAVE", "--name", "W", "--url", url)
    assert (
        "already registered" in cli(home, "add", "WAVE", "--name", "W", "--url", url, code=2).stderr
    )


def test_a_party_of_another_platform_is_added_without_a_key(home: Path, tmp_path: Path) -> None:
    name = "Straits Merchant Bank Singapore"
    refused = run("party", "add", name, "--role", "bank", "--platform", "SGCO", "--home", home,
                  code=2).stderr  # fmt: skip
    assert "platform 'SGCO' is not registered" in refused
    ed_file = public_key(tmp_path, "sg.pem", Ed25519PrivateKey.generate())
    cli(home, "add", "SGCO", "--name", "Corridor Singapore", "--url", "https://sg.example",
        "--key-pem", ed_file)  # fmt: skip
    party_id = run("party", "add", name, "--role", "bank", "--code", "UEN:197000090G",
                   "--platform", "SGCO", "--home", home).stdout.strip()  # fmt: skip
    listed = {row[0]: row for row in table_rows(run("party", "list", "--home", home).stdout)}
    assert listed[party_id][4:] == ["SGCO", "-"]
    own = run("party", "add", "Own Ltd", "--role", "trader", "--home", home).stdout.strip()
    listed = {row[0]: row for row in table_rows(run("party", "list", "--home", home).stdout)}
    assert listed[own][4] not in ("SGCO", "")
    assert listed[own][5] == "custodial"
