"""Container identification numbers (ISO 6346:2022, clause 4 and annex A).

DCSA eBL 3.0.3 names a container by ``equipmentReference`` and asks that it "follow the BIC ISO
Container Identification Number where possible" (``components.schemas.Equipment``). An ISO 6346
number has eleven characters::

    C S Q  U  3 0 5 4 3 8  3
    owner  |  serial       check digit
    code   category identifier (U freight container, J detachable equipment, Z trailer/chassis)

The check digit (annex A) is computed from the first ten characters:

1. each letter takes a value from 10 upwards, skipping multiples of 11 (A=10, B=12, ... K=21,
   L=23, ... U=32, V=34, ... Z=38); each digit keeps its own value;
2. the value at position ``i`` (0-based) is multiplied by ``2**i`` and the products are summed;
3. the sum modulo 11 is the check digit, except that a remainder of 10 is written as 0.

Numbers whose remainder is 10 are not issued by BIC, but the rule above is how they are checked.
"""

from __future__ import annotations

import re
import string
from typing import NamedTuple

from corridor.errors import DocumentRuleError

__all__ = [
    "CATEGORY_IDENTIFIERS",
    "ContainerNumber",
    "is_valid_container_number",
    "iso6346_check_digit",
    "parse_container_number",
    "validate_container_number",
]

CATEGORY_IDENTIFIERS = frozenset("UJZ")
"""ISO 6346 equipment category identifiers: freight container, detachable equipment, chassis."""

_PREFIX10 = re.compile(r"[A-Z]{4}[0-9]{6}")
_FULL = re.compile(r"(?P<owner>[A-Z]{3})(?P<category>[UJZ])(?P<serial>[0-9]{6})(?P<check>[0-9])")


def _letter_values() -> dict[str, int]:
    values: dict[str, int] = {}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


_LETTER_VALUES = _letter_values()


class ContainerNumber(NamedTuple):
    """The four parts of a valid ISO 6346 container number."""

    owner_code: str
    category: str
    serial: str
    check_digit: int

    def __str__(self) -> str:
        return f"{self.owner_code}{self.category}{self.serial}{self.check_digit}"


def iso6346_check_digit(prefix10: str) -> int:
    """Return the ISO 6346 check digit for owner code + category + 6-digit serial.

    Raises ``ValueError`` if ``prefix10`` is not four capital letters followed by six digits.
    """
    if _PREFIX10.fullmatch(prefix10) is None:
        raise ValueError(
            f"{prefix10!r} is not four capital letters followed by six digits (e.g. CSQU305438)"
        )
    total = 0
    for position, char in enumerate(prefix10):
        value = _LETTER_VALUES[char] if char.isalpha() else int(char)
        total += value * (1 << position)
    return total % 11 % 10


def parse_container_number(s: str) -> ContainerNumber | None:
    """Split a container number into its parts, or return ``None`` if it is not valid."""
    match = _FULL.fullmatch(s)
    if match is None:
        return None
    check = int(match["check"])
    if iso6346_check_digit(s[:10]) != check:
        return None
    return ContainerNumber(match["owner"], match["category"], match["serial"], check)


def is_valid_container_number(s: str) -> bool:
    """True if ``s`` is an ISO 6346 container number (shape, category and check digit)."""
    return parse_container_number(s) is not None


def validate_container_number(s: str, location: str) -> None:
    """Raise ``DocumentRuleError`` at ``location`` unless ``s`` is a valid ISO 6346 number."""
    if _FULL.fullmatch(s) is None:
        raise DocumentRuleError(
            location,
            f"container number {s!r} is not in ISO 6346 form: three letters of owner code, "
            "the category letter U, J or Z, six digits of serial number and one check digit "
            "(e.g. CSQU3054383); correct the number as marked on the container",
        )
    expected = iso6346_check_digit(s[:10])
    if int(s[10]) != expected:
        raise DocumentRuleError(
            location,
            f"container number {s!r} fails the ISO 6346 check digit: the first ten characters "
            f"give {expected}, not {s[10]}; re-read the number from the container door",
        )
