"""Checking one DCSA TNT 3.0 event before it is stored: dialect, structure, then rules.

``check_tnt_event(raw)`` is the one gate every event passes, whatever read it (the DCSA JSON
reader, the IFTSTA and rail CSV readers, ``POST /events``):

1. ``dialect.normalise``: the code dialect of DCSA's 3.0 examples becomes TNT 3.0.0 words;
2. the structure of TNT 3.0.0 ``components.schemas.Event`` (``compiled``: types, lengths,
   date-times, and the closed code lists of ``domain.tnt_vocabulary``), compiled once;
3. ``domain.tnt_event.check_event``: the rules the spec states in prose, and the facts to index.

The first failure is raised as ``EventRuleError`` naming the field, e.g.
``eventClassification.eventClassifier: 'XYZ' is not one of ACTUAL, ESTIMATED, PLANNED``.
``tnt_schema_errors`` lists every structural violation of any TNT 3.0.0 schema (for responses
and tests).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from corridor.domain.tnt_event import EventFacts, EventRuleError, check_event
from corridor.domain.tnt_vocabulary import CLOSED_LISTS
from corridor.interop.dcsa.schema_loader import TNT30_SPEC_FILE
from corridor.interop.dcsa.tnt.compiled import CompiledSchema, compile_schema
from corridor.interop.dcsa.tnt.dialect import normalise

__all__ = ["check_tnt_event", "event_schema", "tnt_schema_errors"]


@functools.cache
def event_schema(schema_name: str = "Event") -> CompiledSchema:
    """TNT 3.0.0 ``components.schemas.<schema_name>``, compiled with the closed code lists."""
    return compile_schema(TNT30_SPEC_FILE, schema_name, CLOSED_LISTS)


_event_schema = functools.partial(event_schema, "Event")


def tnt_schema_errors(schema_name: str, instance: object) -> list[tuple[str, str]]:
    """Every structural violation of TNT 3.0.0 ``schema_name`` in ``instance``."""
    return event_schema(schema_name).errors(instance)


def check_tnt_event(raw: object) -> tuple[Mapping[str, Any], EventFacts]:
    """``raw`` as a TNT 3.0.0 event and its facts, or ``EventRuleError`` naming the field."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise EventRuleError("", f"an event must be a JSON object, not {_kind(raw)}")
    event = normalise(raw)
    errors = _event_schema().errors(event)
    if errors:
        field, reason = errors[0]
        raise EventRuleError(field, reason)
    return event, check_event(event)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return type(value).__name__
