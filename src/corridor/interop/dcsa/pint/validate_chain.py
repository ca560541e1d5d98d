"""Steps 3 to 8 of the PINT receiver's checks, on verified payloads (PINT notes §3).

3. the manifest, every chain entry and the issuance manifest match their PINT 3.0.0 schemas;
4. the checksum chain: the manifest names the last entry, each entry names the one before it,
   the first names none;
5. the transport document's RFC 8785 checksum is the one the manifest, every entry and the
   issuance manifest carry;
6. ``ISSUE`` occurs exactly once, as the first transaction of the first entry, which carries the
   issuance manifest (and only the first entry does);
7. the transactions replay under the title rules (``replay``);
8. no ``controlTrackingRegistry``: Corridor cannot record in a CTR.

Each failure raises ``Refusal(BENV)`` with a sentence naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corridor.crypto.canonical import parse_json
from corridor.errors import DocumentRuleError, MalformedInputError
from corridor.interop.dcsa.pint.replay import replay_transactions
from corridor.interop.dcsa.pint.signatures import Refusal, SignedPayloads
from corridor.interop.dcsa.pint.verdict import ResponseCode
from corridor.interop.dcsa.schema import PINT_SPEC_FILE, validate_schema

__all__ = ["DecodedEnvelope", "check_chain", "decode_payloads"]

_PREVIOUS = "previousEnvelopeTransferChainEntrySignedContentChecksum"
_LAST = "lastEnvelopeTransferChainEntrySignedContentChecksum"
_ISSUANCE = "issuanceManifestSignedContent"
_TD_CHECKSUM = "transportDocumentChecksum"

DecodedEnvelope = tuple[dict[str, Any], tuple[dict[str, Any], ...], dict[str, Any] | None]
"""The manifest, the chain entries and the issuance manifest (if any), parsed and schema-valid."""


def decode_payloads(signed: SignedPayloads) -> DecodedEnvelope:
    """Step 3: parse each verified payload and check it against its schema."""
    manifest = _decoded(signed.manifest, "EnvelopeManifest", "envelopeManifestSignedContent")
    entries = tuple(
        _decoded(payload, "EnvelopeTransferChainEntry", f"envelopeTransferChain[{index}]")
        for index, payload in enumerate(signed.entries)
    )
    issuance = None
    if signed.issuance is not None:
        issuance = _decoded(signed.issuance, "IssuanceManifest", _ISSUANCE)
    return manifest, entries, issuance


def _decoded(payload: bytes, schema: str, where: str) -> dict[str, Any]:
    try:
        value = parse_json(payload)
        validate_schema(PINT_SPEC_FILE, schema, value)
    except DocumentRuleError as exc:
        raise Refusal(
            ResponseCode.BENV, f"{where}: {schema} {exc.location or '/'}: {exc.reason}"
        ) from None
    except MalformedInputError as exc:
        raise Refusal(ResponseCode.BENV, f"{where}: the payload is not JSON: {exc}") from None
    if not isinstance(value, dict):  # pragma: no cover - the schema requires an object
        raise Refusal(ResponseCode.BENV, f"{where}: the payload is not a JSON object")
    return value


def check_chain(
    decoded: DecodedEnvelope,
    checksums: Sequence[str],
    document: Mapping[str, Any],
    td_checksum: str,
) -> None:
    """Steps 4 to 8 on a decoded envelope; ``Refusal(BENV)`` at the first rule broken."""
    manifest, entries, issuance = decoded
    _check_links(manifest, entries, checksums)
    _check_document_checksums(manifest, entries, issuance, td_checksum)
    _check_issue(entries)
    replay_transactions(entries, document, td_checksum)
    _check_no_registry(entries)


def _check_links(
    manifest: Mapping[str, Any], entries: Sequence[Mapping[str, Any]], checksums: Sequence[str]
) -> None:
    if manifest[_LAST] != checksums[-1]:
        raise Refusal(
            ResponseCode.BENV,
            f"the manifest's {_LAST} is not the checksum of the last chain entry",
        )
    if _PREVIOUS in entries[0]:
        raise Refusal(ResponseCode.BENV, f"envelopeTransferChain[0] has a {_PREVIOUS}")
    for index in range(1, len(entries)):
        if entries[index].get(_PREVIOUS) != checksums[index - 1]:
            raise Refusal(
                ResponseCode.BENV,
                f"envelopeTransferChain[{index}].{_PREVIOUS} is not the checksum of "
                f"envelopeTransferChain[{index - 1}]",
            )


def _check_document_checksums(
    manifest: Mapping[str, Any],
    entries: Sequence[Mapping[str, Any]],
    issuance: Mapping[str, Any] | None,
    td_checksum: str,
) -> None:
    claims = [("the manifest's", manifest[_TD_CHECKSUM])]
    claims += [
        (f"envelopeTransferChain[{index}]'s", entry[_TD_CHECKSUM])
        for index, entry in enumerate(entries)
    ]
    if issuance is not None:
        claims.append(
            ("the issuance manifest's documentChecksum", issuance.get("documentChecksum"))
        )
    for where, claimed in claims:
        if claimed != td_checksum:
            raise Refusal(
                ResponseCode.BENV,
                f"{where} transport document checksum is not the RFC 8785 checksum of the "
                "transportDocument sent",
            )


def _check_issue(entries: Sequence[Mapping[str, Any]]) -> None:
    first = entries[0]
    if _ISSUANCE not in first:
        raise Refusal(ResponseCode.BENV, f"envelopeTransferChain[0] has no {_ISSUANCE}")
    if first["transactions"][0]["actionCode"] != "ISSUE":
        raise Refusal(
            ResponseCode.BENV, "the first transaction of the first chain entry is not ISSUE"
        )
    for index, entry in enumerate(entries):
        if index and _ISSUANCE in entry:
            raise Refusal(
                ResponseCode.BENV, f"envelopeTransferChain[{index}] repeats the {_ISSUANCE}"
            )
        for number, transaction in enumerate(entry["transactions"]):
            if (index, number) != (0, 0) and transaction["actionCode"] == "ISSUE":
                raise Refusal(
                    ResponseCode.BENV,
                    f"envelopeTransferChain[{index}].transactions[{number}] is a second ISSUE",
                )


def _check_no_registry(entries: Sequence[Mapping[str, Any]]) -> None:
    for index, entry in enumerate(entries):
        if "controlTrackingRegistry" in entry:
            raise Refusal(
                ResponseCode.BENV,
                f"envelopeTransferChain[{index}] names a controlTrackingRegistry; this platform "
                "cannot record transfers in a CTR",
            )
