"""The receiver's response bodies (PINT 3.0.0 §"Envelope transfer"; PINT notes §1, §2).

A signed answer is a compact JWS over the RFC 8785 bytes of an ``EnvelopeTransferFinishedResponse``
signed with the node's Ed25519 key (``alg: EdDSA``, ``kid`` its RFC 7638 thumbprint):

* ``reason`` on every code but RECE;
* ``missingAdditionalDocumentChecksums`` only on MDOC;
* ``duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent`` only on DUPE;
* ``receivedAdditionalDocumentChecksums`` on RECE and DUPE.

The 201 ``EnvelopeTransferStartedResponse`` is unsigned JSON.
"""

from __future__ import annotations

from typing import Any

from corridor.crypto.canonical import canonical_bytes
from corridor.crypto.jws import sign_compact
from corridor.crypto.keys import PrivateKey
from corridor.errors import InputError
from corridor.interop.dcsa.pint.verdict import ResponseCode, Verdict

__all__ = ["finished_payload", "sign_response", "started_response"]

_MAX_REASON = 255
_RECEIVED_ON = frozenset({ResponseCode.RECE, ResponseCode.DUPE})


def finished_payload(verdict: Verdict) -> dict[str, Any]:
    """The ``EnvelopeTransferFinishedResponse`` object for ``verdict``."""
    payload: dict[str, Any] = {
        "lastEnvelopeTransferChainEntrySignedContentChecksum": verdict.last_checksum,
        "responseCode": verdict.code.value,
    }
    if verdict.code is not ResponseCode.RECE:
        payload["reason"] = _short(verdict.reason)
    if verdict.code is ResponseCode.MDOC:
        if not verdict.missing:
            raise InputError("an MDOC answer must list the missing document checksums")
        payload["missingAdditionalDocumentChecksums"] = list(verdict.missing)
    if verdict.code is ResponseCode.DUPE:
        if verdict.duplicate_of is None:
            raise InputError("a DUPE answer must carry the accepted last chain entry")
        payload["duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent"] = verdict.duplicate_of
    if verdict.code in _RECEIVED_ON:
        payload["receivedAdditionalDocumentChecksums"] = list(verdict.received)
    return payload


def sign_response(verdict: Verdict, signing_key: PrivateKey) -> str:
    """The signed answer: a compact EdDSA JWS over the RFC 8785 bytes of the payload."""
    return sign_compact(canonical_bytes(finished_payload(verdict)), signing_key)


def started_response(
    envelope_reference: str, td_checksum: str, last_checksum: str, missing: tuple[str, ...]
) -> dict[str, Any]:
    """The 201 ``EnvelopeTransferStartedResponse``: only when documents are missing."""
    if not missing:
        raise InputError("nothing is missing: answer 200 RECE instead of 201")
    return {
        "envelopeReference": envelope_reference,
        "transportDocumentChecksum": td_checksum,
        "lastEnvelopeTransferChainEntrySignedContentChecksum": last_checksum,
        "missingAdditionalDocumentChecksums": list(missing),
    }


def _short(reason: str) -> str:
    text = " ".join(reason.split()) or "refused"
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 3] + "..."
