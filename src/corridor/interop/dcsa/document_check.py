"""What checking a DCSA eBL 3.0.3 document found: its kind, problems, warnings, unknown fields.

Shared by ``transport_document_io`` (``TransportDocument``) and ``shipping_instructions``
(``CreateShippingInstructions``, ``UpdateShippingInstructions``, ``ShippingInstructions``).

- ``document_kind`` tells a transport document from shipping instructions by the fields only one
  of them has: a TD always carries ``transportDocumentStatus`` and ``transports`` (required by
  ``TransportDocument``); SI carry ``isCargoDeliveredInICS2Zone`` (required by every SI schema),
  ``shippingInstructionsReference`` / ``shippingInstructionsStatus`` or ``documentParties.issueTo``.
- ``Finding`` is one problem or warning, located by its RFC 6901 JSON pointer.
- ``undeclared_properties`` lists the members of an instance that its schema does not declare
  anywhere (a member declared by any branch of an ``allOf``/``oneOf``/``anyOf`` counts as
  declared). Such members are legal (no DCSA schema sets ``additionalProperties: false``) and
  Corridor keeps them verbatim; the report names them so nobody is surprised.
- ``container_number_warning``: DCSA asks that an ``equipmentReference`` "follow the BIC ISO
  Container Identification Number where possible" (``Equipment``). A reference that looks like
  one (four letters, then digits) but fails ISO 6346 is reported as a warning, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from corridor.crypto.canonical import parse_json
from corridor.domain.equipment import validate_container_number
from corridor.errors import DocumentRuleError, MalformedInputError
from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import VENDORED_SPECS, component_schemas

__all__ = [
    "CheckResult",
    "DocumentKind",
    "Finding",
    "ImportReport",
    "as_json_object",
    "container_number_warning",
    "document_kind",
    "json_pointer",
    "schema_problems",
    "undeclared_properties",
]

_COMPONENT = "#/components/schemas/"
_CLAIMS_ISO6346 = re.compile(r"[A-Za-z]{4}[0-9]+")
_COMBINATORS = ("allOf", "oneOf", "anyOf")
_SI_MARKERS = (
    "isCargoDeliveredInICS2Zone",
    "shippingInstructionsReference",
    "shippingInstructionsStatus",
)


class DocumentKind(StrEnum):
    """The two documents Corridor imports from DCSA eBL 3.0.3 JSON."""

    TRANSPORT_DOCUMENT = "transport-document"
    SHIPPING_INSTRUCTIONS = "shipping-instructions"


@dataclass(frozen=True)
class Finding:
    """One problem or warning: where (a JSON pointer, ``""`` for the whole document) and what."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    """What an import checked and found; the document itself is kept byte for byte.

    ``schema`` names the schema it was validated against (e.g. ``DCSA eBL 3.0.3
    TransportDocument``); ``checksum`` is the SHA-256 of its RFC 8785 bytes; ``warnings`` did
    not stop the import; ``outside_schema`` are members the schema does not declare and
    ``not_interpreted`` are members Corridor's model does not read: both are kept as given.
    """

    kind: DocumentKind
    schema: str
    checksum: str
    warnings: tuple[Finding, ...] = ()
    outside_schema: tuple[Finding, ...] = ()
    not_interpreted: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """The outcome of ``corridor ebl check``: the errors, or the report of a clean import."""

    schema: str
    errors: tuple[Finding, ...] = ()
    report: ImportReport | None = None


def json_pointer(path: Sequence[str | int]) -> str:
    """The RFC 6901 pointer of a path of member names and array indices."""
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in path)


def as_json_object(raw: bytes | str | Mapping[str, Any], what: str) -> dict[str, Any]:
    """``raw`` as a JSON object: parse text strictly (``parse_json``); refuse anything else."""
    value: object = parse_json(raw) if isinstance(raw, bytes | str) else raw
    if not isinstance(value, Mapping):
        raise MalformedInputError(f"{what} must be a JSON object, not {_json_type(value)}")
    return dict(value)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list | tuple) else f"a {type(value).__name__}"


def document_kind(raw: Mapping[str, Any]) -> DocumentKind:
    """Transport document or shipping instructions, by the members only one of them carries.

    Anything that shows neither sign is taken for a transport document (whose schema will then
    say what is missing).
    """
    if "transportDocumentStatus" in raw or "transports" in raw:
        return DocumentKind.TRANSPORT_DOCUMENT
    parties = raw.get("documentParties")
    if any(marker in raw for marker in _SI_MARKERS) or (
        isinstance(parties, Mapping) and "issueTo" in parties
    ):
        return DocumentKind.SHIPPING_INSTRUCTIONS
    return DocumentKind.TRANSPORT_DOCUMENT


def schema_problems(spec_file: str, schema_name: str, instance: object) -> tuple[Finding, ...]:
    """Every violation of ``schema_name`` in ``instance``, as findings in pointer order."""
    findings = []
    for line in schema_errors(spec_file, schema_name, instance):
        pointer, _, message = line.partition(": ")
        findings.append(Finding(pointer, message))
    return tuple(findings)


def container_number_warning(reference: object, pointer: str) -> Finding | None:
    """A warning if ``reference`` looks like an ISO 6346 number but is not a valid one."""
    if not isinstance(reference, str) or _CLAIMS_ISO6346.fullmatch(reference) is None:
        return None
    try:
        validate_container_number(reference, pointer)
    except DocumentRuleError as exc:
        return Finding(pointer, exc.reason)
    return None


def undeclared_properties(
    spec_file: str, schema_name: str, instance: object
) -> tuple[Finding, ...]:
    """Members of ``instance`` that ``components.schemas.<schema_name>`` does not declare."""
    schemas = component_schemas(spec_file)
    standard = VENDORED_SPECS[spec_file]
    found = {}
    for path, name in _undeclared(schemas, [{"$ref": _COMPONENT + schema_name}], instance, ()):
        pointer = json_pointer(path)
        found[pointer] = Finding(pointer, f"{name} is not defined by {standard}; kept as given")
    return tuple(found.values())


def _undeclared(
    schemas: Mapping[str, Any],
    candidates: list[Mapping[str, Any]],
    value: object,
    path: tuple[str | int, ...],
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    resolved = [part for schema in candidates for part in _parts(schemas, schema)]
    if isinstance(value, Mapping):
        declared: dict[str, list[Mapping[str, Any]]] = {}
        for part in resolved:
            for name, sub in part.get("properties", {}).items():
                declared.setdefault(name, []).append(sub)
        if not declared:
            return  # a free-form object: nothing to compare against
        for name, member in value.items():
            if name in declared:
                yield from _undeclared(schemas, declared[name], member, (*path, name))
            else:
                yield (*path, name), name
    elif isinstance(value, list):
        items = [part["items"] for part in resolved if isinstance(part.get("items"), Mapping)]
        if items:
            for index, item in enumerate(value):
                yield from _undeclared(schemas, items, item, (*path, index))


def _parts(schemas: Mapping[str, Any], schema: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """``schema`` with its ``$ref`` resolved, then every branch of its combinators, flattened."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_COMPONENT):
        schema = schemas[ref.removeprefix(_COMPONENT)]
    yield schema
    for combinator in _COMBINATORS:
        for branch in schema.get(combinator, ()):
            yield from _parts(schemas, branch)
