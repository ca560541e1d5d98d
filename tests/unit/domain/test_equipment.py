"""ISO 6346 container numbers: check digit, parsing and refusal messages."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.domain.equipment import (
    ContainerNumber,
    is_valid_container_number,
    iso6346_check_digit,
    parse_container_number,
    validate_container_number,
)
from corridor.errors import DocumentRuleError

# Written out from ISO 6346 annex A (not computed), to check the implementation independently.
LETTER_VALUES = {
    "A": 10, "B": 12, "C": 13, "D": 14, "E": 15, "F": 16, "G": 17, "H": 18, "I": 19,
    "J": 20, "K": 21, "L": 23, "M": 24, "N": 25, "O": 26, "P": 27, "Q": 28, "R": 29,
    "S": 30, "T": 31, "U": 32, "V": 34, "W": 35, "X": 36, "Y": 37, "Z": 38,
}  # fmt: skip


def reference_remainder(prefix10: str) -> int:
    values = [LETTER_VALUES[c] if c.isalpha() else int(c) for c in prefix10]
    return sum(v * (1 << i) for i, v in enumerate(values)) % 11


owner_codes = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3)
categories = st.sampled_from("UJZ")
serials = st.text(alphabet=string.digits, min_size=6, max_size=6)


@pytest.mark.parametrize(
    "number",
    [
        "CSQU3054383",  # the textbook example of ISO 6346
        "NARU3472484",  # DCSA eBL 3.0.3 example
        "KKFU6671914",  # DCSA eBL 3.0.3 reefer example
        "WLMU4582011",  # Corridor demo
        "WLMU4582177",  # Corridor demo
    ],
)
def test_known_valid_numbers(number: str) -> None:
    assert is_valid_container_number(number)
    validate_container_number(number, "/x")


def test_textbook_check_digit() -> None:
    assert iso6346_check_digit("CSQU305438") == 3


def test_parse_splits_the_parts() -> None:
    parsed = parse_container_number("CSQU3054383")
    assert parsed == ContainerNumber("CSQ", "U", "305438", 3)
    assert str(parsed) == "CSQU3054383"


@pytest.mark.parametrize(
    "number",
    [
        "CSQU3054384",  # wrong check digit
        "HLXU1234567",  # DCSA's dangerous-goods example: placeholder, check digit should be 1
        "csqu3054383",  # lower case
        "CSQX3054383",  # category must be U, J or Z
        "CSQU305438",  # too short
        "CSQU30543833",  # too long
        "CSQU 305438 3",  # spaces
        "",
    ],
)
def test_invalid_numbers(number: str) -> None:
    assert not is_valid_container_number(number)
    assert parse_container_number(number) is None


def test_validate_names_location_and_expected_digit() -> None:
    with pytest.raises(DocumentRuleError) as caught:
        validate_container_number("CSQU3054384", "/utilizedTransportEquipments/0")
    assert caught.value.location == "/utilizedTransportEquipments/0"
    assert "check digit" in caught.value.reason
    assert "give 3, not 4" in caught.value.reason


def test_validate_explains_the_shape() -> None:
    with pytest.raises(DocumentRuleError, match="ISO 6346 form"):
        validate_container_number("CSQ3054383", "/e")


@pytest.mark.parametrize("prefix", ["CSQU30543", "CSQU3054383", "csqu305438", "1SQU305438"])
def test_check_digit_refuses_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="four capital letters"):
        iso6346_check_digit(prefix)


def test_remainder_ten_is_written_zero() -> None:
    prefix = next(
        f"CSQU{n:06d}" for n in range(1_000_000) if reference_remainder(f"CSQU{n:06d}") == 10
    )
    assert iso6346_check_digit(prefix) == 0
    assert is_valid_container_number(prefix + "0")


@given(owner_codes, categories, serials)
def test_check_digit_matches_reference(owner: str, category: str, serial: str) -> None:
    prefix = owner + category + serial
    assert iso6346_check_digit(prefix) == reference_remainder(prefix) % 10


@given(owner_codes, categories, serials)
def test_computed_check_digit_validates(owner: str, category: str, serial: str) -> None:
    prefix = owner + category + serial
    assert is_valid_container_number(f"{prefix}{iso6346_check_digit(prefix)}")


@given(owner_codes, categories, serials, st.integers(1, 9))
def test_any_other_check_digit_fails(owner: str, category: str, serial: str, shift: int) -> None:
    prefix = owner + category + serial
    wrong = (iso6346_check_digit(prefix) + shift) % 10
    assert not is_valid_container_number(f"{prefix}{wrong}")


@given(owner_codes, categories, serials, st.integers(0, 5), st.integers(1, 9))
def test_single_serial_digit_change_is_caught(
    owner: str, category: str, serial: str, position: int, shift: int
) -> None:
    prefix = owner + category + serial
    number = f"{prefix}{iso6346_check_digit(prefix)}"
    digits = list(number)
    digits[4 + position] = str((int(digits[4 + position]) + shift) % 10)
    changed = "".join(digits)
    # Weights 2**i are never 0 mod 11, so one changed digit always changes the remainder; the
    # only blind spot of ISO 6346 is that remainders 0 and 10 both give check digit 0.
    remainders = {reference_remainder(prefix), reference_remainder(changed[:10])}
    assert not is_valid_container_number(changed) or remainders == {0, 10}
