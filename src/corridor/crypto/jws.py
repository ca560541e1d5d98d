"""JWS compact serialization (RFC 7515 §3.1, §7.1): sign with EdDSA, verify EdDSA/ES256/RS256/PS256.

Corridor signs with Ed25519 as ``alg: EdDSA`` (RFC 8037 §3.1), the header carrying the key's
RFC 7638 thumbprint as ``kid``. Peers on DCSA PINT 3.0 may sign with ES256, RS256 or PS256
(RFC 7518 §3.4, §3.3, §3.5), so those verify too, given the peer's public key.

The signing input is ``ASCII(BASE64URL(header) || "." || BASE64URL(payload))`` (RFC 7515 §5.1).
The payload is returned as the exact bytes that were signed; it is never re-serialised.

Verification fails closed (RFC 7515 §5.2). Every refusal is a ``VerificationError`` whose check is
``jws-format`` (the token is not a well-formed JWS we accept) or ``jws-signature`` (the algorithm,
the key or the signature is wrong). Refused on purpose:

* ``alg: none`` (RFC 7518 §3.6) and any algorithm not listed above, including HMAC, so a
  public key can never be used as a shared secret;
* an algorithm that does not fit the key given (EdDSA needs Ed25519, ES256 a P-256 key, RS256
  and PS256 an RSA key of at least 2048 bits, RFC 7518 §3.3);
* a ``crit`` header (RFC 7515 §4.1.11: we understand no extensions) and the unencoded payload
  option ``b64: false`` (RFC 7797);
* header JSON with duplicate names (RFC 7515 §5.2 step 4), padded or non-canonical base64url,
  and any segment count but three (five would be JWE).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from corridor.crypto.canonical import canonical_bytes, parse_json
from corridor.crypto.keys import PrivateKey, PublicKey, b64url_decode, b64url_encode
from corridor.errors import CryptoError, MalformedInputError, VerificationError

__all__ = ["VerifyingKey", "header_of", "sign_compact", "verify_compact"]

VerifyingKey: TypeAlias = (
    PublicKey | Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
)

_FORMAT = "jws-format"
_SIGNATURE = "jws-signature"
_RESERVED_HEADERS = frozenset({"alg", "crit", "b64"})
_MIN_RSA_BITS = 2048
_P256_COORDINATE_BYTES = 32


def sign_compact(
    payload: bytes, key: PrivateKey, extra_headers: Mapping[str, Any] | None = None
) -> str:
    """Sign ``payload`` as a compact JWS with header ``{"alg": "EdDSA", "kid": ..., **extra}``.

    ``extra_headers`` may add e.g. ``typ`` or ``cty``, or replace ``kid``; it may not set ``alg``,
    ``crit`` or ``b64``. The header is serialised canonically (RFC 8785) so equal inputs give
    equal tokens (Ed25519 signatures are deterministic, RFC 8032 §5.1.6).
    """
    extra = dict(extra_headers or {})
    reserved = sorted(_RESERVED_HEADERS & extra.keys())
    if reserved:
        raise CryptoError(f"extra JWS headers may not set {', '.join(reserved)}")
    try:
        segment = _header_segment(key.public_key.kid, tuple(sorted(extra.items())))
    except TypeError:  # an unhashable header value: no caching
        header = {"alg": "EdDSA", "kid": key.public_key.kid, **extra}
        segment = b64url_encode(canonical_bytes(header))
    signing_input = segment + "." + b64url_encode(payload)
    signature = key.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature)


@functools.lru_cache(maxsize=1024)
def _header_segment(kid: str, extra: tuple[tuple[str, Any], ...]) -> str:
    """The base64url protected header; the writer signs with few distinct headers, so cache."""
    return b64url_encode(canonical_bytes({"alg": "EdDSA", "kid": kid, **dict(extra)}))


def header_of(token: str) -> dict[str, Any]:
    """The protected header of a compact JWS, NOT verified: only for choosing the key (``kid``)."""
    return _split(token)[0]


def verify_compact(token: str, key: VerifyingKey) -> tuple[dict[str, Any], bytes]:
    """Verify a compact JWS with ``key``; return its header and the exact payload bytes.

    Raises ``VerificationError`` (check ``jws-format`` or ``jws-signature``) on any failure.
    """
    header, payload, signature, signing_input = _split(token)
    _check_header(header)
    verifier = _VERIFIERS.get(header["alg"])
    if verifier is None:
        raise VerificationError(
            _SIGNATURE,
            f"alg {header['alg']!r} is not accepted; use EdDSA, ES256, RS256 or PS256",
        )
    if not verifier(key, signature, signing_input):
        raise VerificationError(
            _SIGNATURE, f"the {header['alg']} signature does not verify under the given key"
        )
    return header, payload


def _split(token: str) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    if not isinstance(token, str) or not token.isascii():
        raise VerificationError(_FORMAT, "a compact JWS is ASCII text")
    segments = token.split(".")
    if len(segments) != 3:
        raise VerificationError(
            _FORMAT, f"a compact JWS has 3 dot-separated segments, this one has {len(segments)}"
        )
    header_b64, payload_b64, signature_b64 = segments
    header_bytes = _decode_segment(header_b64, "header")
    try:
        header = parse_json(header_bytes)
    except MalformedInputError as exc:
        raise VerificationError(_FORMAT, f"the header is not strict JSON: {exc}") from None
    if not isinstance(header, dict):
        raise VerificationError(_FORMAT, "the header is not a JSON object")
    payload = _decode_segment(payload_b64, "payload")
    signature = _decode_segment(signature_b64, "signature")
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    return header, payload, signature, signing_input


def _decode_segment(segment: str, name: str) -> bytes:
    try:
        return b64url_decode(segment)
    except MalformedInputError as exc:
        raise VerificationError(_FORMAT, f"the {name} segment is {exc}") from None


def _check_header(header: dict[str, Any]) -> None:
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise VerificationError(_FORMAT, "the header has no 'alg' string (RFC 7515 §4.1.1)")
    if alg.lower() == "none":
        raise VerificationError(_SIGNATURE, "alg 'none' (an unsigned JWS) is refused")
    if "crit" in header:
        raise VerificationError(
            _FORMAT, "the header has 'crit'; no JWS extensions are supported (RFC 7515 §4.1.11)"
        )
    if header.get("b64", True) is not True:
        raise VerificationError(_FORMAT, "unencoded payloads (b64: false, RFC 7797) are refused")


def _mismatch(alg: str, needed: str, key: object) -> VerificationError:
    return VerificationError(
        _SIGNATURE, f"alg {alg} needs {needed}, but the key given is a {type(key).__name__}"
    )


def _verify_eddsa(key: VerifyingKey, signature: bytes, data: bytes) -> bool:
    if isinstance(key, Ed25519PublicKey):
        key = PublicKey(key.public_bytes_raw())
    if not isinstance(key, PublicKey):
        raise _mismatch("EdDSA", "an Ed25519 key", key)
    return key.verify(signature, data)


def _verify_es256(key: VerifyingKey, signature: bytes, data: bytes) -> bool:
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise _mismatch("ES256", "a P-256 key", key)
    if len(signature) != 2 * _P256_COORDINATE_BYTES:
        return False  # RFC 7518 §3.4: R || S, 32 bytes each; DER is not accepted
    r = int.from_bytes(signature[:_P256_COORDINATE_BYTES], "big")
    s = int.from_bytes(signature[_P256_COORDINATE_BYTES:], "big")
    try:
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _rsa_key(alg: str, key: VerifyingKey) -> rsa.RSAPublicKey:
    if not isinstance(key, rsa.RSAPublicKey):
        raise _mismatch(alg, "an RSA key", key)
    if key.key_size < _MIN_RSA_BITS:
        raise VerificationError(
            _SIGNATURE, f"{alg} needs an RSA key of at least 2048 bits, not {key.key_size}"
        )
    return key


def _verify_rs256(key: VerifyingKey, signature: bytes, data: bytes) -> bool:
    rsa_key = _rsa_key("RS256", key)
    try:
        rsa_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _verify_ps256(key: VerifyingKey, signature: bytes, data: bytes) -> bool:
    rsa_key = _rsa_key("PS256", key)
    # RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash.
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=hashes.SHA256.digest_size)
    try:
        rsa_key.verify(signature, data, pss, hashes.SHA256())
    except InvalidSignature:
        return False
    return True


_VERIFIERS: dict[str, Callable[[VerifyingKey, bytes, bytes], bool]] = {
    "EdDSA": _verify_eddsa,
    "ES256": _verify_es256,
    "RS256": _verify_rs256,
    "PS256": _verify_ps256,
}
