"""Public keys of other platforms (DCSA PINT 3.0 peers), exchanged as PEM.

* A peer key arrives as PEM: an X.509 certificate (RFC 5280; its subject public key is taken, its
  subject and not-after are kept for display) or a bare SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
  Nothing else is read: a private key in the PEM is refused, so it is never stored by mistake.
* Supported keys are those ``crypto.jws.verify_compact`` can check a PINT signature with: RSA of
  at least 2048 bits (RS256, PS256; RFC 7518 §3.3), EC P-256 (ES256; RFC 7518 §3.4) and Ed25519
  (EdDSA; RFC 8037). DSA, small RSA, other curves and Ed448 are refused.
* A key's id (``kid``) is its RFC 7638 JWK thumbprint: SHA-256 over the required public members
  in lexicographic order (RSA ``e, kty, n``; EC ``crv, kty, x, y``; OKP ``crv, kty, x``) with no
  whitespace, written base64url without padding. Integers are big-endian without leading zeros
  (RFC 7518 §6.3.1); EC coordinates are padded to the curve size (RFC 7518 §6.2.1.2).
* A certificate's validity is not enforced here: the operator registered it on purpose, and PINT
  trusts keys by registration, never by an embedded ``x5c`` chain (PINT notes §6).

Every refusal is an ``InputError`` whose message says what the PEM held and what is accepted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from corridor.crypto.canonical import canonical_bytes
from corridor.crypto.keys import b64url_encode
from corridor.errors import InputError

__all__ = ["ALGORITHMS", "KeyType", "PeerKey", "PeerPublicKey", "load_peer_key"]

KeyType: TypeAlias = Literal["RSA", "EC", "OKP"]
PeerPublicKey: TypeAlias = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | Ed25519PublicKey

ALGORITHMS: dict[KeyType, tuple[str, ...]] = {
    "RSA": ("RS256", "PS256"),
    "EC": ("ES256",),
    "OKP": ("EdDSA",),
}
"""The JWS algorithms (RFC 7518) each key type may verify."""

MIN_RSA_BITS = 2048
_P256_BYTES = 32
_ACCEPTED = "accepted: RSA of at least 2048 bits, EC P-256 or Ed25519"
_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"
_PUBLIC_KEY = b"-----BEGIN PUBLIC KEY-----"


@dataclass(frozen=True)
class PeerKey:
    """A platform's public key, as registered: what verifies its signatures and how it came."""

    kid: str
    key_type: KeyType
    public_key: PeerPublicKey
    pem: str
    subject: str | None = None
    not_after: datetime | None = None

    @property
    def algorithms(self) -> tuple[str, ...]:
        """The JWS ``alg`` values this key may verify."""
        return ALGORITHMS[self.key_type]

    def public_jwk(self) -> dict[str, str]:
        """The public JWK with only the members its thumbprint covers."""
        return _jwk(self.public_key)


def load_peer_key(pem: str | bytes) -> PeerKey:
    """Read a certificate or SubjectPublicKeyInfo PEM; ``InputError`` on anything else."""
    text = pem.decode("utf-8", errors="replace") if isinstance(pem, bytes) else pem
    if not isinstance(text, str):
        raise InputError("a platform key must be PEM text")
    data = text.strip().encode("utf-8")
    if b"PRIVATE KEY-----" in data:
        raise InputError("the PEM holds a private key; send the public key or certificate only")
    if data.startswith(_CERTIFICATE):
        key, subject, not_after = _from_certificate(data)
    elif data.startswith(_PUBLIC_KEY):
        key, subject, not_after = _from_public_key(data), None, None
    else:
        raise InputError(
            "not a PEM certificate or public key: expected '-----BEGIN CERTIFICATE-----' "
            "or '-----BEGIN PUBLIC KEY-----'"
        )
    supported = _supported(key)
    jwk = _jwk(supported)
    kid = b64url_encode(hashlib.sha256(canonical_bytes(jwk)).digest())
    key_type: KeyType = jwk["kty"]  # type: ignore[assignment]
    return PeerKey(kid, key_type, supported, text.strip() + "\n", subject, not_after)


def _from_certificate(data: bytes) -> tuple[object, str, datetime]:
    try:
        certificate = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise InputError(
            "could not read the certificate: not a valid PEM X.509 certificate"
        ) from None
    try:
        key: object = certificate.public_key()
    except (ValueError, UnsupportedAlgorithm):
        raise InputError(
            f"the certificate's public key is of an unsupported kind; {_ACCEPTED}"
        ) from None
    return key, certificate.subject.rfc4514_string(), certificate.not_valid_after_utc


def _from_public_key(data: bytes) -> object:
    try:
        return serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InputError("could not read the public key: not a valid PEM public key") from None


def _supported(key: object) -> PeerPublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise InputError(f"the RSA key has {key.key_size} bits; {_ACCEPTED}")
        return key
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise InputError(f"the EC key is on curve {key.curve.name}; {_ACCEPTED}")
        return key
    kind = type(key).__name__.removesuffix("PublicKey").lstrip("_") or "unknown"
    raise InputError(f"the PEM holds a {kind} public key; {_ACCEPTED}")


def _jwk(key: PeerPublicKey) -> dict[str, str]:
    """The RFC 7638 §3.2 required members of the public JWK."""
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {"e": _uint(numbers.e), "kty": "RSA", "n": _uint(numbers.n)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_numbers()
        return {
            "crv": "P-256",
            "kty": "EC",
            "x": b64url_encode(point.x.to_bytes(_P256_BYTES, "big")),
            "y": b64url_encode(point.y.to_bytes(_P256_BYTES, "big")),
        }
    return {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(key.public_bytes_raw())}


def _uint(value: int) -> str:
    """base64url of a positive integer, big-endian, fewest octets (RFC 7518 §6.3.1)."""
    return b64url_encode(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))
