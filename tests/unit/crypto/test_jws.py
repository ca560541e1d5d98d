"""Compact JWS: RFC 8037 known answer, round trips, foreign algorithms, and every refusal.

The ES256, RS256 and PS256 tokens are built here with ``cryptography`` alone (header, base64url
and signature assembled by hand per RFC 7515 §5.1 and RFC 7518 §3), independently of the module
under test.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from corridor.crypto.jws import header_of, sign_compact, verify_compact
from corridor.crypto.keys import PrivateKey, PublicKey
from corridor.errors import CryptoError, VerificationError

RFC8037 = json.loads(
    (Path(__file__).parents[2] / "vectors" / "rfc8037" / "ed25519.json").read_text("utf-8")
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64json(value: dict[str, Any]) -> str:
    return b64(json.dumps(value).encode("utf-8"))


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def rsa2048() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def es256_token(key: ec.EllipticCurvePrivateKey, payload: bytes, header: dict[str, Any]) -> str:
    signing_input = f"{b64json(header)}.{b64(payload)}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def rsa_token(key: rsa.RSAPrivateKey, payload: bytes, alg: str) -> str:
    signing_input = f"{b64json({'alg': alg, 'kid': 'peer-1'})}.{b64(payload)}"
    pad: padding.AsymmetricPadding = (
        padding.PKCS1v15()
        if alg == "RS256"
        else padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    )
    signature = key.sign(signing_input.encode(), pad, hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


# --- RFC 8037 A.4 -----------------------------------------------------------------------------


def test_rfc8037_a4_known_answer() -> None:
    key = PrivateKey.from_raw(unb64(RFC8037["d"]))
    public = PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": RFC8037["x"]})
    assert key.public_key == public
    assert b64(key.sign(RFC8037["signing_input"].encode("ascii"))) == RFC8037["signature"]
    header, payload = verify_compact(RFC8037["compact"], public)
    assert header == {"alg": "EdDSA"}
    assert payload == RFC8037["payload"].encode("ascii")
    assert header_of(RFC8037["compact"]) == json.loads(RFC8037["protected_header"])


# --- our own tokens ---------------------------------------------------------------------------


def test_round_trip_keeps_payload_bytes() -> None:
    key = PrivateKey.generate()
    payload = b'{"b": 1,  "a": [1.50]}\n'  # not canonical on purpose: must survive untouched
    token = sign_compact(payload, key, {"typ": "corridor-entry+jws"})
    header, got = verify_compact(token, key.public_key)
    assert got == payload
    assert header == {"alg": "EdDSA", "kid": key.public_key.kid, "typ": "corridor-entry+jws"}
    assert header_of(token) == header


def test_header_is_canonical_and_signing_deterministic() -> None:
    key = PrivateKey.generate()
    token = sign_compact(b"x", key)
    assert unb64(token.split(".")[0]) == f'{{"alg":"EdDSA","kid":"{key.public_key.kid}"}}'.encode()
    assert sign_compact(b"x", key) == token


def test_verifies_with_a_cryptography_ed25519_key() -> None:
    key = PrivateKey.generate()
    token = sign_compact(b"payload", key)
    foreign = key.public_key._key  # a cryptography Ed25519PublicKey
    assert verify_compact(token, foreign)[1] == b"payload"


def test_empty_payload() -> None:
    key = PrivateKey.generate()
    token = sign_compact(b"", key)
    assert token.split(".")[1] == ""
    assert verify_compact(token, key.public_key)[1] == b""


@pytest.mark.parametrize("name", ["alg", "crit", "b64"])
def test_extra_headers_cannot_override_reserved(name: str) -> None:
    with pytest.raises(CryptoError, match=name):
        sign_compact(b"x", PrivateKey.generate(), {name: "none"})


# --- foreign algorithms (PINT peers) ----------------------------------------------------------


def test_es256(p256: ec.EllipticCurvePrivateKey) -> None:
    token = es256_token(p256, b"pint envelope", {"alg": "ES256", "kid": "peer-1"})
    header, payload = verify_compact(token, p256.public_key())
    assert header["alg"] == "ES256"
    assert payload == b"pint envelope"


def test_es256_refuses_der_signatures(p256: ec.EllipticCurvePrivateKey) -> None:
    signing_input = f"{b64json({'alg': 'ES256'})}.{b64(b'x')}"
    der = p256.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    with pytest.raises(VerificationError) as caught:
        verify_compact(f"{signing_input}.{b64(der)}", p256.public_key())
    assert caught.value.check == "jws-signature"


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_rsa(rsa2048: rsa.RSAPrivateKey, alg: str) -> None:
    token = rsa_token(rsa2048, b"pint envelope", alg)
    header, payload = verify_compact(token, rsa2048.public_key())
    assert header == {"alg": alg, "kid": "peer-1"}
    assert payload == b"pint envelope"


def test_rs256_and_ps256_are_not_interchangeable(rsa2048: rsa.RSAPrivateKey) -> None:
    token = rsa_token(rsa2048, b"x", "PS256")
    _head, payload, signature = token.split(".")
    relabelled = f"{b64json({'alg': 'RS256', 'kid': 'peer-1'})}.{payload}.{signature}"
    with pytest.raises(VerificationError, match="does not verify"):
        verify_compact(relabelled, rsa2048.public_key())


def test_short_rsa_keys_are_refused() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(VerificationError, match="at least 2048 bits"):
        verify_compact(rsa_token(small, b"x", "RS256"), small.public_key())


# --- refusals ---------------------------------------------------------------------------------


def _refusal(token: str, key: Any) -> VerificationError:
    with pytest.raises(VerificationError) as caught:
        verify_compact(token, key)
    return caught.value


def test_bad_signature() -> None:
    key = PrivateKey.generate()
    head, payload, signature = sign_compact(b"x", key).split(".")
    flipped = bytearray(unb64(signature))
    flipped[0] ^= 1
    error = _refusal(f"{head}.{payload}.{b64(bytes(flipped))}", key.public_key)
    assert error.check == "jws-signature"
    assert "does not verify" in error.diagnostics()
    error = _refusal(f"{head}.{b64(b'y')}.{signature}", key.public_key)
    assert error.check == "jws-signature"
    assert _refusal(sign_compact(b"x", key), PrivateKey.generate().public_key).check == (
        "jws-signature"
    )


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_refused(alg: str) -> None:
    token = f"{b64json({'alg': alg})}.{b64(b'x')}."
    error = _refusal(token, PrivateKey.generate().public_key)
    assert error.check == "jws-signature"
    assert "none" in error.detail


@pytest.mark.parametrize("alg", ["HS256", "ES384", "RS512", "EdDSA25519", ""])
def test_unsupported_algorithms_are_refused(alg: str) -> None:
    error = _refusal(f"{b64json({'alg': alg})}.{b64(b'x')}.{b64(b'sig')}", None)
    assert error.check == "jws-signature"
    assert "not accepted" in error.detail


def test_alg_key_mismatch(p256: ec.EllipticCurvePrivateKey, rsa2048: rsa.RSAPrivateKey) -> None:
    ours = PrivateKey.generate()
    eddsa = sign_compact(b"x", ours)
    es256 = es256_token(p256, b"x", {"alg": "ES256"})
    rs256 = rsa_token(rsa2048, b"x", "RS256")
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    cases: list[tuple[str, Any, str]] = [
        (eddsa, p256.public_key(), "EdDSA needs an Ed25519 key"),
        (eddsa, rsa2048.public_key(), "EdDSA needs"),
        (eddsa, ed448.Ed448PrivateKey.generate().public_key(), "EdDSA needs"),
        (es256, ours.public_key, "ES256 needs a P-256 key"),
        (es256, p384, "ES256 needs a P-256 key"),
        (es256, rsa2048.public_key(), "ES256 needs"),
        (rs256, ours.public_key, "RS256 needs an RSA key"),
        (rs256, p256.public_key(), "RS256 needs an RSA key"),
    ]
    for token, key, message in cases:
        error = _refusal(token, key)
        assert error.check == "jws-signature"
        assert message in error.detail


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "EdDSA", "crit": ["exp"], "exp": 1},
        {"alg": "EdDSA", "b64": False, "crit": ["b64"]},
        {"alg": "EdDSA", "b64": False},
        {"alg": "EdDSA", "crit": []},
    ],
)
def test_crit_and_unencoded_payload_are_refused(header: dict[str, Any]) -> None:
    key = PrivateKey.generate()
    signing_input = f"{b64json(header)}.{b64(b'x')}"
    token = f"{signing_input}.{b64(key.sign(signing_input.encode()))}"
    assert _refusal(token, key.public_key).check == "jws-format"


@pytest.mark.parametrize(
    ("mangle", "detail"),
    [
        (lambda t: t + ".extra", "3 dot-separated segments, this one has 4"),
        (lambda t: t.rsplit(".", 1)[0], "this one has 2"),
        (lambda t: "a.b.c.d.e", "this one has 5"),
        (lambda t: t.replace(".", "=.", 1), "header segment is not base64url"),
        (lambda t: "*" + t, "header segment is not base64url"),
        (lambda t: t + "=", "signature segment is not base64url"),
        (lambda t: t.replace(".", ".+", 1), "payload segment is not base64url"),
        (lambda t: t + "é", "ASCII"),
    ],
)
def test_malformed_tokens(mangle: Any, detail: str) -> None:
    key = PrivateKey.generate()
    error = _refusal(mangle(sign_compact(b"payload", key)), key.public_key)
    assert error.check == "jws-format"
    assert detail in error.detail


@pytest.mark.parametrize(
    ("raw_header", "detail"),
    [
        (b'{"alg":"EdDSA","alg":"none"}', "duplicate member name"),
        (b"[1,2]", "not a JSON object"),
        (b'{"alg":"EdDSA"', "not strict JSON"),
        (b'{"alg":NaN}', "not strict JSON"),
        (b'{"kid":"x"}', "no 'alg'"),
        (b'{"alg":5}', "no 'alg'"),
        (b'\xff{"alg":"EdDSA"}', "not UTF-8"),
    ],
)
def test_bad_headers(raw_header: bytes, detail: str) -> None:
    token = f"{b64(raw_header)}.{b64(b'x')}.{b64(b'0' * 64)}"
    error = _refusal(token, PrivateKey.generate().public_key)
    assert error.check == "jws-format"
    assert detail in error.detail
    if "alg" in detail:  # header_of only parses; judging the header is verify_compact's job
        assert header_of(token) == json.loads(raw_header)
    else:
        with pytest.raises(VerificationError):
            header_of(token)


def test_not_a_string() -> None:
    assert _refusal(b"a.b.c", PrivateKey.generate().public_key).check == "jws-format"  # type: ignore[arg-type]
