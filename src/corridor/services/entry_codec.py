"""Reading entry payloads back out of the compact JWS rows the log keeps."""

from __future__ import annotations

from corridor.crypto.canonical import parse_json
from corridor.crypto.keys import b64url_decode
from corridor.domain.entry import EntryPayload
from corridor.errors import MalformedInputError


def payload_bytes(jws: str) -> bytes:
    """The payload segment's bytes, not verified (the caller verifies or already has)."""
    parts = jws.split(".")
    if len(parts) != 3:
        raise MalformedInputError("an entry must be a compact JWS with three segments")
    return b64url_decode(parts[1])


def payload_of(jws: str) -> EntryPayload:
    return EntryPayload.from_json(parse_json(payload_bytes(jws)))
