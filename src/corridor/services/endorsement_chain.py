"""The endorsement chain of an eBL as DCSA END 3.0.3 ``EndorsementChain`` (notes §5, §7.6).

``endorsement_chain(node, reference)`` reads the document's signed history and its transport
document and returns one ``EndorsementChain`` object, checked against the vendored END schema
(``spec/EBL_END_v3.0.3.yaml``) before it is returned.

Rules:

- Links are **newest first**, as every example of ``GET /endorsement-chains/{tdr}`` lists them
  (the ``ISSUE`` is the last link, "the first entry in the chain").
- Corridor action codes map to END ``actionCode`` s: ``ISSUE``, ``TRANSFER``, ``ENDORSE``,
  ``ENDORSE_TO_ORDER``, ``BLANK_ENDORSE``, ``SIGN``, ``SURRENDER_FOR_DELIVERY`` and
  ``SURRENDER_FOR_AMENDMENT`` as themselves; ``SACC`` as ``SURRENDERED`` with no recipient (the
  END examples' ``SURRENDERED`` link has none, and the carrier does not hand the bill to anyone).
- ``SREJ`` and ``VOID`` are left out. END lists the codes a link "should be one of" and neither
  is among them: a rejected surrender shows as the ``SURRENDER_FOR_*`` request followed by the
  surrenderer's next action, and a voided bill's chain simply ends. The signed history
  (``/api/v1/documents/{ref}/history``) still has every entry.
- ``actionDateTime`` is the signed payload's RFC 3339 value, unchanged.
- ``auditReference`` is the entry hash (SHA-256 of the compact JWS), the leaf the node's Merkle
  log holds for that action: what an auditor looks up.
- A party is ``partyName`` (the registered name; names over END's 70 characters are cut at 70
  and trimmed, the identifying codes still name the party exactly), ``eblPlatform`` (the party's
  platform code) and ``identifyingCodes``: first ``{codeListProvider: <platform>, partyCode:
  <party id>}``, then LEI as ``GLEIF``/``LEI`` and DCSA codes as ``DCSA``. USCC and UEN have no
  END code-list provider, so they go in ``taxLegalReferences`` (``USCC``/``CN``, ``UEN``/``SG``).
  SMDG, BIC and other codes are not sent.
- ``eblPlatform`` allows at most 4 characters and names a platform. A Corridor platform code
  longer than that cannot be sent: cutting it could name another platform, so the chain is
  refused with a ``NodeError`` telling the operator to use a code of at most 4 characters.
- ``carrierSCACCode`` is the TD's ``carrierCode`` only when ``carrierCodeListProvider`` is
  ``NMFTA``: END defines it as the SCAC, which NMFTA provides; an SMDG liner code is not a SCAC.
- ``transportDocumentSubReference`` is not sent: Corridor keeps one version per reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from corridor.crypto.canonical import parse_json
from corridor.domain.party import CodeScheme, Party
from corridor.domain.title import ActionCode
from corridor.errors import DocumentRuleError, NodeError
from corridor.interop.dcsa.schema import END_SPEC_FILE, validate_schema
from corridor.services.node import HistoryItem, Node

__all__ = ["END_ACTION_CODES", "endorsement_chain"]

END_ACTION_CODES: dict[ActionCode, str] = {
    ActionCode.ISSUE: "ISSUE",
    ActionCode.TRANSFER: "TRANSFER",
    ActionCode.ENDORSE: "ENDORSE",
    ActionCode.ENDORSE_TO_ORDER: "ENDORSE_TO_ORDER",
    ActionCode.BLANK_ENDORSE: "BLANK_ENDORSE",
    ActionCode.SIGN: "SIGN",
    ActionCode.SURRENDER_FOR_DELIVERY: "SURRENDER_FOR_DELIVERY",
    ActionCode.SURRENDER_FOR_AMENDMENT: "SURRENDER_FOR_AMENDMENT",
    ActionCode.SACC: "SURRENDERED",
}
"""Corridor action code -> END ``actionCode``; codes not here (SREJ, VOID) are left out."""

_NO_RECIPIENT = frozenset({ActionCode.SACC})
_PARTY_NAME_MAX = 70
_EBL_PLATFORM_MAX = 4
_TAX_COUNTRIES = {CodeScheme.USCC: "CN", CodeScheme.UEN: "SG"}


def endorsement_chain(node: Node, reference: str) -> dict[str, Any]:
    """The END 3.0.3 ``EndorsementChain`` of ``reference``, newest link first.

    Raises ``NotFoundError`` if the node has no such document, and ``NodeError`` if a platform
    code is too long for END or the result would not validate against the END schema.
    """
    history = node.history(reference)
    document = parse_json(node.document(reference))
    chain: dict[str, Any] = {"transportDocumentReference": reference}
    scac = carrier_scac_code(document)
    if scac is not None:
        chain["carrierSCACCode"] = scac
    names: dict[str, Party] = {}

    def party(party_id: str) -> dict[str, Any]:
        if party_id not in names:
            names[party_id] = node.party(party_id)
        return end_party(names[party_id])

    chain["endorsementChain"] = _links(history, party)
    try:
        validate_schema(END_SPEC_FILE, "EndorsementChain", chain)
    except DocumentRuleError as error:
        raise NodeError(
            f"the endorsement chain of {reference} breaks DCSA END 3.0.3 at {error.location}: "
            f"{error.reason}; this is a bug in Corridor, please report it"
        ) from error
    return chain


def carrier_scac_code(document: Any) -> str | None:
    """The TD's ``carrierCode`` if it is a SCAC (``carrierCodeListProvider`` NMFTA)."""
    if not isinstance(document, dict) or document.get("carrierCodeListProvider") != "NMFTA":
        return None
    code = document.get("carrierCode")
    return code if isinstance(code, str) else None


def _links(
    history: Sequence[HistoryItem], party: Callable[[str], dict[str, Any]]
) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    for item in reversed(history):
        payload = item.payload
        end_code = END_ACTION_CODES.get(payload.action_code)
        if end_code is None:
            continue
        link: dict[str, Any] = {
            "actionDateTime": payload.action_date_time,
            "actionCode": end_code,
            "actor": party(payload.actor),
        }
        if payload.recipient is not None and payload.action_code not in _NO_RECIPIENT:
            link["recipient"] = party(payload.recipient)
        link["auditReference"] = item.row.entry_hash
        links.append(link)
    return links


def end_party(party: Party) -> dict[str, Any]:
    """``party`` as an END ``ActorParty`` / ``RecipientParty`` (same shape)."""
    platform = party.platform
    if len(platform) > _EBL_PLATFORM_MAX:
        raise NodeError(
            f"platform code {platform!r} of party {party.party_id} is {len(platform)} characters; "
            f"DCSA END eblPlatform allows at most {_EBL_PLATFORM_MAX}: run the node with a "
            "platform code of 1-4 letters or digits"
        )
    codes: list[dict[str, str]] = [{"codeListProvider": platform, "partyCode": party.party_id}]
    taxes: list[dict[str, str]] = []
    for code in party.codes:
        if code.scheme is CodeScheme.LEI:
            codes.append(
                {"codeListProvider": "GLEIF", "partyCode": code.value, "codeListName": "LEI"}
            )
        elif code.scheme is CodeScheme.DCSA:
            codes.append({"codeListProvider": "DCSA", "partyCode": code.value})
        elif code.scheme in _TAX_COUNTRIES:
            taxes.append(
                {
                    "type": str(code.scheme),
                    "countryCode": _TAX_COUNTRIES[code.scheme],
                    "value": code.value,
                }
            )
    out: dict[str, Any] = {
        "partyName": party.name[:_PARTY_NAME_MAX].strip(),
        "eblPlatform": platform,
        "identifyingCodes": codes,
    }
    if taxes:
        out["taxLegalReferences"] = taxes
    return out
