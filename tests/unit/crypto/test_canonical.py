"""RFC 8785 canonical JSON: against the RFC's own vectors and the reference implementation."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import orjson
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.crypto import canonical
from corridor.crypto.canonical import canonical_bytes, checksum, parse_json, sha256_hex
from corridor.errors import MalformedInputError

VECTORS = Path(__file__).parents[2] / "vectors" / "rfc8785"
DCSA_EXAMPLES = Path(__file__).parents[2] / "vectors" / "dcsa" / "examples"
MAX_SAFE = 2**53 - 1

SPECIAL_KEYS = ["\u20ac", "\U0001f600", "\ufb33", "\r", "1", "\u0080", "\u00f6", "\ue000", "\uffff"]
keys = st.one_of(st.text(max_size=6), st.sampled_from(SPECIAL_KEYS))
strings = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=0x9F)),  # controls, DEL, C1
    st.sampled_from(["\u2028", "\u2029", "\x7f", "\U0001f600", '"\\/', "\ufeff"]),
)
safe_ints = st.integers(min_value=-MAX_SAFE, max_value=MAX_SAFE)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
leaves = st.one_of(st.none(), st.booleans(), safe_ints, finite_floats, strings)


def documents(leaf: st.SearchStrategy[Any], key: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaf,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(key, children, max_size=5)
        ),
        max_leaves=40,
    )


fast_floats = st.floats(min_value=1e-4, max_value=1e15, exclude_max=True).filter(
    lambda x: not x.is_integer()
)
fast_leaves = st.one_of(
    st.none(), st.booleans(), safe_ints, strings, fast_floats, fast_floats.map(lambda x: -x)
)
fast_keys = st.text(alphabet=st.characters(max_codepoint=0xD7FF), max_size=6)


# --- the reference implementation -------------------------------------------------------------


@settings(max_examples=500)
@given(documents(leaves, keys))
def test_matches_the_reference_implementation(value: Any) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)
    assert canonical._exact_canonical_bytes(value) == rfc8785.dumps(value)


@settings(max_examples=300)
@given(documents(fast_leaves, fast_keys))
def test_fast_path_domain_gives_the_exact_bytes(value: Any) -> None:
    assert canonical._in_fast_domain(value)
    fast = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    assert fast == canonical._exact_canonical_bytes(value) == rfc8785.dumps(value)


@settings(max_examples=2000)
@given(fast_floats)
def test_orjson_writes_fast_domain_floats_as_jcs_does(number: float) -> None:
    assert orjson.dumps(number) == canonical._exact_canonical_bytes(number)
    assert orjson.dumps(-number) == canonical._exact_canonical_bytes(-number)


@given(documents(leaves, keys))
def test_reparsing_canonical_bytes_is_a_fixed_point(value: Any) -> None:
    once = canonical_bytes(value)
    assert canonical_bytes(parse_json(once)) == once


def test_orjson_escapes_every_code_point_as_jcs_does() -> None:
    # The evidence behind not scanning string values on the fast path.
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert orjson.dumps(text) == canonical._exact_canonical_bytes(text)
    for char in [*map(chr, range(0x20)), "\x7f", '"', "\\", "/", "\u2028", "\u2029"]:
        assert orjson.dumps(char) == canonical._exact_canonical_bytes(char)


# --- fast path is really taken ----------------------------------------------------------------


def _dcsa_examples() -> list[Path]:
    return sorted(p for p in DCSA_EXAMPLES.glob("*.json") if not p.name.startswith("tnt300-resp"))


@pytest.mark.skipif(not DCSA_EXAMPLES.is_dir(), reason="DCSA examples not present")
@pytest.mark.parametrize("path", _dcsa_examples(), ids=lambda p: p.name)
def test_typical_documents_take_the_fast_path(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = parse_json(path.read_bytes())
    exact = canonical._exact_canonical_bytes(document)
    assert canonical._in_fast_domain(document)

    def _no_exact(_: object) -> bytes:
        raise AssertionError("exact path taken")

    monkeypatch.setattr(canonical, "_exact_canonical_bytes", _no_exact)
    assert canonical_bytes(document) == exact == rfc8785.dumps(document)


def test_a_typical_ebl_with_decimal_weights_takes_the_fast_path() -> None:
    document = {
        "transportDocumentReference": "CQ2026000001",
        "consignmentItems": [{"cargoGrossWeight": 12345.6, "unit": "KGM", "count": 3}],
        "shipper": {"partyName": "重庆出口有限公司", "identifyingCodes": []},
    }
    assert canonical._in_fast_domain(document)


@pytest.mark.parametrize(
    "value",
    [
        1.0,
        2.5e-5,
        1e16,
        MAX_SAFE + 1,
        {"\U0001f600": 1},
        {"\ue000": 1},
        {1: "x"},
        ("ok", {"a": [1.5, 2.0]}),
        math.nan,
    ],
    ids=repr,
)
def test_values_outside_the_fast_domain_are_detected(value: Any) -> None:
    assert not canonical._in_fast_domain(value)


def test_lone_surrogate_falls_back_and_is_refused() -> None:
    with pytest.raises(MalformedInputError, match="lone surrogate"):
        canonical_bytes({"a": "x\ud800"})
    with pytest.raises(MalformedInputError, match="lone surrogate"):
        canonical_bytes({"\udc00": 1})


# --- RFC 8785 vectors -------------------------------------------------------------------------


def test_rfc8785_sample_3_2_2() -> None:
    value = parse_json((VECTORS / "sample-input.json").read_bytes())
    expected = (VECTORS / "sample-canonical.json").read_bytes()
    assert canonical_bytes(value) == expected
    assert canonical._exact_canonical_bytes(value) == expected
    assert checksum(value) == sha256_hex(expected)


def test_rfc8785_sorting_example_3_2_3() -> None:
    value = parse_json((VECTORS / "sorting-input.json").read_bytes())
    expected_order = json.loads((VECTORS / "sorting-order.json").read_text("utf-8"))["order"]
    written = canonical_bytes(value)
    assert list(json.loads(written)) == expected_order
    assert written.startswith(b'{"\\r":"Carriage Return","1":"One","\xc2\x80":"Control"')


def _number_vectors() -> list[tuple[str, str | None]]:
    return [tuple(pair) for pair in json.loads((VECTORS / "numbers.json").read_text("utf-8"))]


@pytest.mark.parametrize(("bits", "expected"), _number_vectors())
def test_rfc8785_appendix_b_numbers(bits: str, expected: str | None) -> None:
    number = struct.unpack(">d", bytes.fromhex(bits))[0]
    if expected is None:
        with pytest.raises(MalformedInputError):
            canonical_bytes(number)
        with pytest.raises(MalformedInputError):
            canonical_bytes([number])
    else:
        assert canonical_bytes(number) == expected.encode("ascii")
        assert canonical_bytes([number]) == f"[{expected}]".encode("ascii")


# --- the domain's edges -----------------------------------------------------------------------


@pytest.mark.parametrize("number", [MAX_SAFE + 2, -MAX_SAFE - 2, 2**64, -(2**70), 10**400])
def test_integers_a_double_would_round_are_refused(number: int) -> None:
    with pytest.raises(MalformedInputError, match="would be rounded"):
        canonical_bytes({"n": number})
    with pytest.raises(rfc8785.IntegerDomainError):
        rfc8785.dumps({"n": number})


@pytest.mark.parametrize("number", [2**53, -(2**53), 1152921504606847000, 10**20])
def test_big_integers_whose_digits_are_canonical_doubles_are_kept(number: int) -> None:
    # Deliberately wider than the reference library, which refuses every |n| > 2**53 - 1:
    # these digits are exactly what JCS writes for the double, so nothing is rounded, and
    # canonical output re-parsed (as Python ints) canonicalises to the same bytes.
    assert canonical_bytes([number]) == f"[{number}]".encode("ascii")
    assert canonical_bytes([number]) == canonical_bytes([float(number)])


def test_safe_integer_limits_are_written() -> None:
    assert canonical_bytes([MAX_SAFE, -MAX_SAFE]) == b"[9007199254740991,-9007199254740991]"


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_refused(number: float) -> None:
    with pytest.raises(MalformedInputError):
        canonical_bytes({"x": number})


@pytest.mark.parametrize("value", [{"a": object()}, {1: 2}, {"a": {1.5: 2}}, b"bytes"])
def test_non_json_values_are_refused(value: Any) -> None:
    with pytest.raises(MalformedInputError):
        canonical_bytes(value)


def test_deep_nesting_is_refused_not_crashed() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(MalformedInputError, match="nested too deeply"):
        canonical_bytes(deep)


def test_literals_and_negative_zero() -> None:
    assert canonical_bytes([None, True, False, -0.0, 0, 1.0]) == b"[null,true,false,0,0,1]"


def test_sha256_hex() -> None:
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


# --- strict reader ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ('{"a": 1,\n "a": 2}', "line 2 column 2", "duplicate member name"),
        ('{"x": {"b": 1, "c": [1, {"b": 2}], "b": 3}}', "line 1 column 36", "duplicate"),
        ("[1, NaN]", "line 1 column 5", "NaN"),
        ('{"a":\n\n  Infinity}', "line 3 column 3", "Infinity"),
        ("[-Infinity]", "line 1 column 2", "-Infinity"),
        ("[1e400]", "line 1 column 2", "overflows"),
        ('["ok", "\\ud800"]', "line 1 column 8", "lone surrogate"),
        ('{"\\udfff": 1}', "line 1 column 2", "lone surrogate"),
        ("[1,\n 2", "line 2 column 3", "Expecting"),
        ('{"a" 1}', "line 1 column 6", "Expecting ':'"),
    ],
)
def test_parse_json_refuses_with_position(text: str, position: str, reason: str) -> None:
    with pytest.raises(MalformedInputError) as caught:
        parse_json(text)
    assert position in str(caught.value)
    assert reason in str(caught.value)
    with pytest.raises(MalformedInputError):
        parse_json(text.encode("utf-8"))


def test_parse_json_refuses_bad_encodings() -> None:
    with pytest.raises(MalformedInputError, match=r"line 2 column 3 .*not UTF-8"):
        parse_json(b'[1,\n "\xff"]')
    with pytest.raises(MalformedInputError, match="byte order mark"):
        parse_json(b"\xef\xbb\xbf[]")
    with pytest.raises(MalformedInputError, match="lone surrogate"):
        parse_json('["\ud800"]')
    with pytest.raises(MalformedInputError, match="too many digits"):
        parse_json("1" * 5000)
    with pytest.raises(MalformedInputError, match="nested too deeply"):
        parse_json("[" * 100_000)


def test_parse_json_accepts_what_it_should() -> None:
    assert parse_json(
        '{"\\ud83d\\ude00": "\\\\ud800", "a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}'
    ) == {
        "\U0001f600": "\\ud800",
        "a": {"a": 1},
        "b": [{"a": 1}, {"a": 2}],
    }
    assert parse_json(b" 12 ") == 12
    assert parse_json("[2e-3, -0, 1E2]") == [0.002, 0, 100.0]
    assert parse_json(str(2**80)) == 2**80  # read exactly; canonical_bytes refuses it later
