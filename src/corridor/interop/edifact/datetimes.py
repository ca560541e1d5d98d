"""DTM date/time values (UN/EDIFACT 2380 with format 2379) as RFC 3339 date-times.

DCSA TNT 3.0 ``eventDateTime`` is an RFC 3339 ``date-time``: it needs a UTC offset. The formats
read are those of code list 2379 that give a moment:

======  ======================  =================================================================
2379    value                   offset taken from
======  ======================  =================================================================
203     CCYYMMDDHHMM            the country of the event's UN/LOCODE (local time, see below)
204     CCYYMMDDHHMMSS          the same
303     CCYYMMDDHHMMZZZ         ZZZ: ``UTC``/``GMT``/``Z``, or a signed offset ``+08``, ``+0800``
304     CCYYMMDDHHMMSSZZZ       the same
205     CCYYMMDDHHMMZHHMM       ZHHMM: the signed offset from UTC (D.01B onwards; read as well)
======  ======================  =================================================================

A DTM without a zone (203, 204) is local time at the place of the event, as carriers' IFTSTA
guides write it. The offset comes from ``FIXED_UTC_OFFSETS``: countries with a single time zone
and no daylight saving time, which covers the Chongqing - Qinzhou - Singapore corridor and its
neighbours. Elsewhere a zone-less time is ambiguous and is refused with a request for 303/205.
A date without a time (102 CCYYMMDD) is refused: a status event happens at a moment.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

__all__ = ["FIXED_UTC_OFFSETS", "DateTimeError", "parse_dtm"]


class DateTimeError(ValueError):
    """The DTM value cannot be read as a moment; the message says why and what to send."""


def _hours(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


FIXED_UTC_OFFSETS: Mapping[str, dt.timezone] = {
    "CN": _hours(8),
    "HK": _hours(8),
    "MO": _hours(8),
    "TW": _hours(8),
    "SG": _hours(8),
    "MY": _hours(8),
    "PH": _hours(8),
    "BN": _hours(8),
    "VN": _hours(7),
    "TH": _hours(7),
    "LA": _hours(7),
    "KH": _hours(7),
    "MM": _hours(6.5),
    "JP": _hours(9),
    "KR": _hours(9),
    "IN": _hours(5.5),
}
"""ISO 3166 country to its one UTC offset, for countries with one zone and no DST."""

_LOCAL_FORMATS = {"203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}
_ZONED_FORMATS = {"303": 12, "304": 14, "205": 12}
_ZONE = re.compile(r"(?P<sign>[+-])(?P<hours>[0-9]{2})(?P<minutes>[0-9]{2})?")
_UTC_NAMES = frozenset({"UTC", "GMT", "Z", "UT"})


def parse_dtm(value: str, format_code: str, country: str) -> dt.datetime:
    """The moment ``value`` (DTM 2380) names in ``format_code`` (2379), with its UTC offset.

    ``country`` is the ISO 3166 code of the event's place, used when the format has no zone.
    Raises ``DateTimeError`` saying what is wrong.
    """
    if format_code in _LOCAL_FORMATS:
        moment = _strptime(value, _LOCAL_FORMATS[format_code], format_code)
        zone = FIXED_UTC_OFFSETS.get(country)
        if zone is None:
            raise DateTimeError(
                f"format {format_code} gives no time zone and {country or 'the place'} does not "
                "have a single fixed UTC offset; send the time as format 303 (with UTC) or 205"
            )
        return moment.replace(tzinfo=zone)
    if format_code in _ZONED_FORMATS:
        digits = _ZONED_FORMATS[format_code]
        pattern = "%Y%m%d%H%M%S" if digits == 14 else "%Y%m%d%H%M"
        moment = _strptime(value[:digits], pattern, format_code)
        return moment.replace(tzinfo=_zone(value[digits:], format_code))
    if format_code == "102":
        raise DateTimeError("format 102 gives a date without a time; send 203 or 303")
    raise DateTimeError(
        f"date/time format {format_code or '(none)'} is not one Corridor reads; "
        "use 203 (CCYYMMDDHHMM), 204, 303, 304 or 205"
    )


def _strptime(value: str, pattern: str, format_code: str) -> dt.datetime:
    # strptime accepts one-digit months, days, hours and minutes ("20260312083" would read as
    # 08:03): the formats are fixed-width, so the digit count is checked first.
    width = 14 if pattern.endswith("%S") else 12
    if len(value) != width or not value.isascii() or not value.isdigit():
        raise DateTimeError(
            f"{value!r} is not a valid date/time in format {format_code}: it takes exactly "
            f"{width} digits"
        )
    try:
        return dt.datetime.strptime(value, pattern)
    except ValueError:
        raise DateTimeError(f"{value!r} is not a valid date/time in format {format_code}") from None


def _zone(text: str, format_code: str) -> dt.timezone:
    if text.upper() in _UTC_NAMES:
        return dt.UTC
    match = _ZONE.fullmatch(text)
    if match is None:
        raise DateTimeError(
            f"time zone {text!r} of format {format_code} is neither UTC nor a signed offset "
            "such as +08 or +0800"
        )
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 14 or minutes > 59:
        raise DateTimeError(f"time zone {text!r} is not a UTC offset")
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-offset if match["sign"] == "-" else offset)
