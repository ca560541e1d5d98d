"""Validate JSON against a named schema of a vendored DCSA OpenAPI spec.

The specs are the files in ``spec/`` (DCSA, Apache-2.0; see ``spec/README.md`` and
``schema_loader``): eBL 3.0.3, PINT 3.0.0, Issuance, Surrender and Endorsement Chain 3.0.3.
``validate_schema(spec_file, schema_name, instance)`` checks ``instance`` against
``components.schemas.<schema_name>``; ``validate_transport_document_schema`` is the eBL 3.0.3
``TransportDocument`` case.

Each spec is an OpenAPI 3.0.3 document, whose Schema Object is "an extended subset of JSON Schema
Specification Wright Draft 00" (OpenAPI 3.0.3, section 4.7.24). That draft has the semantics of
JSON Schema draft 4, so we validate with ``Draft4Validator``:

- ``exclusiveMinimum: true`` is the draft-4 boolean form used by the spec (weights, volumes);
  draft 2020-12 would misread it as the number 1;
- a ``$ref`` replaces its siblings, as OpenAPI 3.0 requires;
- ``$ref: '#/components/schemas/...'`` is resolved against the whole OpenAPI document, which is
  registered in a ``referencing.Registry`` under its own base URI (``schema_loader``);
- OpenAPI-only keywords (``example``, ``deprecated``, ``discriminator``) are unknown to draft 4
  and ignored; ``nullable``, ``readOnly`` and ``writeOnly`` do not occur in these specs;
- ``format`` is asserted for the OpenAPI formats the specs use: ``date`` (RFC 3339 full-date),
  ``date-time`` (RFC 3339 date-time), ``int32``, ``byte`` (standard base64 with padding,
  RFC 4648 section 4) and ``uri`` (an absolute URI: a scheme, then no whitespace); ``float``
  is any JSON number.

Only the structural schema is checked here; the rules that DCSA states in prose live in
``corridor.domain.transport_document`` (and, for PINT, in the receiver's validation pipeline).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import difflib
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from corridor.errors import DocumentRuleError, MalformedInputError, NotFoundError
from corridor.interop.dcsa.schema_loader import (
    EBL_SPEC_FILE,
    END_SPEC_FILE,
    ISS_SPEC_FILE,
    PINT_SPEC_FILE,
    SUR_SPEC_FILE,
    VENDORED_SPECS,
    component_schemas,
    load_spec,
    registry,
    spec_uri,
)

__all__ = [
    "END_SPEC_FILE",
    "ISS_SPEC_FILE",
    "PINT_SPEC_FILE",
    "SPEC_FILE",
    "SUR_SPEC_FILE",
    "VENDORED_SPECS",
    "describe_schema_error",
    "load_ebl_spec",
    "load_spec",
    "schema_errors",
    "validate_schema",
    "validate_transport_document_schema",
]

SPEC_FILE = EBL_SPEC_FILE
"""The vendored DCSA eBL 3.0.3 OpenAPI document, inside ``corridor.interop.dcsa/spec``."""

_TRANSPORT_DOCUMENT = "TransportDocument"

_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")

_JSON_TYPE_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
    type(None): "null",
}

_FORMAT_NAMES = {
    "date": "date (YYYY-MM-DD, a real calendar day)",
    "date-time": "date-time (RFC 3339, e.g. 2026-03-02T08:00:00Z)",
    "int32": "32-bit integer",
    "byte": "base64 string (standard alphabet, with padding)",
    "uri": "absolute URI (scheme:rest, no spaces)",
}

_OPENAPI_FORMATS = FormatChecker(formats=())


@_OPENAPI_FORMATS.checks("date", raises=ValueError)
def _is_full_date(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if _FULL_DATE.fullmatch(instance) is None:
        return False
    dt.date.fromisoformat(instance)
    return True


@_OPENAPI_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if _DATE_TIME.fullmatch(instance) is None:
        return False
    dt.datetime.fromisoformat(instance.upper().replace("Z", "+00:00"))
    return True


@_OPENAPI_FORMATS.checks("int32")
def _is_int32(instance: object) -> bool:
    if isinstance(instance, bool) or not isinstance(instance, int):
        return True
    return _INT32_MIN <= instance <= _INT32_MAX


@_OPENAPI_FORMATS.checks("byte")
def _is_base64(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    try:
        base64.b64decode(instance, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


@_OPENAPI_FORMATS.checks("uri")
def _is_uri(instance: object) -> bool:
    return not isinstance(instance, str) or _URI.fullmatch(instance) is not None


def load_ebl_spec() -> Mapping[str, Any]:
    """Return the vendored DCSA eBL 3.0.3 OpenAPI document (parsed once, then cached)."""
    return load_spec(SPEC_FILE)


@functools.cache
def _validator(spec_file: str, schema_name: str) -> Draft4Validator:
    schemas = component_schemas(spec_file)
    if schema_name not in schemas:
        close = difflib.get_close_matches(schema_name, list(schemas), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(
            f"{VENDORED_SPECS[spec_file]} ({spec_file}) has no schema {schema_name!r} "
            f"in components.schemas{hint}"
        )
    return Draft4Validator(
        {"$ref": f"{spec_uri(spec_file)}#/components/schemas/{schema_name}"},
        registry=registry(),
        format_checker=_OPENAPI_FORMATS,
    )


def validate_schema(spec_file: str, schema_name: str, instance: object) -> None:
    """Check ``instance`` against ``components.schemas.<schema_name>`` of ``spec_file``.

    ``spec_file`` is one of ``VENDORED_SPECS`` (e.g. ``PINT_SPEC_FILE``); ``instance`` is parsed
    JSON. Raises ``DocumentRuleError`` for the most relevant violation (``location`` its JSON
    pointer, ``reason`` one sentence), and ``NotFoundError`` if the spec or schema is unknown.
    """
    error = best_match(_validator(spec_file, schema_name).iter_errors(instance))
    if error is not None:
        location, reason = describe_schema_error(
            error, standard=VENDORED_SPECS[spec_file], subject=schema_name
        )
        raise DocumentRuleError(location, reason)


def schema_errors(spec_file: str, schema_name: str, instance: object) -> list[str]:
    """Every violation of ``schema_name`` in ``instance``, as ``"<pointer>: <reason>"`` lines.

    Empty when ``instance`` is valid. For reports and tests; ``validate_schema`` refuses.
    """
    lines = []
    for error in _validator(spec_file, schema_name).iter_errors(instance):
        location, reason = describe_schema_error(
            error, standard=VENDORED_SPECS[spec_file], subject=schema_name
        )
        lines.append(f"{location}: {reason}")
    return sorted(lines)


def validate_transport_document_schema(raw: Mapping[str, Any]) -> None:
    """Check ``raw`` against the DCSA eBL 3.0.3 ``TransportDocument`` schema.

    Raises ``MalformedInputError`` if ``raw`` is not a JSON object, and ``DocumentRuleError`` for
    the most relevant schema violation: ``location`` is its JSON pointer, ``reason`` one sentence.
    """
    if not isinstance(raw, Mapping):
        raise MalformedInputError(
            f"a transport document must be a JSON object, not {_json_type(raw)}"
        )
    validate_schema(SPEC_FILE, _TRANSPORT_DOCUMENT, dict(raw))


def describe_schema_error(
    error: ValidationError,
    *,
    standard: str = VENDORED_SPECS[SPEC_FILE],
    subject: str = "the transport document",
) -> tuple[str, str]:
    """Turn a jsonschema error into (JSON pointer, plain sentence naming the field and why).

    ``standard`` names the spec in "required by ..." sentences; ``subject`` names the whole
    instance when the error is at its root.
    """
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = _missing_property(error)
        return _pointer([*path, missing]), (
            f"{_field_name([*path, missing], subject)} is required by {standard} but is missing; "
            "add it"
        )
    return _pointer(path), f"{_field_name(path, subject)} {_why(error)}"


def _missing_property(error: ValidationError) -> str:
    """The property this ``required`` error is about (jsonschema raises one per property)."""
    required = error.validator_value
    instance = error.instance
    if isinstance(required, Sequence) and isinstance(instance, Mapping):
        missing = [str(name) for name in required if name not in instance]
        named = [name for name in missing if error.message.startswith(f"{name!r} ")]
        if named or missing:
            return (named or missing)[0]
    return str(error.message).split("'")[1] if "'" in error.message else "?"


def _why(error: ValidationError) -> str:
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    shown = _shown(instance)
    reasons: dict[str, Any] = {
        "type": lambda: f"must be {_schema_type_name(value)}, not {_json_type(instance)}",
        "enum": lambda: f"must be one of {', '.join(map(str, value))}, not {shown}",
        "pattern": lambda: f"value {shown} does not match the pattern {value}",
        "format": lambda: f"value {shown} is not a valid {_FORMAT_NAMES.get(value, value)}",
        "maxLength": lambda: f"is {len(instance)} characters long; at most {value} are allowed",
        "minLength": lambda: f"is {len(instance)} characters long; at least {value} are needed",
        "maxItems": lambda: f"has {len(instance)} items; at most {value} are allowed",
        "minItems": lambda: f"has {len(instance)} items; at least {value} are needed",
        "maximum": lambda: f"is {shown}; the maximum is {value}",
        "minimum": lambda: _minimum_reason(error),
        "anyOf": lambda: f"must match at least one of: {_titles(value)}",
        "oneOf": lambda: _one_of_reason(error),
    }
    explain = reasons.get(keyword)
    return str(explain()) if explain is not None else f"is invalid: {error.message}"


def _minimum_reason(error: ValidationError) -> str:
    exclusive = (
        bool(error.schema.get("exclusiveMinimum")) if isinstance(error.schema, dict) else False
    )
    bound = "greater than" if exclusive else "at least"
    return f"is {_shown(error.instance)}; it must be {bound} {error.validator_value}"


def _one_of_reason(error: ValidationError) -> str:
    choices = _titles(error.validator_value)
    if error.context:
        return f"must match exactly one of: {choices}; it matches none"
    return f"must match exactly one of: {choices}; it matches more than one, so keep only one"


def _titles(subschemas: Any) -> str:
    titles = [
        str(s.get("title") or s.get("$ref", "?").rsplit("/", 1)[-1])
        for s in subschemas
        if isinstance(s, dict)
    ]
    return ", ".join(titles)


def _schema_type_name(value: Any) -> str:
    names = {
        "boolean": "a boolean (true or false)",
        "integer": "an integer",
        "number": "a number",
        "string": "a string",
        "array": "an array",
        "object": "an object",
        "null": "null",
    }
    if isinstance(value, list):
        return " or ".join(names.get(str(v), str(v)) for v in value)
    return names.get(str(value), str(value))


def _json_type(instance: object) -> str:
    return _JSON_TYPE_NAMES.get(type(instance), type(instance).__name__)


def _shown(instance: object) -> str:
    text = repr(instance)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_name(path: Sequence[object], subject: str) -> str:
    """``['transports', 'vesselVoyages', 0, 'vesselName']`` -> ``vesselVoyages[0].vesselName``."""
    if not path:
        return subject
    parts: list[str] = []
    for segment in path:
        if isinstance(segment, int) and parts:
            parts[-1] += f"[{segment}]"
        else:
            parts.append(str(segment))
    return ".".join(parts[-2:])


def _pointer(path: Sequence[object]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indices."""
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in path)
