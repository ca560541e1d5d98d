"""Canonical JSON: the one place Corridor turns a JSON value into bytes to hash or sign.

The form is the JSON Canonicalization Scheme, RFC 8785 (JCS):

* no whitespace between tokens (§3.2.1);
* literals ``null``, ``true``, ``false`` as themselves (§3.2.2.1);
* strings escape only ``"`` and ``\\``, and the C0 controls: ``\\b \\t \\n \\f \\r`` by their short
  form, the rest as ``\\u00xx`` in lowercase hex; every other character is written as UTF-8
  (§3.2.2.2). A lone surrogate cannot be encoded and is refused;
* numbers are IEEE-754 doubles written as ECMAScript's ``Number.prototype.toString`` writes them
  (§3.2.2.3): shortest digits that round-trip, integer notation up to 1e21, exponent notation
  from 1e21 up and below 1e-6, ``-0`` as ``0``. NaN and the infinities are refused. A Python
  ``int`` within the safe range ±(2**53 - 1) of I-JSON (RFC 7493 §2.2) is written as its digits;
  beyond it, only if its digits already are the canonical text of a double (2**53 is, 2**53 + 1
  is not): anything else is refused rather than silently rounded;
* object members are sorted by the UTF-16 code units of their names (§3.2.3), compared as
  unsigned integers.

There are two writers. The exact writer below implements the rules directly. The fast writer is
``orjson`` with sorted keys, and it is used only when a cheap pre-scan proves the value lies in a
domain where the two produce the same bytes (by construction, and for floats by measurement):

* integers within the safe range;
* floats only if not integral and 1e-4 <= |x| < 1e15. There orjson and JCS both write the
  shortest round-trip digits in plain decimal notation; outside it they differ (orjson writes
  ``25.0``, ``2.9e-6`` and ``1.7e+16`` where JCS writes ``25``, ``0.0000029`` and
  ``17000000000000000``). The band is narrower than the measured agreement (1e-5 to 1e16,
  millions of samples), and the tests keep checking it;
* exact ``dict``/``list``/``tuple``/``str``/``int``/``bool``/``None`` types only;
* every object key a ``str`` whose characters are all below U+D800. orjson sorts keys by UTF-8
  bytes, i.e. by code point; for such keys each character is one UTF-16 code unit equal to its
  code point, so both orders agree. (They differ only between astral characters and U+E000-U+FFFF.)

String values need no scan: orjson escapes exactly the JCS set (``"``, ``\\``, controls with the
same short forms and lowercase ``\\u00xx``) and writes DEL, U+2028/U+2029 and everything else
literally. ``tests/unit/crypto/test_canonical.py`` checks that for every code point. A lone
surrogate makes orjson raise, and the value is then handed to the exact writer, which names it.

``parse_json`` is the strict reader paired with it (RFC 8259 plus the I-JSON rules of RFC 7493
§2.3 and §2.1): duplicate member names, ``NaN``/``Infinity``, numbers that overflow a double,
lone surrogates and invalid UTF-8 are refused with the line and column.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import orjson

from corridor.errors import MalformedInputError

__all__ = ["JsonValue", "canonical_bytes", "checksum", "parse_json", "sha256_hex"]

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None

_MAX_SAFE_INTEGER = 2**53 - 1
_FIRST_SURROGATE = "\ud800"
_FAST_FLOAT_MIN = 1e-4
_FAST_FLOAT_LIMIT = 1e15


def canonical_bytes(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Raises ``MalformedInputError`` for anything JCS cannot represent: NaN or infinite floats,
    integers a double cannot hold exactly, non-string object keys, lone surrogates, other types.
    """
    if _in_fast_domain(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # e.g. a lone surrogate or deep nesting: the exact writer reports it precisely
    return _exact_canonical_bytes(value)


def checksum(value: Any) -> str:
    """Lowercase hex SHA-256 of the value's canonical bytes."""
    return sha256_hex(canonical_bytes(value))


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


# --- fast path -------------------------------------------------------------------------------


def _in_fast_domain(value: Any) -> bool:
    """True if orjson's sorted output equals the JCS bytes of ``value`` (see the module doc)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -_MAX_SAFE_INTEGER <= item <= _MAX_SAFE_INTEGER:
                continue
            return False
        if kind is float:
            if not item.is_integer() and _FAST_FLOAT_MIN <= abs(item) < _FAST_FLOAT_LIMIT:
                continue
            return False
        if kind is dict:
            for key, member in item.items():
                if type(key) is not str or not _key_sorts_alike(key):
                    return False
                # Strings and null need no scan: skip the stack for the common members.
                if type(member) is not str and member is not None:
                    stack.append(member)
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            return False  # subclasses, anything else orjson might write its own way
    return True


def _key_sorts_alike(key: str) -> bool:
    return key.isascii() or max(key) < _FIRST_SURROGATE


# --- exact path ------------------------------------------------------------------------------


def _exact_canonical_bytes(value: Any) -> bytes:
    """RFC 8785 bytes written by the rules alone (private; the tests compare both writers)."""
    parts: list[str] = []
    try:
        _write(value, parts)
    except RecursionError:
        raise MalformedInputError(
            "cannot canonicalise: the JSON value is nested too deeply"
        ) from None
    text = "".join(parts)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MalformedInputError(
            f"JSON string holds a lone surrogate U+{ord(text[exc.start]):04X}; "
            "RFC 8785 §3.2.2.2 accepts only valid Unicode"
        ) from None


def _write(value: Any, parts: list[str]) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(_string(value))
    elif isinstance(value, int | float):
        parts.append(_number(value))
    elif isinstance(value, dict):
        _write_object(value, parts)
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        raise MalformedInputError(
            f"cannot canonicalise a {type(value).__name__}: JSON has only objects, arrays, "
            "strings, numbers, booleans and null"
        )


def _write_object(value: dict[Any, Any], parts: list[str]) -> None:
    for key in value:
        if not isinstance(key, str):
            raise MalformedInputError(
                f"JSON object keys must be strings, not {type(key).__name__} ({key!r})"
            )
    parts.append("{")
    for index, key in enumerate(sorted(value, key=_utf16_sort_key)):
        if index:
            parts.append(",")
        parts.append(_string(key))
        parts.append(":")
        _write(value[key], parts)
    parts.append("}")


def _utf16_sort_key(key: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly as the sequence of 16-bit code units (§3.2.3).
    try:
        return key.encode("utf-16-be")
    except UnicodeEncodeError:
        raise MalformedInputError(
            f"JSON object key {key!r} holds a lone surrogate; RFC 8785 accepts only valid Unicode"
        ) from None


_ESCAPED = re.compile(r'[\x00-\x1f"\\]')
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_SHORT_ESCAPES |= {'"': '\\"', "\\": "\\\\"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _string(text: str) -> str:
    return '"' + _ESCAPED.sub(_escape, text) + '"'


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return _integer(int(value))
    if not math.isfinite(value):
        raise MalformedInputError(f"{value} is not a JSON number (RFC 8785 §3.2.2.3)")
    if value == 0:
        return "0"  # also -0.0
    digits, point = _shortest_digits(abs(value))
    sign = "-" if value < 0 else ""
    return sign + _ecmascript_notation(digits, point)


def _integer(value: int) -> str:
    """An integer's digits, if they are already the canonical text of an IEEE-754 double.

    Every integer within ±(2**53 - 1) qualifies. Beyond it, one qualifies only if JCS would
    write the nearest double with exactly these digits (e.g. 2**53), so nothing is ever
    rounded and parsing canonical output then canonicalising it again gives the same bytes.
    """
    text = str(value)
    if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER:
        return text
    try:
        as_double = _number(float(value))
    except OverflowError:
        as_double = "beyond the range of a double"
    if as_double == text:
        return text
    raise MalformedInputError(
        f"integer {text} is not an IEEE-754 double and would be rounded to {as_double} "
        "(RFC 8785 §3.2.2.3); integers beyond ±(2**53 - 1) should travel as strings"
    )


def _shortest_digits(value: float) -> tuple[str, int]:
    """Digits ``s`` and exponent ``n`` with value == 0.s * 10**n, ``s`` the shortest round trip.

    Python's ``repr`` yields the shortest digit string that reads back as the same double and,
    among those, the one nearest the exact value: the digits ECMAScript's algorithm asks for.
    """
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or "0")
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point


def _ecmascript_notation(digits: str, point: int) -> str:
    """ECMAScript Number::toString steps for a positive value 0.digits * 10**point."""
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    sign = "+" if exponent >= 0 else "-"
    mantissa = digits[0] + ("." + digits[1:] if count > 1 else "")
    return f"{mantissa}e{sign}{abs(exponent)}"


# --- strict reader ---------------------------------------------------------------------------


class _RefusedError(Exception):
    """Raised inside ``json.loads`` hooks; the caller then locates the offence in the text."""


def parse_json(data: bytes | str) -> Any:
    """Parse JSON text strictly and return plain Python values.

    Refuses, with ``MalformedInputError`` naming line and column: invalid UTF-8, syntax errors,
    duplicate member names, ``NaN``/``Infinity``, numbers that overflow a double, lone surrogates.
    """
    text = _as_text(data)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
        )
    except _RefusedError:
        refusal = _first_refusal(text)
        raise refusal or MalformedInputError("invalid JSON: refused by the strict reader") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise MalformedInputError(f"invalid JSON at {where}: {exc.msg}") from None
    except RecursionError:
        raise MalformedInputError("invalid JSON: nested too deeply") from None
    except ValueError:  # the only other one: an integer beyond Python's digit limit
        raise MalformedInputError("invalid JSON: a number has too many digits to read") from None
    if _SURROGATE_ESCAPE.search(text) and (refusal := _first_refusal(text)):
        raise refusal
    return value


def _as_text(data: bytes | str) -> str:
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError as exc:
            where = _position(data, exc.start)
            raise MalformedInputError(f"invalid JSON at {where}: lone surrogate") from None
        text = data
    else:
        text = _decode_utf8(data)
    if text.startswith("\ufeff"):
        raise MalformedInputError("invalid JSON: starts with a byte order mark (RFC 8259 §8.1)")
    return text


def _decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise MalformedInputError(
            f"invalid JSON at line {line} column {column} (byte {exc.start}): not UTF-8"
        ) from None


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _RefusedError
    return result


def _refuse_constant(_name: str) -> Any:
    raise _RefusedError


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise _RefusedError
    return number


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return f"line {line} column {column}"


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<constant>-?Infinity|NaN)"
    r"|(?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<punct>[{}\[\],:])"
    r"|(?P<other>true|false|null|[ \t\n\r]+)",
    re.DOTALL,
)


def _first_refusal(text: str) -> MalformedInputError | None:
    for index, reason in _refusals(text):
        return MalformedInputError(f"invalid JSON at {_position(text, index)}: {reason}")
    return None


@dataclass
class _ObjectFrame:
    names: set[str] = field(default_factory=set)
    name_next: bool = True


def _refusals(text: str) -> Iterator[tuple[int, str]]:
    """Walk the tokens of text that ``json.loads`` accepted up to a refusal; yield offences.

    Only called after a hook refused (or a surrogate escape was seen), so speed is secondary.
    Each open object remembers the member names seen so far and whether a name comes next.
    """
    frames: list[_ObjectFrame | None] = []  # None for an array
    for match in _TOKEN.finditer(text):
        kind, lexeme, index = match.lastgroup, match.group(), match.start()
        top = frames[-1] if frames else None
        if kind == "constant":
            yield index, f"{lexeme} is not a JSON number (RFC 8259 §6)"
        elif kind == "number" and math.isinf(float(lexeme)):
            yield index, f"number {lexeme} overflows an IEEE-754 double"
        elif kind == "string":
            decoded: str = json.loads(lexeme)
            if not _valid_unicode(decoded):
                yield index, "string holds a lone surrogate escape"
            elif top is not None and top.name_next:
                if decoded in top.names:
                    yield index, f"duplicate member name {lexeme} (RFC 8259 §4, RFC 7493 §2.3)"
                top.names.add(decoded)
        elif kind == "punct":
            if lexeme in "{[":
                frames.append(_ObjectFrame() if lexeme == "{" else None)
            elif lexeme in "}]":
                frames.pop()
            elif top is not None:
                top.name_next = lexeme == ","  # after ":" comes a value, after "," a name


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
