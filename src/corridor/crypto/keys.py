"""Ed25519 keys: identity, export, and encryption at rest.

* Keys are Ed25519 (RFC 8032 §5.1); their JWK form is the OKP key type of RFC 8037 §2:
  ``{"kty": "OKP", "crv": "Ed25519", "x": base64url(public key)}``.
* A key's id (``kid``) is its RFC 7638 JWK thumbprint: SHA-256 over the required members
  ``crv``, ``kty``, ``x`` in lexicographic order with no whitespace (RFC 7638 §3.2, RFC 8037 §2),
  written in base64url without padding. Those rules are a subset of RFC 8785, so the members
  are serialised by ``corridor.crypto.canonical``.
* base64url is RFC 4648 §5 without padding, as JOSE uses it (RFC 7515 §2). Decoding is strict:
  padding, other alphabets, and non-zero spare bits are refused, so each byte string has exactly
  one text form.
* Public keys travel as PEM SubjectPublicKeyInfo (RFC 8410 §4); private keys export as
  unencrypted PKCS #8 PEM (RFC 8410 §7) for self-custody only.
* At rest a private key is sealed with AES-256-GCM (NIST SP 800-38D) under a key-encryption key
  (KEK) held by the node. The blob is ``0x01 || nonce (12 random bytes) || ciphertext+tag``;
  the associated data binds the blob to its owner, so a blob moved to another party's row fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from corridor.crypto.canonical import canonical_bytes
from corridor.errors import CryptoError, MalformedInputError

__all__ = [
    "PrivateKey",
    "PublicKey",
    "b64url_decode",
    "b64url_encode",
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_kek",
]

_KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_BLOB_VERSION = b"\x01"
_B64URL_TEXT = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strictly decode unpadded base64url; ``MalformedInputError`` on anything else."""
    if not isinstance(text, str) or not _B64URL_TEXT.fullmatch(text):
        raise MalformedInputError(
            "not base64url: only A-Z a-z 0-9 - _ are allowed, without '=' padding"
        )
    if len(text) % 4 == 1:
        raise MalformedInputError(
            f"not base64url: a length of {len(text)} characters is impossible"
        )
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:  # pragma: no cover - the checks above leave nothing to fail
        raise MalformedInputError(f"not base64url: {exc}") from None
    if b64url_encode(data) != text:
        raise MalformedInputError("not base64url: the last character has non-zero spare bits")
    return data


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key (32 raw bytes)."""

    raw: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != _KEY_BYTES:
            raise CryptoError("an Ed25519 public key is exactly 32 bytes")
        try:
            Ed25519PublicKey.from_public_bytes(self.raw)
        except ValueError:
            raise CryptoError("those 32 bytes are not an Ed25519 public key") from None

    @cached_property
    def _key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)

    @cached_property
    def kid(self) -> str:
        """RFC 7638 JWK thumbprint (SHA-256, base64url)."""
        required = {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(self.raw)}
        return b64url_encode(hashlib.sha256(canonical_bytes(required)).digest())

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True if ``signature`` is this key's Ed25519 signature over ``data``."""
        try:
            self._key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def to_pem(self) -> str:
        """PEM SubjectPublicKeyInfo (RFC 8410 §4)."""
        pem = self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode("ascii")

    @classmethod
    def from_pem(cls, pem: str | bytes) -> PublicKey:
        """Load a PEM public key; ``CryptoError`` if it is not a PEM Ed25519 public key."""
        data = pem.encode("utf-8") if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_public_key(data)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise CryptoError("could not read the public key: not a PEM public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise CryptoError(
                f"the PEM holds a {_algorithm_name(key)} public key; Corridor keys are Ed25519"
            )
        return cls(key.public_bytes_raw())

    def to_jwk(self) -> dict[str, str]:
        """The public JWK (RFC 8037 §2)."""
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(self.raw)}

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        """Load a public OKP/Ed25519 JWK; ``CryptoError`` on anything else."""
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise CryptoError(
                f"the JWK is kty={jwk.get('kty')!r} crv={jwk.get('crv')!r}; "
                "Corridor keys are kty 'OKP' with crv 'Ed25519' (RFC 8037)"
            )
        if "d" in jwk:
            raise CryptoError("the JWK holds a private key ('d'); pass the public key only")
        x = jwk.get("x")
        try:
            raw = b64url_decode(x) if isinstance(x, str) else b""
        except MalformedInputError as exc:
            raise CryptoError(f"the JWK member 'x' is {exc}") from None
        return cls(raw)


class PrivateKey:
    """An Ed25519 private key. Its ``repr`` shows only the key id."""

    __slots__ = ("_key", "_public")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._public = PublicKey(key.public_key().public_bytes_raw())

    def __repr__(self) -> str:
        return f"PrivateKey(kid={self._public.kid!r})"

    @classmethod
    def generate(cls) -> PrivateKey:
        """A new random key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_raw(cls, raw: bytes) -> PrivateKey:
        """Load a key from its 32-byte seed (RFC 8032 §5.1.5)."""
        if not isinstance(raw, bytes) or len(raw) != _KEY_BYTES:
            raise CryptoError("an Ed25519 private key is exactly 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    def raw_bytes(self) -> bytes:
        """The 32-byte seed. Handle with care."""
        return self._key.private_bytes_raw()

    @property
    def public_key(self) -> PublicKey:
        """The matching public key."""
        return self._public

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature over ``data``."""
        return self._key.sign(data)

    def to_pem(self) -> str:
        """Unencrypted PKCS #8 PEM (RFC 8410 §7), for a party taking custody of its key."""
        pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return pem.decode("ascii")

    @classmethod
    def from_pem(cls, pem: str | bytes) -> PrivateKey:
        """Load an unencrypted PKCS #8 PEM Ed25519 key; ``CryptoError`` otherwise."""
        data = pem.encode("utf-8") if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except TypeError:
            raise CryptoError("the PEM private key is encrypted; export it unencrypted") from None
        except (ValueError, UnsupportedAlgorithm):
            raise CryptoError("could not read the private key: not a PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise CryptoError(
                f"the PEM holds a {_algorithm_name(key)} private key; Corridor keys are Ed25519"
            )
        return cls(key)


def _algorithm_name(key: object) -> str:
    name = type(key).__name__
    for suffix in ("PrivateKey", "PublicKey"):
        name = name.removesuffix(suffix)
    return name.lstrip("_") or "non-Ed25519"


def generate_kek() -> bytes:
    """32 random bytes: a key-encryption key for AES-256-GCM."""
    return secrets.token_bytes(_KEY_BYTES)


def encrypt_private_key(key: PrivateKey, kek: bytes, associated_data: bytes) -> bytes:
    """Seal ``key`` under ``kek`` (AES-256-GCM); the blob is ``0x01 || nonce || ciphertext``."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = _aead(kek).encrypt(nonce, key.raw_bytes(), associated_data)
    return _BLOB_VERSION + nonce + sealed


def decrypt_private_key(blob: bytes, kek: bytes, associated_data: bytes) -> PrivateKey:
    """Open a blob from ``encrypt_private_key``; ``CryptoError`` if anything does not match."""
    aead = _aead(kek)
    failure = CryptoError(
        f"could not decrypt key for {_describe(associated_data)}: wrong node secret or damaged key"
    )
    expected = len(_BLOB_VERSION) + _NONCE_BYTES + _KEY_BYTES + _TAG_BYTES
    if len(blob) != expected or blob[:1] != _BLOB_VERSION:
        raise failure
    nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
    try:
        raw = aead.decrypt(nonce, sealed, associated_data)
    except InvalidTag:
        raise failure from None
    return PrivateKey.from_raw(raw)


def _aead(kek: bytes) -> AESGCM:
    if not isinstance(kek, bytes) or len(kek) != _KEY_BYTES:
        raise CryptoError("the node secret (key-encryption key) must be exactly 32 bytes")
    return AESGCM(kek)


def _describe(associated_data: bytes) -> str:
    text = associated_data.decode("ascii", errors="replace")
    if text.isprintable() and 0 < len(text) <= 80:
        return repr(text)
    return f"associated data of {len(associated_data)} bytes"
