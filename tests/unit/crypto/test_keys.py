"""Ed25519 keys: RFC 8037 known answers, PEM/JWK round trips, sealing at rest, base64url."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corridor.crypto.keys import (
    PrivateKey,
    PublicKey,
    b64url_decode,
    b64url_encode,
    decrypt_private_key,
    encrypt_private_key,
    generate_kek,
)
from corridor.errors import CryptoError, MalformedInputError

RFC8037 = json.loads(
    (Path(__file__).parents[2] / "vectors" / "rfc8037" / "ed25519.json").read_text("utf-8")
)
AD = b"corridor/party-key/cq-exporter"


@pytest.fixture
def rfc_key() -> PrivateKey:
    return PrivateKey.from_raw(b64url_decode(RFC8037["d"]))


def test_rfc8037_public_key_from_private(rfc_key: PrivateKey) -> None:
    assert b64url_encode(rfc_key.public_key.raw) == RFC8037["x"]


def test_rfc8037_a3_thumbprint(rfc_key: PrivateKey) -> None:
    assert rfc_key.public_key.kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert RFC8037["thumbprint"] == rfc_key.public_key.kid


def test_sign_and_verify() -> None:
    key = PrivateKey.generate()
    signature = key.sign(b"hello")
    assert len(signature) == 64
    assert key.public_key.verify(signature, b"hello")
    assert not key.public_key.verify(signature, b"hellO")
    assert not key.public_key.verify(signature[:-1] + bytes([signature[-1] ^ 1]), b"hello")
    assert not key.public_key.verify(b"short", b"hello")
    assert not PrivateKey.generate().public_key.verify(signature, b"hello")


def test_private_key_round_trips() -> None:
    key = PrivateKey.generate()
    assert PrivateKey.from_raw(key.raw_bytes()).raw_bytes() == key.raw_bytes()
    pem = key.to_pem()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert PrivateKey.from_pem(pem).raw_bytes() == key.raw_bytes()
    assert PrivateKey.from_pem(pem.encode()).public_key == key.public_key


def test_private_key_repr_hides_the_secret() -> None:
    key = PrivateKey.generate()
    assert key.public_key.kid in repr(key)
    assert key.raw_bytes().hex() not in repr(key)
    assert b64url_encode(key.raw_bytes()) not in repr(key)


def test_public_key_round_trips() -> None:
    public = PrivateKey.generate().public_key
    pem = public.to_pem()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert PublicKey.from_pem(pem) == public
    assert PublicKey.from_pem(pem.encode("ascii")) == public
    jwk = public.to_jwk()
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public.raw)}
    assert PublicKey.from_jwk(jwk) == public
    assert hash(PublicKey.from_jwk(jwk)) == hash(public)


def _rsa_public_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_public_pem_refuses_junk_and_other_algorithms() -> None:
    with pytest.raises(CryptoError, match="not a PEM public key"):
        PublicKey.from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(CryptoError, match="not a PEM public key"):
        PublicKey.from_pem(b"hello")
    with pytest.raises(CryptoError, match="RSA public key; Corridor keys are Ed25519"):
        PublicKey.from_pem(_rsa_public_pem())
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = p256.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(CryptoError, match="EC public key"):
        PublicKey.from_pem(pem)


def test_private_pem_refuses_junk_encrypted_and_other_algorithms() -> None:
    with pytest.raises(CryptoError, match="not a PEM private key"):
        PrivateKey.from_pem("junk")
    ed = ed448.Ed448PrivateKey.generate()
    other = ed.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(CryptoError, match="Ed448 private key"):
        PrivateKey.from_pem(other)
    encrypted = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    with pytest.raises(CryptoError, match="encrypted"):
        PrivateKey.from_pem(encrypted)


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({"kty": "RSA", "n": "x", "e": "AQAB"}, "kty='RSA'"),
        ({"kty": "OKP", "crv": "X25519", "x": RFC8037["x"]}, "crv='X25519'"),
        ({"kty": "OKP", "crv": "Ed25519"}, "32 bytes"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC8037["x"] + "="}, "'x' is not base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "32 bytes"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC8037["x"], "d": RFC8037["d"]}, "private"),
    ],
)
def test_from_jwk_refuses(jwk: dict[str, Any], message: str) -> None:
    with pytest.raises(CryptoError, match=message):
        PublicKey.from_jwk(jwk)


@pytest.mark.parametrize("raw", [b"", b"\x00" * 31, b"\x00" * 33])
def test_raw_keys_must_be_32_bytes(raw: bytes) -> None:
    with pytest.raises(CryptoError):
        PublicKey(raw)
    with pytest.raises(CryptoError):
        PrivateKey.from_raw(raw)


# --- sealing at rest --------------------------------------------------------------------------


def test_encrypt_decrypt_round_trip() -> None:
    key, kek = PrivateKey.generate(), generate_kek()
    blob = encrypt_private_key(key, kek, AD)
    assert blob[0] == 1
    assert len(blob) == 1 + 12 + 32 + 16
    assert key.raw_bytes() not in blob
    assert decrypt_private_key(blob, kek, AD).raw_bytes() == key.raw_bytes()


def test_each_encryption_uses_a_fresh_nonce() -> None:
    key, kek = PrivateKey.generate(), generate_kek()
    assert encrypt_private_key(key, kek, AD) != encrypt_private_key(key, kek, AD)


def test_generate_kek() -> None:
    assert len(generate_kek()) == 32
    assert generate_kek() != generate_kek()


def test_wrong_kek_is_refused() -> None:
    blob = encrypt_private_key(PrivateKey.generate(), generate_kek(), AD)
    with pytest.raises(CryptoError, match="wrong node secret or damaged key") as caught:
        decrypt_private_key(blob, generate_kek(), AD)
    assert "cq-exporter" in str(caught.value)


def test_wrong_associated_data_is_refused() -> None:
    kek = generate_kek()
    blob = encrypt_private_key(PrivateKey.generate(), kek, AD)
    with pytest.raises(CryptoError, match="wrong node secret or damaged key"):
        decrypt_private_key(blob, kek, b"corridor/party-key/sg-importer")


@pytest.mark.parametrize("position", [0, 1, 12, 13, 40, -1])
def test_tampered_blob_is_refused(position: int) -> None:
    kek = generate_kek()
    blob = bytearray(encrypt_private_key(PrivateKey.generate(), kek, AD))
    blob[position] ^= 0x01
    with pytest.raises(CryptoError, match="wrong node secret or damaged key"):
        decrypt_private_key(bytes(blob), kek, AD)


@pytest.mark.parametrize("cut", [0, 1, 13, 60, 62])
def test_truncated_or_extended_blob_is_refused(cut: int) -> None:
    kek = generate_kek()
    blob = encrypt_private_key(PrivateKey.generate(), kek, AD)
    damaged = blob[:cut] if cut < len(blob) else blob + b"\x00"
    with pytest.raises(CryptoError, match="damaged key"):
        decrypt_private_key(damaged, kek, AD)


@pytest.mark.parametrize("kek", [b"", b"\x00" * 16, b"\x00" * 33])
def test_kek_must_be_32_bytes(kek: bytes) -> None:
    with pytest.raises(CryptoError, match="32 bytes"):
        encrypt_private_key(PrivateKey.generate(), kek, AD)
    with pytest.raises(CryptoError, match="32 bytes"):
        decrypt_private_key(b"\x01" + b"\x00" * 60, kek, AD)


# --- base64url --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xff\xfe", b"abc", bytes(range(256))])
def test_b64url_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert "=" not in text
    assert "+" not in text
    assert "/" not in text
    assert b64url_decode(text) == data


@pytest.mark.parametrize(
    "text",
    ["AA==", "A", "AAAAA", "a+b/", "ab cd", "ab\ncd", "é", "AB", "AAB", "_-_=", "AAAA="],
)
def test_b64url_decode_is_strict(text: str) -> None:
    # "AB" and "AAB" have non-zero spare bits: canonical forms are "AA" and "AAA" ... "AAE".
    with pytest.raises(MalformedInputError, match="not base64url"):
        b64url_decode(text)
