"""Corridor's TNT 3.0.0 code lists are exactly the lists in the vendored spec's descriptions."""

from __future__ import annotations

import re

import pytest

from corridor.domain.tnt_vocabulary import CLOSED_LISTS, SUBTYPE_PROPERTY
from corridor.interop.dcsa.schema_loader import TNT30_SPEC_FILE, component_schemas

_LISTED = re.compile(r"^\s*- `([A-Za-z0-9_]+)`", re.MULTILINE)


def _described(schema: str, prop: str) -> list[str]:
    node = component_schemas(TNT30_SPEC_FILE)[schema]["properties"][prop]
    return _LISTED.findall(node.get("description", ""))


@pytest.mark.parametrize(("schema", "prop"), sorted(CLOSED_LISTS))
def test_each_list_is_the_one_the_spec_describes(schema: str, prop: str) -> None:
    assert list(CLOSED_LISTS[(schema, prop)]) == _described(schema, prop)


def test_every_described_list_is_closed_except_the_open_party_lists() -> None:
    described = {
        (schema, prop)
        for schema, node in component_schemas(TNT30_SPEC_FILE).items()
        for prop in node.get("properties", {})
        if _described(schema, prop)
    }
    # "including but not limited to": any value is allowed.
    open_lists = {("Party", "codeListProvider"), ("Party", "codeListName")}
    assert described - open_lists == set(CLOSED_LISTS)


def test_every_event_type_names_its_subtype_property() -> None:
    event_types = CLOSED_LISTS[("EventClassification", "eventType")]
    assert set(SUBTYPE_PROPERTY) == set(event_types)
    for prop in SUBTYPE_PROPERTY.values():
        assert ("EventClassification", prop) in CLOSED_LISTS
