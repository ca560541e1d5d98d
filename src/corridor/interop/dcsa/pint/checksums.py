"""PINT 3.0.0 checksums and the strict base64 of document bodies (PINT notes §6).

* Transport document and issuance ``documentChecksum``: SHA-256 of the RFC 8785 bytes.
* Chain links (``previousEnvelopeTransferChainEntrySignedContentChecksum``, the manifest's
  ``lastEnvelopeTransferChainEntrySignedContentChecksum``): SHA-256 of the ASCII bytes of the
  whole compact JWS, exactly as received.
* Supporting documents: SHA-256 of the decoded bytes. Bodies travel as standard base64 with
  padding (RFC 4648 §4), never base64url, and are decoded strictly so each body has one text form.

Every checksum is lower-case hex.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from corridor.crypto.canonical import checksum, sha256_hex
from corridor.errors import MalformedInputError

__all__ = ["bytes_checksum", "decode_standard_base64", "document_checksum", "jws_checksum"]

_STANDARD_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def jws_checksum(jws: str) -> str:
    """SHA-256 hex of a compact JWS's ASCII bytes; ``MalformedInputError`` if not ASCII text."""
    if not isinstance(jws, str) or not jws.isascii():
        raise MalformedInputError("a compact JWS must be ASCII text")
    return sha256_hex(jws.encode("ascii"))


def document_checksum(document: Any) -> str:
    """SHA-256 hex of the RFC 8785 bytes of a JSON value (e.g. a transport document)."""
    return checksum(document)


def bytes_checksum(data: bytes) -> str:
    """SHA-256 hex of raw bytes (a supporting document, decoded)."""
    return sha256_hex(data)


def decode_standard_base64(text: str) -> bytes:
    """Decode standard base64 with padding (RFC 4648 §4), refusing anything else.

    Whitespace, line breaks, the url-safe characters ``-`` and ``_``, missing padding and
    non-zero spare bits all raise ``MalformedInputError``.
    """
    if not isinstance(text, str) or _STANDARD_BASE64.fullmatch(text) is None:
        raise MalformedInputError(
            "not standard base64: use A-Z a-z 0-9 + / with '=' padding, no spaces or line breaks"
        )
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error as exc:  # pragma: no cover - the pattern leaves nothing to fail
        raise MalformedInputError(f"not standard base64: {exc}") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise MalformedInputError("not standard base64: the last character has non-zero spare bits")
    return data
