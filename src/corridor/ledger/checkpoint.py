"""Signed checkpoints of the log: C2SP tlog-checkpoint inside a C2SP signed note (Ed25519).

Rules this module implements (c2sp.org/signed-note and c2sp.org/tlog-checkpoint):

- A note is a text ending in a newline, a blank line, then one or more signature lines
  ``"— <key name> <base64(4-byte key ID || signature)>\\n"`` (em dash U+2014). The text is
  separated from the signatures by the last blank line. A note is valid UTF-8 and holds no
  control character other than newline. At most 100 signature lines are read.
- A key name is non-empty and holds no Unicode space and no ``+``.
- Ed25519 (signature type 0x01): key ID = ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``;
  the signature is RFC 8032 Ed25519 over the note text. A verifier key is written
  ``<name>+<8 hex digits of key ID>+<base64(0x01 || public key)>``.
- Opening a note fails closed: signatures by other keys (name or key ID differ) are ignored,
  every signature by the trusted key must verify, and at least one must be present.
- A checkpoint's text is the origin line, the tree size in decimal without leading zeroes,
  the standard base64 of the RFC 9162 root hash, then optional non-empty extension lines.

Failures raise ``VerificationError`` whose ``check`` is ``checkpoint-format`` (the note or its
text is malformed), ``checkpoint-signature`` (no valid signature by the trusted key) or
``checkpoint-key`` (a verifier key string is malformed).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from corridor.errors import InputError, VerificationError
from corridor.ledger.merkle import HASH_SIZE

__all__ = [
    "Checkpoint",
    "NoteSigner",
    "NoteVerifier",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint_body",
    "sign_checkpoint",
    "sign_note",
]

_SIGNATURE_PREFIX = "\u2014 "
_ED25519_TYPE = b"\x01"
_KEY_ID_SIZE = 4
_ED25519_KEY_SIZE = 32
_MAX_SIGNATURES = 100
_MAX_TREE_SIZE = (1 << 64) - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}", re.ASCII)
_KEY_ID_HEX = re.compile(r"[0-9a-fA-F]{8}", re.ASCII)
_FORMAT = "checkpoint-format"
_SIGNATURE = "checkpoint-signature"
_KEY = "checkpoint-key"


def _name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid key name, or ``None`` if it is one."""
    if not name:
        return "a key name must not be empty"
    if any(char.isspace() for char in name):
        return f"key name {name!r} contains a space or line break"
    if "+" in name:
        return f"key name {name!r} contains '+'"
    if _text_problem(name) is not None:
        return f"key name {name!r} contains a control character"
    return None


def _text_problem(text: str) -> str | None:
    """Why ``text`` may not appear in a note (bad UTF-8, control characters), or ``None``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "the note is not valid UTF-8"
    for char in text:
        if char < " " and char != "\n":
            return f"the note contains the control character U+{ord(char):04X}"
    return None


def _key_id(name: str, public_key: bytes) -> bytes:
    material = name.encode("utf-8") + b"\n" + _ED25519_TYPE + public_key
    return hashlib.sha256(material).digest()[:_KEY_ID_SIZE]


def _b64decode(text: str) -> bytes | None:
    """Strict RFC 4648 section 4 base64: canonical padding and bits, or ``None``."""
    try:
        decoded = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return decoded if base64.b64encode(decoded).decode("ascii") == text else None


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its RFC 9162 root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problem = _checkpoint_problem(self)
        if problem is not None:
            raise InputError(problem)

    def body(self) -> bytes:
        """The note text that is signed: one line each for origin, size, root, extensions."""
        lines = [self.origin, str(self.size), _b64encode(self.root_hash), *self.extensions]
        return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _checkpoint_problem(checkpoint: Checkpoint) -> str | None:
    for label, line in [("origin", checkpoint.origin)] + [
        ("extension line", extension) for extension in checkpoint.extensions
    ]:
        if not line or "\n" in line:
            return f"the checkpoint {label} {line!r} is empty or spans several lines"
        if _text_problem(line) is not None:
            return f"the checkpoint {label} {line!r} contains a character a note may not hold"
    if not 0 <= checkpoint.size <= _MAX_TREE_SIZE:
        return f"the checkpoint tree size {checkpoint.size} is not between 0 and 2**64 - 1"
    if len(checkpoint.root_hash) != HASH_SIZE:
        return f"the checkpoint root hash is {len(checkpoint.root_hash)} bytes, not {HASH_SIZE}"
    return None


class NoteSigner:
    """Signs note texts with an Ed25519 private key under a key name."""

    __slots__ = ("_key_hash", "_name", "_private_key", "_public_key")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        problem = _name_problem(name)
        if problem is not None:
            raise InputError(problem)
        self._name = name
        self._private_key = private_key
        self._public_key = private_key.public_key().public_bytes_raw()
        self._key_hash = _key_id(name, self._public_key)

    @property
    def name(self) -> str:
        """The key name written in signature lines."""
        return self._name

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key ID that prefixes each signature."""
        return self._key_hash

    def verifier_key(self) -> str:
        """The verifier key string ``<name>+<key ID hex>+<base64(0x01 || public key)>``."""
        encoded = _b64encode(_ED25519_TYPE + self._public_key)
        return f"{self._name}+{self._key_hash.hex()}+{encoded}"

    def verifier(self) -> NoteVerifier:
        """The verifier for this signer's key."""
        return NoteVerifier(self._name, self._private_key.public_key())

    def sign(self, body: bytes) -> bytes:
        """The 64-byte Ed25519 signature over ``body`` (without the key ID)."""
        return self._private_key.sign(body)


class NoteVerifier:
    """Checks note signatures made by one Ed25519 key under one key name."""

    __slots__ = ("_key_hash", "_name", "_public_key")

    def __init__(self, name: str, public_key: Ed25519PublicKey) -> None:
        problem = _name_problem(name)
        if problem is not None:
            raise InputError(problem)
        self._name = name
        self._public_key = public_key
        self._key_hash = _key_id(name, public_key.public_bytes_raw())

    @property
    def name(self) -> str:
        """The key name a signature line must carry."""
        return self._name

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key ID a signature must start with."""
        return self._key_hash

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The Ed25519 public key."""
        return self._public_key

    @classmethod
    def from_verifier_key(cls, vkey: str) -> NoteVerifier:
        """Parse ``<name>+<8 hex key ID>+<base64(0x01 || 32-byte public key)>``."""
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise VerificationError(_KEY, "a verifier key must read <name>+<key ID>+<key>")
        name, key_id_hex, encoded = parts
        problem = _name_problem(name)
        if problem is not None:
            raise VerificationError(_KEY, problem)
        if not _KEY_ID_HEX.fullmatch(key_id_hex):
            raise VerificationError(_KEY, f"key ID {key_id_hex!r} is not 8 hex digits")
        key = _b64decode(encoded)
        if key is None or not key:
            raise VerificationError(_KEY, "the public key is not valid base64")
        if key[:1] != _ED25519_TYPE:
            raise VerificationError(_KEY, f"signature type 0x{key[0]:02x} is not Ed25519 (0x01)")
        if len(key) != 1 + _ED25519_KEY_SIZE:
            raise VerificationError(_KEY, f"an Ed25519 key is 32 bytes, not {len(key) - 1}")
        try:
            verifier = cls(name, Ed25519PublicKey.from_public_bytes(key[1:]))
        except ValueError:
            raise VerificationError(_KEY, "the bytes are not an Ed25519 public key") from None
        if verifier.key_hash != bytes.fromhex(key_id_hex):
            raise VerificationError(
                _KEY,
                f"key ID {key_id_hex} does not match the key, whose ID is "
                f"{verifier.key_hash.hex()}",
            )
        return verifier

    def verify(self, body: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (without the key ID) is this key's signature over ``body``."""
        try:
            self._public_key.verify(signature, body)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class _SignatureLine:
    name: str
    key_hash: bytes
    signature: bytes


def sign_note(text: str, signer: NoteSigner) -> str:
    """The signed note: ``text``, a blank line and ``signer``'s signature line."""
    problem = _text_problem(text)
    if problem is None and not text.endswith("\n"):
        problem = "the note text does not end in a newline"
    if problem is not None:
        raise InputError(problem)
    signature = signer.sign(text.encode("utf-8"))
    encoded = _b64encode(signer.key_hash + signature)
    return f"{text}\n{_SIGNATURE_PREFIX}{signer.name} {encoded}\n"


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """The checkpoint as a note signed by ``signer``."""
    return sign_note(checkpoint.body().decode("utf-8"), signer)


def _split_note(note: str) -> tuple[str, list[_SignatureLine]]:
    problem = _text_problem(note)
    if problem is not None:
        raise VerificationError(_FORMAT, problem)
    cut = note.rfind("\n\n")
    if cut < 0:
        raise VerificationError(_FORMAT, "the note has no blank line before its signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    if not block:
        raise VerificationError(_FORMAT, "the note has no signature lines")
    if not block.endswith("\n"):
        raise VerificationError(_FORMAT, "the last signature line does not end in a newline")
    lines = block[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise VerificationError(
            _FORMAT, f"the note has {len(lines)} signature lines, more than {_MAX_SIGNATURES}"
        )
    return text, [_parse_signature_line(line) for line in lines]


def _parse_signature_line(line: str) -> _SignatureLine:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise VerificationError(_FORMAT, f"line {line[:40]!r} is not a signature line")
    name, _, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
    problem = _name_problem(name)
    if problem is not None:
        raise VerificationError(_FORMAT, f"signature line {line[:40]!r}: {problem}")
    blob = _b64decode(encoded)
    if blob is None or len(blob) <= _KEY_ID_SIZE:
        raise VerificationError(
            _FORMAT, f"signature line {line[:40]!r} does not end in a base64 key ID and signature"
        )
    return _SignatureLine(name, blob[:_KEY_ID_SIZE], blob[_KEY_ID_SIZE:])


def open_note(note: str, verifier: NoteVerifier) -> str:
    """The text of ``note`` once ``verifier``'s key has signed it; raises otherwise."""
    text, lines = _split_note(note)
    key = f"{verifier.name}+{verifier.key_hash.hex()}"
    ours = [
        line for line in lines if line.name == verifier.name and line.key_hash == verifier.key_hash
    ]
    if not ours:
        raise VerificationError(
            _SIGNATURE, f"the note carries no signature by the trusted key {key}"
        )
    body = text.encode("utf-8")
    for line in ours:
        if not verifier.verify(body, line.signature):
            raise VerificationError(
                _SIGNATURE, f"the signature by key {key} does not verify over the note text"
            )
    return text


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse a checkpoint's note text (no signatures) into a ``Checkpoint``."""
    if not text.endswith("\n"):
        raise VerificationError(_FORMAT, "the checkpoint text does not end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise VerificationError(
            _FORMAT, "a checkpoint needs an origin, a tree size and a root hash line"
        )
    origin, size_line, root_line, *extensions = lines
    if not _DECIMAL.fullmatch(size_line):
        raise VerificationError(
            _FORMAT, f"tree size {size_line[:40]!r} is not a decimal without leading zeroes"
        )
    root_hash = _b64decode(root_line)
    if root_hash is None:
        raise VerificationError(_FORMAT, f"root hash {root_line[:60]!r} is not base64")
    try:
        return Checkpoint(origin, int(size_line), root_hash, tuple(extensions))
    except InputError as error:
        raise VerificationError(_FORMAT, error.message) from None


def open_checkpoint(note: str, verifier: NoteVerifier) -> Checkpoint:
    """Verify ``note`` is signed by ``verifier``'s key, then parse its checkpoint."""
    return parse_checkpoint_body(open_note(note, verifier))
