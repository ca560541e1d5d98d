"""``array_items``: the items of a JSON array, read one at a time, equal to a whole parse."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.interop import json_array
from corridor.interop.json_array import JsonSyntaxError, array_items, syntax_error

# Strings that look like the place between two items, braces and escapes, and non-ASCII text.
_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["},{", "} , {", '"},{"', "\\", "{", "}", "]", "é€😀", "\n"]),
)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), _TEXT)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)
_OBJECTS = st.dictionaries(_TEXT, _VALUES, max_size=5)


def items(text: str | bytes) -> list[Any]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(array_items(data, data.index(b"[")))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_OBJECTS, _VALUES), max_size=8), st.sampled_from([None, 1, 4]))
def test_items_are_those_of_a_whole_parse(array: list[Any], indent: int | None) -> None:
    text = json.dumps(array, indent=indent, ensure_ascii=False)
    assert items(text) == orjson.loads(text)


def test_inner_arrays_of_objects_and_braces_in_strings_do_not_end_an_item() -> None:
    text = '[{"a": [{"b": 1},{"c": "},{"}]},{"d": "x\\"},{"},\n {"e": [{}, {}]}]'
    assert items(text) == json.loads(text)


def test_an_item_longer_than_the_window_is_read_whole() -> None:
    big = {"seals": [{"number": str(n)} for n in range(20_000)]}
    text = json.dumps([big, {"after": True}])
    assert items(text) == [big, {"after": True}]


def test_an_empty_array_has_no_items() -> None:
    assert items(" [ \n ] ") == []


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "before"),
    [
        ('[{"a": 1},', 1, 11, "unexpected end of the text", [{"a": 1}]),
        (
            '[{"a": 1} {"b": 2}]',
            1,
            11,
            "expected ',' or ']' after an item of the array",
            [{"a": 1}],
        ),
        ('[{"a": 1}] x', 1, 12, "unexpected text after the array", [{"a": 1}]),
        (
            '[\n{"a": 1},\n  oops\n]',
            3,
            3,
            "unexpected character, expected a JSON value",
            [{"a": 1}],
        ),
        ('[{"é": 1},\n {"b": ]}]', 2, 8, "unexpected character, expected a JSON value", [{"é": 1}]),
        ('[{"a": tru}]', 1, 8, "invalid literal, expected 'true'", []),
    ],
)
def test_a_fault_is_raised_at_its_line_and_column_after_the_items_before_it(
    text: str, line: int, column: int, message: str, before: list[Any]
) -> None:
    read: list[Any] = []
    with pytest.raises(JsonSyntaxError) as caught:
        read.extend(array_items(text.encode("utf-8"), 0))
    assert (caught.value.line, caught.value.column, caught.value.message) == (line, column, message)
    assert read == before


def test_items_before_a_fault_are_yielded() -> None:
    data = b'[{"a": 1}, {"b": 2}, {"c": ]'
    reader = array_items(data, 0)
    assert next(reader) == {"a": 1}
    assert next(reader) == {"b": 2}
    with pytest.raises(JsonSyntaxError):
        next(reader)


def test_a_tail_checks_what_follows_the_array() -> None:
    closing = re.compile(rb"\s*\}\s*")

    def close_object(data: bytes, position: int) -> None:
        if closing.fullmatch(data, position) is None:
            raise syntax_error(data, position, "expected '}'")

    data = b'{"events": [{"a": 1}] }'
    assert list(array_items(data, 11, close_object)) == [{"a": 1}]
    with pytest.raises(JsonSyntaxError, match="expected '}'"):
        list(array_items(b'{"events": [{"a": 1}] ]', 11, close_object))


def test_columns_count_characters_not_bytes() -> None:
    error = syntax_error("€€\n€x".encode(), len("€€\n€".encode()), "here")
    assert (error.line, error.column) == (2, 2)


def _counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = json_array._loads

    def counted(text: Any) -> Any:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(json_array, "_loads", counted)
    return calls


@pytest.mark.parametrize("first", ["null", "0", '"text"', "[1, {}]", "{}"])
def test_one_item_that_is_not_followed_by_an_object_costs_no_more_parses(
    monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    events = [{"eventID": str(n), "seals": [{"number": "1"}, {"number": "2"}]} for n in range(500)]
    text = f"[{first}, {json.dumps(events)[1:]}"
    calls = _counting_loads(monkeypatch)
    assert items(text) == orjson.loads(text)
    assert len(calls) <= 2 * 501 + 4  # at most two parses an item, never a rescan of the rest
    assert max(calls) < 4096


def test_inner_arrays_of_objects_are_skipped_without_a_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = [{"seals": [{"n": 1}, {"n": 2}, {"n": 3}], "id": n} for n in range(100)]
    calls = _counting_loads(monkeypatch)
    assert items(json.dumps(events)) == events
    assert len(calls) == 100 + 1  # one parse an item; the last one is read through a window


def test_a_number_longer_than_the_window_is_read_whole() -> None:
    number = "0." + "1" * 70_000
    assert items(f"[{number}, 1]") == orjson.loads(f"[{number}, 1]")


def test_invalid_utf8_is_refused_where_it_is_after_the_items_before_it() -> None:
    data = b'[{"a": true}, null, {"},{": "\xc3x"}]'
    read: list[Any] = []
    with pytest.raises(JsonSyntaxError) as caught:
        read.extend(array_items(data, 0))
    assert read == [{"a": True}, None]
    assert (caught.value.column, caught.value.message) == (data.index(b"\xc3") + 1, "not UTF-8")


@pytest.mark.parametrize("space", ["\f", "\v", "\u00a0"])
def test_only_json_whitespace_separates_items(space: str) -> None:
    with pytest.raises(JsonSyntaxError):
        items(f"[{{}},{space}{{}}]")
    with pytest.raises(JsonSyntaxError):
        items(f"[{{}}]{space}")


@pytest.mark.parametrize(
    "event",
    [
        {"remark": "see {ref", "seals": [{"n": 1}, {"n": 2}]},  # a brace no "}" closes
        {"remark": "}},{{", "refs": [{"a": "},{"}, {"b": 1}]},
        {"s": [{"n": n} for n in range(300)]},  # many inner objects
    ],
)
def test_braces_in_strings_and_inner_objects_cost_a_bounded_number_of_parses(
    monkeypatch: pytest.MonkeyPatch, event: dict[str, Any]
) -> None:
    events = [{"id": n, **event} for n in range(300)]
    text = json.dumps(events)
    calls = _counting_loads(monkeypatch)
    assert items(text) == events
    # Linear: a bounded number of parses an item, each byte parsed a bounded number of times
    # (an item read through a window costs two parses a doubling, from 256 bytes).
    assert len(calls) <= 12 * len(events)
    assert sum(calls) <= 8 * len(text) + 512 * len(events)


@pytest.mark.parametrize("depth", [100, 200, 600])
def test_deep_nesting_is_read_as_orjson_reads_it(depth: int) -> None:
    deep = "[" * depth + "]" * depth
    text = f'[{{"x": {deep}}}, {deep}, {{"y": 1}}]'
    assert items(text) == orjson.loads(text)


def test_brace_balances_are_counted_over_each_byte_once(monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[int] = []
    real = json_array._Candidates._balance

    def balance(self: Any, mark: tuple[int, int], position: int) -> int:
        counted.append(position - mark[0])
        return int(real(self, mark, position))

    monkeypatch.setattr(json_array._Candidates, "_balance", balance)
    events = [{"remark": "see {ref", "seals": [{"n": 1}, {"n": 2}], "id": n} for n in range(300)]
    text = json.dumps(events)
    assert items(text) == events
    assert sum(counted) <= 2 * len(text)  # two forward runs: item starts and candidates
