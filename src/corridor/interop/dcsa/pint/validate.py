"""The PINT 3.0.0 receiver's validation of an ``EblEnvelope`` (PINT notes §3, steps 0 to 12).

Pure: keys and what the node knows are passed in. The checks run in this order, and the first
that fails decides the answer:

0. the envelope is a JSON object with a non-empty ``envelopeTransferChain`` of strings, a
   ``transportDocument`` object and an ``envelopeManifestSignedContent`` string; otherwise
   ``MalformedInputError`` (an unsigned 400, as no last entry can be named);
1. ``last`` = SHA-256 of the last chain entry's JWS; every verdict carries it;
2. every signature (``signatures``): BSIG;
3. to 8. payload schemas, checksum chain, transport document checksum, ISSUE once and first,
   the transactions under the title rules, no control tracking registry (``validate_chain``): BENV;
9. the last transaction's recipient is on this platform and is exactly one local party: BENV;
10. the same last checksum was accepted before, or is an entry of a chain the node keeps (a
    longer envelope that included it came first): DUPE (checked first, so a resend stays DUPE
    even after the node has since passed the eBL on and knows later entries);
11. the node knows chain checksums for this document that the envelope does not list, or it
    holds the eBL live itself (not exported): DISE, a double spend across platforms;
12. otherwise ``Accepted``, listing the declared supporting documents the node does not hold.

The service turns ``Accepted`` into 200 RECE (nothing missing) or 201 with the missing list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from corridor.errors import MalformedInputError
from corridor.interop.dcsa.pint.checksums import document_checksum, jws_checksum
from corridor.interop.dcsa.pint.parties import PintParty, parse_party
from corridor.interop.dcsa.pint.signatures import KeyLookup, Refusal, verify_envelope_signatures
from corridor.interop.dcsa.pint.validate_chain import DecodedEnvelope, check_chain, decode_payloads
from corridor.interop.dcsa.pint.verdict import (
    Accepted,
    DocumentMetadata,
    ResponseCode,
    Transfer,
    Verdict,
)

__all__ = ["KeyLookup", "Knowledge", "validate_envelope"]


class Knowledge(Protocol):
    """What the receiving node knows; the service implements it over its database."""

    def was_accepted(self, last_checksum: str) -> bool:
        """True if an envelope ending in this chain entry was accepted here before."""

    def known_chain_checksums(self, td_checksum: str) -> set[str]:
        """Every chain entry checksum this node knows for the document (received or its own)."""

    def holds_live(self, td_checksum: str) -> bool:
        """True if the node holds a record of this document that it has not exported."""

    def held_document_checksums(self, wanted: Sequence[str]) -> set[str]:
        """Which of ``wanted`` (supporting document checksums) this node already holds."""

    def local_recipient(self, party: PintParty) -> str | None:
        """The id of the one local party ``party`` names on this platform, or ``None``."""


def validate_envelope(
    envelope: Mapping[str, Any], *, this_platform: str, keys: KeyLookup, known: Knowledge
) -> Verdict | Accepted:
    """Run PINT notes §3 steps 0 to 12 on a received ``EblEnvelope``.

    Raises ``MalformedInputError`` when the envelope is too broken to name its last chain entry;
    otherwise returns the refusal as a ``Verdict`` or the valid transfer as ``Accepted``.
    """
    chain, document, manifest_jws = _parts(envelope)
    last = jws_checksum(chain[-1])
    try:
        transfer = _checked_transfer(chain, document, manifest_jws, this_platform, keys, known)
    except Refusal as refusal:
        return Verdict(refusal.code, refusal.reason, last)
    return _against_knowledge(transfer, known)


def _parts(envelope: Mapping[str, Any]) -> tuple[tuple[str, ...], Mapping[str, Any], str]:
    """Step 0: the parts every later step needs, or ``MalformedInputError``."""
    if not isinstance(envelope, Mapping):
        raise MalformedInputError("the envelope must be a JSON object (EblEnvelope)")
    chain = envelope.get("envelopeTransferChain")
    if not isinstance(chain, list) or not chain:
        raise MalformedInputError("envelopeTransferChain must be a non-empty list of JWS strings")
    if not all(isinstance(jws, str) and jws.isascii() for jws in chain):
        raise MalformedInputError("every envelopeTransferChain entry must be an ASCII JWS string")
    document = envelope.get("transportDocument")
    if not isinstance(document, Mapping):
        raise MalformedInputError("transportDocument must be a JSON object")
    manifest = envelope.get("envelopeManifestSignedContent")
    if not isinstance(manifest, str):
        raise MalformedInputError("envelopeManifestSignedContent must be a JWS string")
    return tuple(chain), document, manifest


def _checked_transfer(
    chain: Sequence[str],
    document: Mapping[str, Any],
    manifest_jws: str,
    this_platform: str,
    keys: KeyLookup,
    known: Knowledge,
) -> Transfer:
    """Steps 2 to 9; ``Refusal`` at the first that fails."""
    signed = verify_envelope_signatures(manifest_jws, chain, document.get("carrierCode"), keys)
    decoded = decode_payloads(signed)
    checksums = tuple(jws_checksum(jws) for jws in chain)
    try:
        td_checksum = document_checksum(dict(document))
    except MalformedInputError as exc:
        raise Refusal(ResponseCode.BENV, f"transportDocument: {exc}") from None
    check_chain(decoded, checksums, document, td_checksum)
    recipient, recipient_id = _recipient(decoded, this_platform, known)
    manifest, entries, _ = decoded
    return Transfer(
        transport_document=document,
        transport_document_checksum=td_checksum,
        chain=tuple(chain),
        chain_checksums=checksums,
        entries=entries,
        manifest=manifest,
        sending_platform=signed.sending_platform,
        recipient=recipient,
        recipient_id=recipient_id,
        documents=_documents(manifest),
    )


def _recipient(
    decoded: DecodedEnvelope, this_platform: str, known: Knowledge
) -> tuple[PintParty, str]:
    """Step 9: the last transaction's recipient is a party of this platform."""
    raw = decoded[1][-1]["transactions"][-1].get("recipient")
    if raw is None:
        raise Refusal(ResponseCode.BENV, "the last transaction names no recipient")
    recipient = parse_party(raw)
    if recipient.platform != this_platform:
        raise Refusal(
            ResponseCode.BENV,
            f"the recipient {recipient.name!r} is on platform {recipient.platform}, "
            f"not on this platform ({this_platform})",
        )
    local_id = known.local_recipient(recipient)
    if local_id is None:
        raise Refusal(
            ResponseCode.BENV,
            f"the recipient {recipient.name!r} is not exactly one party of this platform",
        )
    return recipient, local_id


def _documents(manifest: Mapping[str, Any]) -> tuple[DocumentMetadata, ...]:
    return tuple(
        DocumentMetadata(raw["name"], raw["size"], raw["mediaType"], raw["documentChecksum"])
        for raw in manifest.get("supportingDocuments", ())
    )


def _against_knowledge(transfer: Transfer, known: Knowledge) -> Verdict | Accepted:
    """Steps 10 to 12: duplicate, double spend, missing documents."""
    td_checksum, last = transfer.transport_document_checksum, transfer.last_checksum
    declared = tuple(document.checksum for document in transfer.documents)
    known_chain = known.known_chain_checksums(td_checksum)
    if known.was_accepted(last) or last in known_chain:
        return Verdict(
            ResponseCode.DUPE,
            "this envelope transfer was already accepted",
            last,
            duplicate_of=transfer.chain[-1],
            received=declared,
        )
    unlisted = known_chain - set(transfer.chain_checksums)
    if unlisted:
        return Verdict(
            ResponseCode.DISE,
            f"this platform knows {len(unlisted)} chain entr"
            f"{'y' if len(unlisted) == 1 else 'ies'} for this transport document that the "
            "envelope does not list: the chain forks",
            last,
        )
    if known.holds_live(td_checksum):
        return Verdict(
            ResponseCode.DISE,
            "this platform holds this eBL itself and has not transferred it: the chain "
            "spends it a second time",
            last,
        )
    held = known.held_document_checksums(declared)
    return Accepted(transfer, tuple(c for c in declared if c not in held))
