"""What every tracking-event reader's output must pass: DCSA TNT 3.0.0, in letter and in text.

``tnt30_problems(event)`` lists, for one event produced by a reader:

- every violation of ``components.schemas.Event`` of the vendored ``TNT_v3.0.0.yaml`` (Draft 4,
  formats asserted: ``corridor.interop.dcsa.schema``);
- every member that is not a property of its schema (the spec sets no ``additionalProperties``,
  so a misspelt or TNT 2.2 name such as ``eventTypeCode`` would pass the schema unnoticed);
- every code outside the list the spec gives in the property's description
  (``corridor.domain.tnt_vocabulary.CLOSED_LISTS``);
- the event store's refusal, if any (``corridor.domain.tnt_event.check_event``: the rules the
  spec states in prose, such as a required ``eventUpdatedDateTime`` and ISO 6346 check digits).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from corridor.domain.tnt_event import EventRuleError, check_event
from corridor.domain.tnt_vocabulary import CLOSED_LISTS
from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT30_SPEC_FILE, component_schemas


def tnt30_problems(event: Mapping[str, Any]) -> list[str]:
    problems = schema_errors(TNT30_SPEC_FILE, "Event", event)
    problems += list(_foreign_words(event, "Event", "$"))
    try:
        check_event(event)
    except EventRuleError as error:
        problems.append(f"event store: {error}")
    return problems


def _schema_name(node: Mapping[str, Any]) -> str | None:
    reference = node.get("$ref") or next(
        (part.get("$ref") for part in node.get("allOf", ()) if "$ref" in part), None
    )
    return str(reference).rsplit("/", 1)[-1] if reference else None


def _foreign_words(value: Any, schema: str, path: str) -> Iterator[str]:
    properties = component_schemas(TNT30_SPEC_FILE)[schema].get("properties", {})
    for key, member in value.items():
        where = f"{path}.{key}"
        if key not in properties:
            yield f"{where}: not a property of TNT 3.0.0 {schema}"
            continue
        node = properties[key]
        allowed = CLOSED_LISTS.get((schema, key))
        if allowed is not None and member not in allowed:
            yield f"{where}: {member!r} is not in the list of TNT 3.0.0 {schema}.{key}"
        if isinstance(member, Mapping):
            child = _schema_name(node)
            if child is not None:
                yield from _foreign_words(member, child, where)
        elif isinstance(member, list):
            child = _schema_name(node.get("items", {}))
            for index, item in enumerate(member):
                if child is not None and isinstance(item, Mapping):
                    yield from _foreign_words(item, child, f"{where}[{index}]")
