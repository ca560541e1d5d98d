"""Step 2 of the PINT receiver's checks: every JWS of an envelope verifies (PINT notes §3, §6).

* each chain entry under a key of the platform named by its own ``eblPlatform`` (a reading of the
  spec: the platform that built the hop signs it);
* the envelope manifest under a key of the sending platform, the last entry's ``eblPlatform``;
* the first entry's ``issuanceManifestSignedContent`` under a key of the carrier, registered by
  the transport document's ``carrierCode``.

Keys come from the caller's ``KeyLookup`` (the platform registry), chosen by platform and the
header's ``kid``; an embedded ``jwk``/``x5c``/``x5u`` is never trusted. The payloads returned are
the exact bytes that were signed. A failure raises ``Refusal(BSIG)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from corridor.crypto.canonical import parse_json
from corridor.crypto.jws import VerifyingKey, header_of, verify_compact
from corridor.crypto.keys import b64url_decode
from corridor.errors import MalformedInputError, VerificationError
from corridor.interop.dcsa.pint.verdict import ResponseCode

__all__ = ["KeyLookup", "Refusal", "SignedPayloads", "verify_envelope_signatures"]

KeyLookup: TypeAlias = Callable[[str, str | None], Sequence[VerifyingKey]]
"""(platform code, kid or None) -> the registered public keys that may have signed."""


class Refusal(Exception):  # noqa: N818 - a verdict, not a program error
    """A check failed: the envelope is answered with ``code`` and ``reason``."""

    def __init__(self, code: ResponseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class SignedPayloads:
    """The verified payload bytes of an envelope's JWSs."""

    manifest: bytes
    entries: tuple[bytes, ...]
    issuance: bytes | None
    sending_platform: str


def verify_envelope_signatures(
    manifest_jws: str, chain: Sequence[str], carrier_code: object, keys: KeyLookup
) -> SignedPayloads:
    """Verify every signature of the envelope; ``Refusal(BSIG)`` naming the first that fails."""
    entries: list[bytes] = []
    platform = ""
    for index, jws in enumerate(chain):
        where = f"envelopeTransferChain[{index}]"
        platform = _claimed_platform(jws, where)
        entries.append(_verify(jws, platform, keys, where))
    manifest = _verify(manifest_jws, platform, keys, "envelopeManifestSignedContent")
    issuance_jws = _member(entries[0], "issuanceManifestSignedContent")
    issuance = None
    if isinstance(issuance_jws, str):
        if not isinstance(carrier_code, str):
            raise Refusal(ResponseCode.BSIG, "the transport document names no carrierCode")
        issuance = _verify(issuance_jws, carrier_code, keys, "issuanceManifestSignedContent")
    return SignedPayloads(manifest, tuple(entries), issuance, platform)


def _claimed_platform(jws: str, where: str) -> str:
    """The entry's ``eblPlatform``, read BEFORE verification only to choose the key."""
    segments = jws.split(".") if isinstance(jws, str) else []
    if len(segments) != 3:
        raise Refusal(ResponseCode.BSIG, f"{where} is not a compact JWS")
    try:
        payload = parse_json(b64url_decode(segments[1]))
    except MalformedInputError as exc:
        raise Refusal(ResponseCode.BSIG, f"{where}: the payload cannot be read: {exc}") from None
    platform = payload.get("eblPlatform") if isinstance(payload, dict) else None
    if not isinstance(platform, str) or not platform:
        raise Refusal(ResponseCode.BSIG, f"{where} names no eblPlatform to verify it against")
    return platform


def _verify(jws: str, platform: str, keys: KeyLookup, where: str) -> bytes:
    try:
        kid = header_of(jws).get("kid")
    except VerificationError as exc:
        raise Refusal(ResponseCode.BSIG, f"{where}: {exc.detail}") from None
    candidates = keys(platform, kid if isinstance(kid, str) else None)
    if not candidates:
        shown = f" with kid {kid!r}" if isinstance(kid, str) else ""
        raise Refusal(ResponseCode.BSIG, f"{where}: no key registered for {platform}{shown}")
    last_error = ""
    for key in candidates:
        try:
            return verify_compact(jws, key)[1]
        except VerificationError as exc:
            last_error = exc.detail
    raise Refusal(
        ResponseCode.BSIG,
        f"{where}: the signature does not verify under {platform}'s key ({last_error})",
    )


def _member(payload: bytes, name: str) -> Any:
    try:
        value = parse_json(payload)
    except MalformedInputError:
        return None  # the schema step reports it
    return value.get(name) if isinstance(value, dict) else None
