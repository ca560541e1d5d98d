"""Import and export of DCSA eBL 3.0.3 ``TransportDocument`` JSON, without loss.

**Export.** ``Node.issue`` stores each transport document as its RFC 8785 (JCS) canonical bytes,
and the document's checksum is the SHA-256 of those bytes: they *are* the document.
``export_transport_document`` returns them parsed; ``transport_document_json`` returns them
unchanged (``canonical=True``) or pretty-printed, which is the same JSON value: its RFC 8785 form
is the stored bytes again. Both first check that the bytes are canonical and, when the caller
passes the register's checksum, that they still match it, so a damaged row is never handed on as
the document.

**Import.** ``import_transport_document`` checks, in this order, and stops at the first failure
with a ``DocumentRuleError`` whose ``location`` is the JSON pointer of the problem:

1. strict JSON (``parse_json``: no duplicate member names, no NaN, valid UTF-8), an object;
2. the DCSA eBL 3.0.3 ``TransportDocument`` schema (``EBL_v3.0.3.yaml``);
3. if the document carries members that eBL 3.0.3 does not define but DCSA PINT 3.0.0's
   ``TransportDocument`` does (``extendedContractQuotationReference``, and ``isNotifyParty`` on
   ``documentParties.consignee`` / ``endorsee``), the PINT 3.0.0 schema as well;
4. Corridor's rules from the spec text (``corridor.domain.transport_document``), with one
   exception: a container number that looks like ISO 6346 but fails it (rule 7) is a *warning*
   on import. An import takes a document as its carrier wrote it (DCSA's own dangerous-goods
   example uses ``HLXU1234567``, which fails the check digit), and refusing it would lose it.
   ``corridor ebl issue`` still refuses such a document: a carrier issuing here must give real
   numbers, and the warning says so.

Nothing is dropped or rewritten: the imported document is the input's RFC 8785 form, including
members that neither the schema nor Corridor's model knows. ``ImportReport`` lists those
(``outside_schema``, ``not_interpreted``) and the warnings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from corridor.crypto.canonical import canonical_bytes, parse_json, sha256_hex
from corridor.domain.transport_document import TransportDocument, parse_transport_document
from corridor.errors import DocumentRuleError, InputError, MalformedInputError, NodeError
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
from corridor.interop.dcsa.schema_loader import EBL_SPEC_FILE, PINT_SPEC_FILE, VENDORED_SPECS

__all__ = [
    "SCHEMA",
    "ImportedTransportDocument",
    "check_transport_document",
    "export_transport_document",
    "import_transport_document",
    "transport_document_json",
]

_TRANSPORT_DOCUMENT = "TransportDocument"
SCHEMA = f"{VENDORED_SPECS[EBL_SPEC_FILE]} {_TRANSPORT_DOCUMENT}"
"""The schema a transport document is imported against, as a user reads it."""

_DAMAGED = "the node's copy is damaged; run 'corridor log audit'"
_ISSUE_REFUSES = "kept as given; 'corridor ebl issue' refuses it until the number is corrected"


@dataclass(frozen=True)
class ImportedTransportDocument:
    """An imported transport document: its RFC 8785 bytes and Corridor's reading of them."""

    canonical: bytes
    model: TransportDocument

    @property
    def reference(self) -> str:
        """``transportDocumentReference``."""
        return self.model.transport_document_reference

    @property
    def checksum(self) -> str:
        """SHA-256 (lowercase hex) of the canonical bytes: the document checksum."""
        return sha256_hex(self.canonical)

    def document(self) -> dict[str, Any]:
        """A fresh copy of the document as JSON values (ready for ``Node.issue``)."""
        value: dict[str, Any] = parse_json(self.canonical)
        return value


def import_transport_document(
    raw: bytes | str | Mapping[str, Any],
) -> tuple[ImportedTransportDocument, ImportReport]:
    """Validate a DCSA eBL 3.0.3 ``TransportDocument`` and keep every member of it.

    ``raw`` is JSON text or an already parsed object. Raises ``MalformedInputError`` for text
    that is not a JSON object (or holds a number RFC 8785 cannot write) and
    ``DocumentRuleError`` (``location`` a JSON pointer) for the first schema or rule violation.
    """
    value = as_json_object(raw, "a transport document")
    validate_schema(EBL_SPEC_FILE, _TRANSPORT_DOCUMENT, value)
    outside, extensions = _outside_schema(value)
    if extensions:
        validate_schema(PINT_SPEC_FILE, _TRANSPORT_DOCUMENT, value)
    failing = _container_warnings(value)
    unchecked = frozenset(reference for reference, _ in failing)
    model = parse_transport_document(value, unchecked_container_numbers=unchecked)
    canonical = canonical_bytes(value)
    report = ImportReport(
        kind=DocumentKind.TRANSPORT_DOCUMENT,
        schema=SCHEMA + (f" (with {VENDORED_SPECS[PINT_SPEC_FILE]} fields)" if extensions else ""),
        checksum=sha256_hex(canonical),
        warnings=tuple(warning for _, warning in failing),
        outside_schema=outside,
        not_interpreted=tuple(sorted(_not_interpreted(model, ()))),
    )
    return ImportedTransportDocument(canonical, model), report


def check_transport_document(raw: bytes | str | Mapping[str, Any]) -> CheckResult:
    """Like ``import_transport_document``, but return every schema violation instead of raising.

    Rule violations are checked only once the schema holds, and the first one is returned.
    ``MalformedInputError`` is still raised for input that is not a JSON object at all.
    """
    value = as_json_object(raw, "a transport document")
    errors = schema_problems(EBL_SPEC_FILE, _TRANSPORT_DOCUMENT, value)
    if not errors and _outside_schema(value)[1]:
        errors = schema_problems(PINT_SPEC_FILE, _TRANSPORT_DOCUMENT, value)
    if errors:
        return CheckResult(SCHEMA, errors=errors)
    try:
        _, report = import_transport_document(value)
    except DocumentRuleError as exc:
        return CheckResult(SCHEMA, errors=(Finding(exc.location, exc.reason),))
    except InputError as exc:
        return CheckResult(SCHEMA, errors=(Finding("", exc.message),))
    return CheckResult(report.schema, report=report)


def export_transport_document(
    canonical: bytes, *, expected_checksum: str | None = None
) -> dict[str, Any]:
    """The stored document as JSON values, after checking its bytes are intact.

    Raises ``NodeError`` if the bytes do not hash to ``expected_checksum`` or are not an RFC 8785
    canonical JSON object: the node's copy is damaged, and nothing is handed on.
    """
    if expected_checksum is not None and sha256_hex(canonical) != expected_checksum:
        raise NodeError(
            f"the stored document hashes to {sha256_hex(canonical)}, but the register records "
            f"{expected_checksum}: the node's copy is damaged; run 'corridor log audit'"
        )
    try:
        value: object = parse_json(canonical)
    except MalformedInputError as exc:
        raise NodeError(f"the stored document is not JSON ({exc.message}): {_DAMAGED}") from None
    if not isinstance(value, dict) or canonical_bytes(value) != canonical:
        raise NodeError(f"the stored document is not an RFC 8785 canonical object: {_DAMAGED}")
    return value


def transport_document_json(
    canonical: bytes, *, canonical_form: bool = False, expected_checksum: str | None = None
) -> bytes:
    """The document as JSON text: its RFC 8785 bytes unchanged, or indented for reading.

    The indented text (UTF-8, members in canonical order, a final newline) is the same JSON
    value: canonicalising it gives back exactly ``canonical``.
    """
    value = export_transport_document(canonical, expected_checksum=expected_checksum)
    if canonical_form:
        return canonical
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- import steps ------------------------------------------------------------------------


def _outside_schema(value: Mapping[str, Any]) -> tuple[tuple[Finding, ...], bool]:
    """Members eBL 3.0.3 does not define, and whether PINT 3.0.0 defines any of them."""
    outside = undeclared_properties(EBL_SPEC_FILE, _TRANSPORT_DOCUMENT, value)
    if not outside:
        return (), False
    unknown_to_pint = {
        f.pointer for f in undeclared_properties(PINT_SPEC_FILE, _TRANSPORT_DOCUMENT, value)
    }
    pint = VENDORED_SPECS[PINT_SPEC_FILE]
    findings = tuple(
        f
        if f.pointer in unknown_to_pint
        else Finding(f.pointer, f"defined by {pint}, not by {VENDORED_SPECS[EBL_SPEC_FILE]}")
        for f in outside
    )
    return findings, any(f.pointer not in unknown_to_pint for f in outside)


def _container_warnings(value: Mapping[str, Any]) -> list[tuple[str, Finding]]:
    """(number, warning) for each container number that looks like ISO 6346 but fails it."""
    found = []
    for index, ute in enumerate(value["utilizedTransportEquipments"]):
        reference = str(ute["equipment"]["equipmentReference"])
        pointer = f"/utilizedTransportEquipments/{index}/equipment/equipmentReference"
        warning = container_number_warning(reference, pointer)
        if warning is not None:
            found.append((reference, Finding(pointer, f"{warning.message} ({_ISSUE_REFUSES})")))
    return found


def _not_interpreted(model: BaseModel, path: tuple[str | int, ...]) -> Iterator[str]:
    """Pointers of the members Corridor's model keeps without reading (its extras)."""
    for name in model.model_extra or {}:
        yield json_pointer((*path, name))
    for name, field in type(model).model_fields.items():
        member = getattr(model, name)
        key = field.alias or name
        if isinstance(member, BaseModel):
            yield from _not_interpreted(member, (*path, key))
        elif isinstance(member, tuple):
            for index, item in enumerate(member):
                if isinstance(item, BaseModel):
                    yield from _not_interpreted(item, (*path, key, index))
