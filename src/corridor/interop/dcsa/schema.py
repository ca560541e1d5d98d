"""Validate a JSON object against DCSA eBL 3.0.3 ``components.schemas.TransportDocument``.

The schema is the vendored ``spec/EBL_v3.0.3.yaml`` (DCSA, Apache-2.0; see ``spec/README.md``).
It is an OpenAPI 3.0.3 document, whose Schema Object is "an extended subset of JSON Schema
Specification Wright Draft 00" (OpenAPI 3.0.3, section 4.7.24). That draft has the semantics of
JSON Schema draft 4, so we validate with ``Draft4Validator``:

- ``exclusiveMinimum: true`` is the draft-4 boolean form used by the spec (weights, volumes);
  draft 2020-12 would misread it as the number 1;
- a ``$ref`` replaces its siblings, as OpenAPI 3.0 requires;
- ``$ref: '#/components/schemas/...'`` is resolved against the whole OpenAPI document, which is
  registered in a ``referencing.Registry`` under a fixed base URI;
- OpenAPI-only keywords (``example``, ``deprecated``, ``discriminator``) are unknown to draft 4
  and ignored; ``nullable`` does not occur in this spec;
- ``format`` is asserted for the OpenAPI formats the spec uses: ``date`` (RFC 3339 full-date),
  ``date-time`` (RFC 3339 date-time) and ``int32``; ``float`` is any JSON number.

Only the structural schema is checked here; the rules that DCSA states in prose live in
``corridor.domain.transport_document``.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from corridor.errors import DocumentRuleError, MalformedInputError

__all__ = [
    "SPEC_FILE",
    "describe_schema_error",
    "load_ebl_spec",
    "validate_transport_document_schema",
]

SPEC_FILE = "EBL_v3.0.3.yaml"
"""The vendored DCSA eBL 3.0.3 OpenAPI document, inside ``corridor.interop.dcsa/spec``."""

_BASE_URI = "https://corridor.invalid/dcsa/spec/EBL_v3.0.3.yaml"
_TRANSPORT_DOCUMENT_REF = f"{_BASE_URI}#/components/schemas/TransportDocument"

_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1

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


@functools.cache
def load_ebl_spec() -> Mapping[str, Any]:
    """Return the vendored DCSA eBL 3.0.3 OpenAPI document (parsed once, then cached)."""
    spec_file = importlib.resources.files("corridor.interop.dcsa").joinpath("spec", SPEC_FILE)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: Any = yaml.load(spec_file.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    if not isinstance(document, dict):
        raise MalformedInputError(f"{SPEC_FILE} is not a YAML mapping")
    return document


@functools.cache
def _transport_document_validator() -> Draft4Validator:
    resource = Resource.from_contents(load_ebl_spec(), default_specification=DRAFT4)
    registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
    return Draft4Validator(
        {"$ref": _TRANSPORT_DOCUMENT_REF},
        registry=registry,
        format_checker=_OPENAPI_FORMATS,
    )


def validate_transport_document_schema(raw: Mapping[str, Any]) -> None:
    """Check ``raw`` against the DCSA eBL 3.0.3 ``TransportDocument`` schema.

    Raises ``MalformedInputError`` if ``raw`` is not a JSON object, and ``DocumentRuleError`` for
    the most relevant schema violation: ``location`` is its JSON pointer, ``reason`` one sentence.
    """
    if not isinstance(raw, Mapping):
        raise MalformedInputError(
            f"a transport document must be a JSON object, not {_json_type(raw)}"
        )
    error = best_match(_transport_document_validator().iter_errors(dict(raw)))
    if error is not None:
        location, reason = describe_schema_error(error)
        raise DocumentRuleError(location, reason)


def describe_schema_error(error: ValidationError) -> tuple[str, str]:
    """Turn a jsonschema error into (JSON pointer, plain sentence naming the field and why)."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = _first_missing(error)
        return _pointer([*path, missing]), (
            f"{_field_name([*path, missing])} is required by DCSA eBL 3.0.3 but is missing; add it"
        )
    return _pointer(path), f"{_field_name(path)} {_why(error)}"


def _first_missing(error: ValidationError) -> str:
    required = error.validator_value
    instance = error.instance
    if isinstance(required, Sequence) and isinstance(instance, Mapping):
        for name in required:
            if name not in instance:
                return str(name)
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


def _field_name(path: Sequence[object]) -> str:
    """``['transports', 'vesselVoyages', 0, 'vesselName']`` -> ``vesselVoyages[0].vesselName``."""
    if not path:
        return "the transport document"
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
