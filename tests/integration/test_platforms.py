"""The platform registry on SQLite and PostgreSQL: add, keys, refusals, removal, migration 3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from sqlalchemy import inspect

from corridor.crypto.peer_keys import load_peer_key
from corridor.errors import InputError, NotFoundError
from corridor.services.node import Node
from corridor.services.platforms import Platforms
from corridor.storage.migrations import LATEST_VERSION, current_version

URL = "https://pint.wave.example/v3"


def public_pem(private: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def certificate_pem(private: ec.EllipticCurvePrivateKey, not_after: datetime) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "WAVE PINT")])
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(1)
        .not_valid_before(not_after - timedelta(days=30))
        .not_valid_after(not_after)
        .sign(private, hashes.SHA256())
    )
    return built.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def registry(node: Node) -> Platforms:
    return Platforms(node)


def test_migration_3_creates_the_tables(node: Node) -> None:
    assert LATEST_VERSION >= 3
    with node.engine.connect() as conn:
        assert current_version(conn) == LATEST_VERSION
        assert {"platforms", "platform_keys"} <= set(inspect(conn).get_table_names())


def test_add_with_keys_then_read_back(registry: Platforms) -> None:
    rsa_pem = public_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    not_after = datetime(2030, 6, 1, 12, tzinfo=UTC)
    cert = certificate_pem(ec.generate_private_key(ec.SECP256R1()), not_after)
    added = registry.add("WAVE", "Wave BL", URL, [rsa_pem, cert])
    assert [k.key_type for k in added.keys] == ["RSA", "EC"]

    found = registry.get("WAVE")
    assert (found.code, found.name, found.base_url) == ("WAVE", "Wave BL", URL)
    assert {k.kid for k in found.keys} == {k.kid for k in added.keys}
    by_type = {k.key_type: k for k in found.keys}
    assert by_type["EC"].not_after == not_after
    assert by_type["EC"].subject == "CN=WAVE PINT"
    assert [row.code for row in registry.list()] == ["WAVE"]
    assert registry.key_for("WAVE", by_type["RSA"].kid).kid == load_peer_key(rsa_pem).kid


def test_add_key_and_remove_key(registry: Platforms) -> None:
    registry.add("ESSD", "essDOCS", "http://10.0.0.7:8080")
    key = registry.add_key("ESSD", public_pem(ec.generate_private_key(ec.SECP256R1())))
    assert [k.kid for k in registry.keys("ESSD")] == [key.kid]
    with pytest.raises(NotFoundError, match="no platform key"):
        registry.remove_key(key.kid, "WAVE")
    registry.remove_key(key.kid)
    assert registry.keys("ESSD") == []
    with pytest.raises(NotFoundError):
        registry.key_for("ESSD", key.kid)


def test_duplicates_are_refused(registry: Platforms) -> None:
    pem = public_pem(ec.generate_private_key(ec.SECP256R1()))
    registry.add("WAVE", "Wave BL", URL, [pem])
    with pytest.raises(InputError, match="already registered"):
        registry.add("WAVE", "Wave again", URL)
    with pytest.raises(InputError, match="already registered for platform WAVE"):
        registry.add_key("WAVE", pem)
    with pytest.raises(InputError, match="already registered for platform WAVE"):
        registry.add("EDOX", "edoxOnline", URL, [pem])
    other = public_pem(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(InputError, match="given twice"):
        registry.add("BOLE", "Bolero", URL, [other, "\n" + other])
    assert [row.code for row in registry.list()] == ["WAVE"]  # nothing half-written


@pytest.mark.parametrize(
    ("code", "name", "url", "reason"),
    [
        ("wave", "Wave", URL, "capital letters or digits"),
        ("WAVES", "Wave", URL, "1 to 4"),
        ("", "Wave", URL, "1 to 4"),
        ("W V", "Wave", URL, "1 to 4"),
        ("CRDR", "Us", URL, "this node's own platform code"),
        ("WAVE", "  ", URL, "platform name"),
        ("WAVE", "Wave", "ftp://pint.example", "http:// or https://"),
        ("WAVE", "Wave", "https://", "with a host"),
        ("WAVE", "Wave", "pint.example", "http:// or https://"),
        ("WAVE", "Wave", "https://u:p@pint.example", "credentials"),
        ("WAVE", "Wave", "https://pint.example:99999", "not a valid URL"),
        ("WAVE", "Wave", "https://[::1", "not a valid URL"),
        ("WAVE", "Wave", "https://pint.example/?a=1", "query"),
    ],
)
def test_bad_platforms_are_refused(
    registry: Platforms, code: str, name: str, url: str, reason: str
) -> None:
    with pytest.raises(InputError, match=reason):
        registry.add(code, name, url)
    assert registry.list() == []


def test_bad_key_refuses_the_whole_platform(registry: Platforms) -> None:
    good = public_pem(ec.generate_private_key(ec.SECP256R1()))
    small = public_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    with pytest.raises(InputError, match="1024 bits"):
        registry.add("WAVE", "Wave", URL, [good, small])
    assert registry.list() == []


def test_removed_platform_has_no_keys_and_can_come_back(registry: Platforms) -> None:
    pem = public_pem(ec.generate_private_key(ec.SECP256R1()))
    kid = registry.add("WAVE", "Wave BL", URL, [pem]).keys[0].kid
    registry.remove("WAVE")
    assert registry.list() == []
    for look in (lambda: registry.get("WAVE"), lambda: registry.key_for("WAVE", kid)):
        with pytest.raises(NotFoundError, match="no platform WAVE"):
            look()
    with pytest.raises(NotFoundError):
        registry.add_key("WAVE", pem)
    with pytest.raises(NotFoundError):
        registry.remove("WAVE")
    again = registry.add("WAVE", "Wave BL 2", URL, [pem])
    assert again.name == "Wave BL 2"
    assert [k.kid for k in registry.keys("WAVE")] == [kid]


def test_ed25519_peer_key(registry: Platforms) -> None:
    private = Ed25519PrivateKey.generate()
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    key = registry.add("C2", "Corridor Singapore", "https://sg.corridor.example", [pem]).keys[0]
    assert registry.get("C2").keys[0].algorithms == ("EdDSA",) == key.algorithms
