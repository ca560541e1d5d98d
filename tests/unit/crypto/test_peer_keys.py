"""Peer keys as PEM: RFC 7638 thumbprints computed independently, certificates, refusals."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from corridor.crypto.jws import verify_compact
from corridor.crypto.keys import PrivateKey
from corridor.crypto.peer_keys import PeerKey, load_peer_key
from corridor.errors import InputError

NOT_AFTER = datetime(2031, 1, 1, tzinfo=UTC)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 §3, written out here rather than taken from Corridor's code."""
    text = json.dumps(jwk, sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(text.encode("utf-8")).digest())


def spki_pem(private: object) -> str:
    public = private.public_key()  # type: ignore[attr-defined]
    pem: bytes = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode("ascii")


def self_signed(private: ec.EllipticCurvePrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pint.wave.example")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_AFTER - timedelta(days=365))
        .not_valid_after(NOT_AFTER)
        .sign(private, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def test_rsa_public_key_thumbprint() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.public_key().public_numbers()
    key = load_peer_key(spki_pem(private))
    assert key.kid == thumbprint({"kty": "RSA", "n": uint(numbers.n), "e": uint(numbers.e)})
    assert key.kid == thumbprint(key.public_jwk())
    assert key.public_jwk()["e"] == "AQAB"
    assert key.key_type == "RSA"
    assert key.algorithms == ("RS256", "PS256")
    assert key.subject is None
    assert key.not_after is None


def test_p256_public_key_thumbprint() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_numbers()
    key = load_peer_key(spki_pem(private))
    expected = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(point.x.to_bytes(32, "big")),
        "y": b64url(point.y.to_bytes(32, "big")),
    }
    assert key.kid == thumbprint(expected)
    assert (key.key_type, key.algorithms) == ("EC", ("ES256",))


def test_ed25519_public_key_thumbprint() -> None:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes_raw()
    key = load_peer_key(spki_pem(private))
    assert key.kid == thumbprint({"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)})
    assert (key.key_type, key.algorithms) == ("OKP", ("EdDSA",))


def test_ed25519_kid_matches_corridor_node_keys() -> None:
    own = PrivateKey.generate()
    assert load_peer_key(own.public_key.to_pem()).kid == own.public_key.kid


def test_certificate_gives_its_public_key_subject_and_not_after() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    from_certificate = load_peer_key(self_signed(private))
    bare = load_peer_key(spki_pem(private))
    assert from_certificate.kid == bare.kid
    assert from_certificate.subject == "CN=pint.wave.example"
    assert from_certificate.not_after == NOT_AFTER
    assert from_certificate.pem.startswith("-----BEGIN CERTIFICATE-----")


def test_bytes_and_surrounding_whitespace_are_accepted() -> None:
    pem = spki_pem(Ed25519PrivateKey.generate())
    assert load_peer_key(("\n  " + pem + "\n\n").encode()).pem == pem


def test_loaded_key_verifies_a_jws() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key: PeerKey = load_peer_key(spki_pem(private))
    header = b64url(b'{"alg":"PS256"}')
    signing_input = f"{header}.{b64url(b'hello')}"
    signature = private.sign(
        signing_input.encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    _, payload = verify_compact(f"{signing_input}.{b64url(signature)}", key.public_key)
    assert payload == b"hello"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024), "1024 bits"),
        (lambda: ec.generate_private_key(ec.SECP384R1()), "curve secp384r1"),
        (lambda: ec.generate_private_key(ec.SECP256K1()), "curve secp256k1"),
        (lambda: dsa.generate_private_key(key_size=2048), "DSA public key"),
        (ed448.Ed448PrivateKey.generate, "Ed448 public key"),
    ],
    ids=["rsa-1024", "p-384", "secp256k1", "dsa", "ed448"],
)
def test_unsupported_keys_are_refused(make: object, reason: str) -> None:
    private = make()  # type: ignore[operator]
    with pytest.raises(InputError, match=reason) as refused:
        load_peer_key(spki_pem(private))
    assert "accepted: RSA of at least 2048 bits, EC P-256 or Ed25519" in refused.value.message


def test_private_keys_are_refused() -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(InputError, match="private key"):
        load_peer_key(pem.decode())


@pytest.mark.parametrize(
    ("pem", "reason"),
    [
        ("", "not a PEM certificate or public key"),
        ("hello", "not a PEM certificate or public key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a valid PEM"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a valid PEM"),
    ],
    ids=["empty", "garbage", "bad-key-body", "bad-certificate-body"],
)
def test_garbage_is_refused_in_one_line(pem: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as refused:
        load_peer_key(pem)
    assert "\n" not in refused.value.message
