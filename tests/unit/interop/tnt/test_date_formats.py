"""The compiled validator's date-time and date patterns agree with ``datetime.fromisoformat``.

``compiled`` checks the OpenAPI ``date-time`` and ``date`` formats with one regular expression each
(in Rust, no call back into Python); ``corridor.interop.dcsa.schema`` (the Draft 4 reading the
compiled validator must agree with) checks an RFC 3339 shape and then ``fromisoformat``. These
tests compare the two on every calendar day of years that matter to the leap-year rule, every
clock value and offset from 00 to 99, and fraction lengths: the same verdict for each string.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corridor.interop.dcsa.schema import _OPENAPI_FORMATS as OPENAPI_FORMATS
from corridor.interop.dcsa.tnt.validate import event_schema

YEARS = (0, 1, 2, 3, 4, 100, 400, 1600, 1700, 1800, 1900, 2000, 2023, 2024, 2100, 2400, 9996, 9999)


def _date_time_verdicts(values: list[str]) -> list[tuple[str, bool, bool]]:
    validator = event_schema()
    return [
        (
            value,
            not validator.errors({"eventDateTime": value}),
            OPENAPI_FORMATS.conforms(value, "date-time"),
        )
        for value in values
    ]


def _days() -> Iterator[str]:
    for year in YEARS:
        for month in range(14):
            for day in range(33):
                yield f"{year:04d}-{month:02d}-{day:02d}"


def _clocks() -> Iterator[str]:
    for n in range(100):
        yield from (f"{n:02d}:00:00", f"00:{n:02d}:00", f"00:00:{n:02d}", f"23:59:{n:02d}")


def _offsets() -> Iterator[str]:
    for hours in range(100):
        for minutes in range(100):
            yield from (f"+{hours:02d}:{minutes:02d}", f"-{hours:02d}:{minutes:02d}")


def test_every_day_of_leap_and_common_years() -> None:
    values = [f"{day}T08:00:00Z" for day in _days()]
    disagreements = [v for v in _date_time_verdicts(values) if v[1] != v[2]]
    assert disagreements == []
    assert not event_schema().errors({"eventDateTime": "2024-02-29T08:00:00Z"})
    assert event_schema().errors({"eventDateTime": "2100-02-29T08:00:00Z"})


def test_every_clock_value_and_offset() -> None:
    values = [f"2026-03-02T{clock}Z" for clock in _clocks()]
    values += [f"2026-03-02T08:00:00{offset}" for offset in _offsets()]
    disagreements = [v for v in _date_time_verdicts(values) if v[1] != v[2]]
    assert disagreements == []


@pytest.mark.parametrize(
    "value",
    [
        *(
            f"2026-03-02T08:00:00.{'1' * n}Z" for n in (1, 3, 6, 7, 9)
        ),  # eventDateTime: 30 characters at most
        "2026-03-02t08:00:00z",
        "2026-03-02T08:00:00.Z",
        "2026-03-02T08:00:00",
        "2026-03-02 08:00:00Z",
        "2026-03-02T08:00Z",
        "2026-03-02T08:00:00Z\n",
        " 2026-03-02T08:00:00Z",
        "+2026-03-02T08:00:00Z",
        "2026-3-02T08:00:00Z",
        "\uff12\uff10\uff12\uff16-03-02T08:00:00Z",  # full-width digits
    ],
)
def test_shapes_around_rfc_3339(value: str) -> None:
    [(_, compiled, reference)] = _date_time_verdicts([value])
    assert compiled == reference


def test_full_dates_agree() -> None:
    validator = event_schema("ShipmentDetails")
    for day in _days():
        compiled = not validator.errors({"priceCalculationDate": day})
        assert compiled == OPENAPI_FORMATS.conforms(day, "date"), day


def test_a_bad_date_time_is_named_as_such() -> None:
    assert event_schema().errors({"eventDateTime": "2026-02-30T08:00:00Z"}) == [
        (
            "eventDateTime",
            "'2026-02-30T08:00:00Z' is not a valid RFC 3339 date-time "
            "(e.g. 2026-03-02T08:00:00Z, a real calendar day)",
        )
    ]
