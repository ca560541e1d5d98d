"""DCSA eBL 3.0.3 Shipping Instructions: import without loss, and a draft transport document.

Shipping Instructions (SI) are what the shipper sends the carrier so that it can draft the
transport document (``CreateShippingInstructions``: "the information required to create a Draft
Transport Document"). ``EBL_v3.0.3.yaml`` has three SI schemas; the import picks one by the
members that tell them apart:

- ``ShippingInstructions`` (the carrier's copy, ``GET /v3/shipping-instructions/...``) if
  ``shippingInstructionsStatus`` is present;
- ``UpdateShippingInstructions`` (``PUT``) if ``shippingInstructionsReference`` is;
- ``CreateShippingInstructions`` (``POST /v3/shipping-instructions``) otherwise. DCSA's example
  files ``si-*.json`` are of this kind.

``import_shipping_instructions`` validates against that schema and keeps every member (RFC 8785
bytes). A container number that looks like ISO 6346 but fails it, and a cargo item stuffed in
equipment the SI does not list, are warnings naming the pointer, not errors.

**Drafting a transport document** (``draft_transport_document``). The SI members that
``TransportDocument`` also defines are copied unchanged (same names, same meaning: document
type, to order, originals and copies, displayed names, invoice payable at, contact details,
parties, consignment items, references, licences, ``shippingInstructionsReference``...). Then:

- ``utilizedTransportEquipments[].equipmentReference`` (carrier-owned equipment) moves to
  ``utilizedTransportEquipments[].equipment.equipmentReference``; shipper-owned equipment
  already carries ``equipment``;
- the members in ``LEFT_IN_INSTRUCTIONS`` stay in the SI, each for the reason given there (they
  describe the SI, or are requests the carrier acts on rather than content of the document;
  ``documentParties.issueTo`` is returned as ``issue_to``: whom the eBL is issued to);
- members that no DCSA schema defines (e.g. ``NANumber`` in ``si-dg.json``) stay in the SI too;
- what only the carrier knows is left for it to fill: ``CARRIER_FIELDS``, plus anything else the
  ``TransportDocument`` schema requires that this SI did not give (e.g. a cargo item's
  ``outerPackaging``). ``TransportDocumentDraft.to_fill`` lists them all by pointer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from corridor.crypto.canonical import canonical_bytes, parse_json, sha256_hex
from corridor.errors import InputError
from corridor.interop.dcsa.document_check import (
    CheckResult,
    DocumentKind,
    Finding,
    ImportReport,
    as_json_object,
    container_number_warning,
    json_pointer,
    schema_problems,
    undeclared_properties,
)
from corridor.interop.dcsa.schema import validate_schema
from corridor.interop.dcsa.schema_loader import EBL_SPEC_FILE, VENDORED_SPECS

__all__ = [
    "CARRIER_FIELDS",
    "LEFT_IN_INSTRUCTIONS",
    "ImportedShippingInstructions",
    "TransportDocumentDraft",
    "check_shipping_instructions",
    "draft_transport_document",
    "import_shipping_instructions",
    "shipping_instructions_schema",
]

_STANDARD = VENDORED_SPECS[EBL_SPEC_FILE]
_NOT_FOR_A_TD = f"not defined for a {_STANDARD} TransportDocument; not carried into the draft"
_NOT_ON_THE_DOCUMENT = "a request to the carrier, acted on rather than printed on the document"

CARRIER_FIELDS: Mapping[str, str] = {
    "/transportDocumentReference": "the bill of lading number the carrier assigns (1-20 chars)",
    "/transportDocumentStatus": "DRAFT while the shipper reviews it; ISSUED once issued",
    "/termsAndConditions": "the carrier's terms and conditions of carriage",
    "/receiptTypeAtOrigin": "CY, SD or CFS: where the carrier takes the cargo (the booking)",
    "/deliveryTypeAtDestination": "CY, SD or CFS: where the carrier hands it over (the booking)",
    "/cargoMovementTypeAtOrigin": "FCL or LCL (the booking)",
    "/cargoMovementTypeAtDestination": "FCL or LCL (the booking)",
    "/carrierCode": "the carrier's SMDG or NMFTA code",
    "/carrierCodeListProvider": "SMDG or NMFTA",
    "/transports": "planned departure and arrival dates, ports of loading and discharge, "
    "vessel voyages, pre- and on-carriage (the booking and the schedule)",
    "/documentParties/issuingParty": "the carrier (or its agent) issuing the document, "
    "with its address",
}
"""What a transport document needs that shipping instructions never give: the carrier fills it.

Skipped for a member the SI happens to give (``transportDocumentReference``, ``carrierCode`` and
``carrierCodeListProvider`` are optional in the SI)."""

LEFT_IN_INSTRUCTIONS: Mapping[str, str] = {
    "/shippingInstructionsRevisionNumber": "describes the SI, not the document",
    "/shippingInstructionsStatus": "describes the SI, not the document",
    "/updatedShippingInstructionsStatus": "describes the SI, not the document",
    "/feedbacks": "the carrier's feedback on the SI, not on the document",
    "/isCargoDeliveredInICS2Zone": "an input to the EU ICS2 filing, which the carrier makes",
    "/advanceManifestFilings": "customs filings the carrier makes",
    "/houseBillOfLadings": "house bills for the ICS2 filing, not part of this document",
    "/isHouseBillOfLadingsIssued": "an input to the ICS2 filing, not part of this document",
    "/isCarriersAgentAtDestinationRequired": "if true, the carrier adds "
    "documentParties.carriersAgentAtDestination",
    "/originChargesPaymentTerm": "the carrier states the charges under charges",
    "/destinationChargesPaymentTerm": "the carrier states the charges under charges",
    "/requestedCarrierCertificates": _NOT_ON_THE_DOCUMENT,
    "/requestedCarrierClauses": "the carrier writes the clauses it grants in carrierClauses",
    "/documentParties/issueTo": "whom the eBL is issued to, not a party on the document: "
    "give it to 'corridor ebl issue --to'",
    "/documentParties/buyer": "a party for the customs filing, not on the document",
    "/documentParties/seller": "a party for the customs filing, not on the document",
    "/documentParties/shippingInstructionsRequestor": "who sent the SI, not on the document",
    "/utilizedTransportEquipments/*/emptyIndicatorCode": "laden or empty: an SI-only detail",
    "/consignmentItems/*/commoditySubReference": "the booking's commodity line, SI-only",
    "/consignmentItems/*/descriptionOfGoodsForCustoms": "for the customs filing only",
    "/consignmentItems/*/shippingMarksForCustoms": "for the customs filing only",
    "/consignmentItems/*/cargoItems/*/houseBillOfLadingReference": "for the ICS2 filing only",
}
"""SI members that do not go into the draft, and why (``*`` stands for every array index)."""


@dataclass(frozen=True)
class ImportedShippingInstructions:
    """Imported shipping instructions: their RFC 8785 bytes and the schema they passed."""

    canonical: bytes
    schema_name: str

    def document(self) -> dict[str, Any]:
        """A fresh copy of the SI as JSON values."""
        value: dict[str, Any] = parse_json(self.canonical)
        return value


@dataclass(frozen=True)
class TransportDocumentDraft:
    """A transport document drafted from SI: what is known, and what the carrier must add."""

    document: dict[str, Any]
    to_fill: tuple[Finding, ...]
    left_in_instructions: tuple[Finding, ...]
    issue_to: dict[str, Any] | None


def shipping_instructions_schema(value: Mapping[str, Any]) -> str:
    """The name of the eBL 3.0.3 SI schema that fits ``value`` (see the module docstring)."""
    if "shippingInstructionsStatus" in value:
        return "ShippingInstructions"
    if "shippingInstructionsReference" in value:
        return "UpdateShippingInstructions"
    return "CreateShippingInstructions"


def import_shipping_instructions(
    raw: bytes | str | Mapping[str, Any],
) -> tuple[ImportedShippingInstructions, ImportReport]:
    """Validate DCSA eBL 3.0.3 shipping instructions and keep every member of them.

    Raises ``MalformedInputError`` for text that is not a JSON object and ``DocumentRuleError``
    (``location`` a JSON pointer) for the first schema violation.
    """
    value = as_json_object(raw, "shipping instructions")
    name = shipping_instructions_schema(value)
    validate_schema(EBL_SPEC_FILE, name, value)
    canonical = canonical_bytes(value)
    report = ImportReport(
        kind=DocumentKind.SHIPPING_INSTRUCTIONS,
        schema=f"{_STANDARD} {name}",
        checksum=sha256_hex(canonical),
        warnings=(*_container_warnings(value), *_cargo_warnings(value)),
        outside_schema=undeclared_properties(EBL_SPEC_FILE, name, value),
    )
    return ImportedShippingInstructions(canonical, name), report


def check_shipping_instructions(raw: bytes | str | Mapping[str, Any]) -> CheckResult:
    """Like ``import_shipping_instructions``, but return every violation instead of raising."""
    value = as_json_object(raw, "shipping instructions")
    name = shipping_instructions_schema(value)
    errors = schema_problems(EBL_SPEC_FILE, name, value)
    if errors:
        return CheckResult(f"{_STANDARD} {name}", errors=errors)
    try:
        _, report = import_shipping_instructions(value)
    except InputError as exc:  # the schema holds, but RFC 8785 cannot write a number
        return CheckResult(f"{_STANDARD} {name}", errors=(Finding("", exc.message),))
    return CheckResult(report.schema, report=report)


def draft_transport_document(instructions: ImportedShippingInstructions) -> TransportDocumentDraft:
    """Draft a ``TransportDocument`` from imported SI by the mapping in the module docstring."""
    draft = instructions.document()
    issue_to = instructions.document().get("documentParties", {}).get("issueTo")
    left = []
    for pattern, why in LEFT_IN_INSTRUCTIONS.items():
        for holder, key, path in list(_select(draft, pattern.split("/")[1:], ())):
            del holder[key]
            left.append(Finding(json_pointer(path), why))
    for ute in draft.get("utilizedTransportEquipments", []):
        if "equipmentReference" in ute and "equipment" not in ute:
            ute["equipment"] = {"equipmentReference": ute.pop("equipmentReference")}
    for finding in undeclared_properties(EBL_SPEC_FILE, "TransportDocument", draft):
        _remove(draft, finding.pointer)
        left.append(Finding(finding.pointer, _NOT_FOR_A_TD))
    return TransportDocumentDraft(
        document=draft,
        to_fill=_to_fill(draft),
        left_in_instructions=tuple(sorted(left, key=lambda f: f.pointer)),
        issue_to=issue_to,
    )


# --- helpers -----------------------------------------------------------------------------


def _equipment_reference(ute: Mapping[str, Any], index: int) -> tuple[object, str]:
    """The reference of a carrier-owned (top level) or shipper-owned (``equipment``) UTE."""
    base = f"/utilizedTransportEquipments/{index}"
    equipment = ute.get("equipment")
    if isinstance(equipment, Mapping):
        return equipment.get("equipmentReference"), f"{base}/equipment/equipmentReference"
    return ute.get("equipmentReference"), f"{base}/equipmentReference"


def _container_warnings(value: Mapping[str, Any]) -> Iterator[Finding]:
    for index, ute in enumerate(value["utilizedTransportEquipments"]):
        warning = container_number_warning(*_equipment_reference(ute, index))
        if warning is not None:
            yield Finding(
                warning.pointer,
                f"{warning.message} (kept as given; a transport document drafted from these "
                "instructions cannot be issued until the number is corrected)",
            )


def _cargo_warnings(value: Mapping[str, Any]) -> Iterator[Finding]:
    known = {
        str(_equipment_reference(ute, index)[0])
        for index, ute in enumerate(value["utilizedTransportEquipments"])
    }
    for i, item in enumerate(value["consignmentItems"]):
        for j, cargo in enumerate(item["cargoItems"]):
            if cargo["equipmentReference"] not in known:
                yield Finding(
                    f"/consignmentItems/{i}/cargoItems/{j}/equipmentReference",
                    f"cargo item is stuffed in {cargo['equipmentReference']!r}, which is not "
                    f"among utilizedTransportEquipments ({', '.join(sorted(known))}); a "
                    "transport document cannot be drafted until the reference is corrected",
                )


def _to_fill(draft: Mapping[str, Any]) -> tuple[Finding, ...]:
    """The carrier's fields the draft lacks, then whatever else the TD schema still refuses."""
    missing = tuple(
        Finding(pointer, what)
        for pointer, what in CARRIER_FIELDS.items()
        if not any(True for _ in _select(draft, pointer.split("/")[1:], ()))
    )
    covered = tuple(f.pointer for f in missing)
    others = tuple(
        problem
        for problem in schema_problems(EBL_SPEC_FILE, "TransportDocument", draft)
        if not any(problem.pointer == p or problem.pointer.startswith(p + "/") for p in covered)
    )
    return missing + others


def _select(
    node: object, segments: list[str], path: tuple[str | int, ...]
) -> Iterator[tuple[dict[str, Any], str, tuple[str | int, ...]]]:
    """(holder, key, path) of each member that a ``/a/*/b`` pattern names in ``node``."""
    head, rest = segments[0], segments[1:]
    if head == "*":
        if isinstance(node, list) and rest:
            for index, item in enumerate(node):
                yield from _select(item, rest, (*path, index))
        return
    if isinstance(node, dict) and head in node:
        if rest:
            yield from _select(node[head], rest, (*path, head))
        else:
            yield node, head, (*path, head)


def _remove(document: dict[str, Any], pointer: str) -> None:
    """Delete the member at ``pointer`` (which ``undeclared_properties`` found, so it exists)."""
    *parents, last = [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]]
    node: Any = document
    for segment in parents:
        node = node[int(segment)] if isinstance(node, list) else node[segment]
    del node[last]
