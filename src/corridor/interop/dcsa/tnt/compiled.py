"""A component schema of a vendored DCSA spec, compiled once into a pydantic-core validator.

Bulk ingest of tracking events must check tens of thousands of events a second, and a
``jsonschema`` validator walks a schema in Python for every event (~100 times slower). This module
walks the OpenAPI 3.0.3 schema once and builds the same checks as a ``pydantic_core``
``SchemaValidator`` (compiled, in Rust); ``tests/unit/interop/tnt/test_compiled_agrees.py``
proves that it refuses everything ``corridor.interop.dcsa.schema`` (the project's Draft 4
reading of the spec) refuses, on the DCSA examples and on broken events.

The subset of OpenAPI 3.0.3 the TNT specs use, and what each keyword becomes:

- ``$ref`` to ``#/components/schemas/X``: a shared definition ``X`` (compiled once);
- ``allOf``: the parts' ``properties`` merged and their ``required`` joined; a property defined in
  several parts must pass each definition (a chain), as ``allOf`` means;
- ``type``: strict types as JSON Schema means them (an integer is a number, a boolean is neither);
- ``properties`` / ``required``: a typed dict that ignores unknown members (the specs do not set
  ``additionalProperties``); ``items``, ``maxItems``, ``minItems``;
- ``maxLength``, ``minLength``, ``pattern``, ``enum`` (as a literal), ``minimum``, ``maximum``;
- ``format``: ``date-time`` and ``date`` (RFC 3339 shape and a real calendar day, as
  ``datetime.fromisoformat`` reads it), ``int32`` (range), ``byte`` (base64), ``uri`` (scheme,
  then no spaces); other formats (``uuid``, ``float``, DCSA's typo ``$date-time``) assert
  nothing, as in ``schema.py``. Dates and date-times are checked by one calendar-exact regular
  expression each, in Rust: a call back into Python per value cost more than the rest of an
  event's structure (``tests/unit/interop/tnt/test_date_formats.py`` compares it with
  ``fromisoformat`` on every day, clock value and offset).

``closed_lists`` adds the code lists that TNT 3.0.0 gives only in descriptions
(``domain.tnt_vocabulary.CLOSED_LISTS``): such a property must be one of its values.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import PydanticCustomError, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from corridor.errors import NotFoundError
from corridor.interop.dcsa.schema_loader import VENDORED_SPECS, component_schemas

__all__ = ["CompiledSchema", "compile_schema", "dotted"]

_REF_PREFIX = "#/components/schemas/"
# RFC 3339 with the calendar and clock ranges ``datetime.fromisoformat`` (the Draft 4 reading in
# ``schema.py``) enforces, written as one regular expression so that pydantic-core checks it in
# Rust with no call back into Python: years 0001-9999; day 29 of February only in leap years
# (divisible by 4, not by 100 unless by 400); hours 00-23, minutes and seconds 00-59; any number
# of fraction digits; an offset of less than 24 hours (fromisoformat reads +05:60 as 6 hours).
_YEAR = "(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DAY = (
    f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    f"|{_LEAP_YEAR}-02-29)"
)
_OFFSET = "(?:[Zz]|[+-](?:[01][0-9]|2[0-2]):[0-9]{2}|[+-]23:[0-5][0-9])"
_DATE_TIME = f"^{_DAY}[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?{_OFFSET}$"
_FULL_DATE = f"^{_DAY}$"
_URI = r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"
_INT32 = (-(2**31), 2**31 - 1)
_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean (true or false)",
    "object": "an object",
    "array": "an array",
}
_ERROR_TYPE_NAMES = {
    "string_type": "a string",
    "float_type": "a number",
    "int_type": "an integer",
    "bool_type": "a boolean (true or false)",
    "dict_type": "an object",
    "list_type": "an array",
}
_JSON_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}


def _base64(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PydanticCustomError("corridor_format", "byte", {"format": "byte"}) from None
    return value


_FORMAT_OF_PATTERN = {_DATE_TIME: "date-time", _FULL_DATE: "date"}
_FORMAT_NAMES = {
    "date-time": "RFC 3339 date-time (e.g. 2026-03-02T08:00:00Z, a real calendar day)",
    "date": "date (YYYY-MM-DD, a real calendar day)",
    "byte": "base64 string (standard alphabet, with padding)",
}


class _Compiler:
    def __init__(
        self, spec_file: str, closed_lists: Mapping[tuple[str, str], Sequence[str]]
    ) -> None:
        self.schemas = component_schemas(spec_file)
        self.closed_lists = closed_lists
        self.definitions: dict[str, cs.CoreSchema] = {}

    def reference(self, ref: str) -> cs.CoreSchema:
        name = self._name(ref)
        if name not in self.definitions:
            self.definitions[name] = cs.any_schema(ref=name)  # placeholder against recursion
            self.definitions[name] = {**self.compile(self.schemas[name], owner=name), "ref": name}
        return cs.definition_reference_schema(name)

    def _name(self, ref: str) -> str:
        if not ref.startswith(_REF_PREFIX) or ref[len(_REF_PREFIX) :] not in self.schemas:
            raise NotFoundError(f"$ref {ref!r} is not a component schema of the spec")
        return ref[len(_REF_PREFIX) :]

    def compile(self, node: Mapping[str, Any], owner: str | None = None) -> cs.CoreSchema:
        if "$ref" in node:
            return self.reference(node["$ref"])
        if "allOf" in node:
            return self._all_of(node, owner)
        if node.get("type") == "object" or "properties" in node:
            properties = {name: [value] for name, value in node.get("properties", {}).items()}
            return self._object(properties, set(node.get("required", ())), owner)
        return self._leaf(node)

    def _flatten(
        self, node: Mapping[str, Any], properties: dict[str, list[Any]], required: set[str]
    ) -> bool:
        """Merge ``node``'s object parts into ``properties``, ``required``; False: no object."""
        if "$ref" in node:
            node = self.schemas[self._name(node["$ref"])]
        is_object = node.get("type") == "object" or "properties" in node
        for name, value in node.get("properties", {}).items():
            properties.setdefault(name, []).append(value)
        required.update(node.get("required", ()))
        for part in node.get("allOf", ()):
            is_object = self._flatten(part, properties, required) or is_object
        return is_object

    def _all_of(self, node: Mapping[str, Any], owner: str | None) -> cs.CoreSchema:
        constraining = [part for part in node["allOf"] if _constrains(part)]
        rest = {key: value for key, value in node.items() if key != "allOf"}
        if len(constraining) == 1 and not _constrains(rest) and "required" not in rest:
            # ``allOf: [$ref X]`` beside a description (TNT 3.0's style): just X, keeping its
            # definition (and the closed lists named after it).
            return self.compile(constraining[0])
        properties: dict[str, list[Any]] = {}
        required: set[str] = set()
        if self._flatten(node, properties, required):
            return self._object(properties, required, owner)
        parts = [self.compile(part) for part in constraining]
        if any(key in rest for key in ("type", "enum", "maxLength", "format", "pattern")):
            parts.append(self._leaf(rest))
        if not parts:
            return cs.any_schema()
        return parts[0] if len(parts) == 1 else cs.chain_schema(parts)

    def _object(
        self, properties: Mapping[str, list[Any]], required: set[str], owner: str | None
    ) -> cs.CoreSchema:
        fields = {}
        for name, definitions in properties.items():
            closed = self.closed_lists.get((owner, name)) if owner is not None else None
            if closed is not None:
                schema: cs.CoreSchema = cs.literal_schema(list(closed))
            else:
                compiled = [self.compile(d) for d in definitions if _constrains(d)]
                schema = cs.any_schema() if not compiled else compiled[0]
                if len(compiled) > 1:
                    schema = cs.chain_schema(compiled)
            fields[name] = cs.typed_dict_field(schema, required=name in required)
        missing = required - set(properties)
        for name in missing:
            fields[name] = cs.typed_dict_field(cs.any_schema(), required=True)
        return cs.typed_dict_schema(fields, extra_behavior="ignore", strict=True)

    def _leaf(self, node: Mapping[str, Any]) -> cs.CoreSchema:
        kind = node.get("type")
        if "enum" in node:
            return cs.literal_schema(list(node["enum"]))
        if kind == "string":
            return _string(node)
        if kind == "number":
            return cs.float_schema(strict=True, ge=node.get("minimum"), le=node.get("maximum"))
        if kind == "integer":
            low, high = node.get("minimum"), node.get("maximum")
            if node.get("format") == "int32":
                low = _INT32[0] if low is None else max(low, _INT32[0])
                high = _INT32[1] if high is None else min(high, _INT32[1])
            return cs.int_schema(strict=True, ge=low, le=high)
        if kind == "boolean":
            return cs.bool_schema(strict=True)
        if kind == "array":
            items = self.compile(node["items"]) if "items" in node else cs.any_schema()
            return cs.list_schema(
                items,
                min_length=node.get("minItems"),
                max_length=node.get("maxItems"),
                strict=True,
            )
        return cs.any_schema()


def _constrains(node: Mapping[str, Any]) -> bool:
    """Whether a property definition checks anything (a bare description does not)."""
    return any(
        key in node for key in ("$ref", "allOf", "type", "enum", "properties", "items", "format")
    )


def _string(node: Mapping[str, Any]) -> cs.CoreSchema:
    fmt = str(node.get("format", ""))
    pattern = {"date-time": _DATE_TIME, "date": _FULL_DATE, "uri": _URI}.get(
        fmt, node.get("pattern")
    )
    schema = cs.str_schema(
        strict=True,
        max_length=node.get("maxLength"),
        min_length=node.get("minLength"),
        pattern=pattern,
    )
    if fmt == "byte":
        return cs.no_info_after_validator_function(_base64, schema)
    return schema


class CompiledSchema:
    """The compiled validator of one component schema; ``errors`` lists what breaks it."""

    def __init__(self, validator: SchemaValidator, standard: str, subject: str) -> None:
        self._validator = validator
        self.standard = standard
        self.subject = subject

    def errors(self, instance: object) -> list[tuple[str, str]]:
        """Every violation as ``(dotted path, reason)``; empty when ``instance`` is valid."""
        try:
            self._validator.validate_python(instance)
        except ValidationError as error:
            return [self._describe(item) for item in error.errors(include_url=False)]
        return []

    def _describe(self, item: Any) -> tuple[str, str]:
        path = dotted(item["loc"])
        kind = item["type"]
        value = item.get("input")
        ctx = item.get("ctx") or {}
        if kind == "missing":
            return path, f"is required by {self.standard} but is missing; add it"
        if kind == "literal_error":
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            return path, f"{_shown(value)} is not one of {', '.join(allowed)}"
        if kind in _ERROR_TYPE_NAMES:
            return path, f"must be {_ERROR_TYPE_NAMES[kind]}, not {_json_name(value)}"
        if kind == "corridor_format":
            return path, f"{_shown(value)} is not a valid {_FORMAT_NAMES[ctx['format']]}"
        if kind == "string_too_long":
            limit = ctx["max_length"]
            return path, f"is {len(value)} characters long; at most {limit} are allowed"
        if kind == "too_long":
            return path, f"has {len(value)} items; at most {ctx['max_length']} are allowed"
        if kind == "string_pattern_mismatch" and ctx.get("pattern") in _FORMAT_OF_PATTERN:
            name = _FORMAT_NAMES[_FORMAT_OF_PATTERN[ctx["pattern"]]]
            return path, f"{_shown(value)} is not a valid {name}"
        if kind == "string_pattern_mismatch":
            return path, f"{_shown(value)} does not have the form the spec requires"
        return path, str(item.get("msg", "is invalid"))


def dotted(location: Sequence[object]) -> str:
    """``('events', 2, 'eventClassification')`` -> ``events[2].eventClassification``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return _JSON_NAMES.get(type(value), type(value).__name__)


def compile_schema(
    spec_file: str,
    schema_name: str,
    closed_lists: Mapping[tuple[str, str], Sequence[str]] | None = None,
) -> CompiledSchema:
    """Compile ``components.schemas.<schema_name>`` of the vendored ``spec_file``."""
    compiler = _Compiler(spec_file, closed_lists or {})
    root = compiler.reference(_REF_PREFIX + schema_name)
    definitions = list(compiler.definitions.values())
    validator = SchemaValidator(cs.definitions_schema(root, definitions))
    return CompiledSchema(validator, VENDORED_SPECS[spec_file], schema_name)
