"""Read the rail operators' CSV of container and train events as DCSA TNT 3.0 events.

The format is documented in ``docs/rail-csv.md``: UTF-8 (a byte order mark is allowed),
comma-separated with RFC 4180 quoting, a header row naming the columns, one event per row. Rows
become DCSA TNT 3.0.0 ``Event`` data (``components.schemas.Event`` of ``TNT_v3.0.0.yaml``):

- ``DEPA``/``ARRI`` rows are TRANSPORT events (``transportEventType`` DEPARTED/ARRIVED) of the
  train, with ``transportCall.modeOfTransport`` RAIL and the train number as
  ``railTransport.departureID``; a container on the row is kept in ``equipmentDetails``;
- a transport call that names its train has a ``transportCallReference`` derived from the train
  and the UN/LOCODE (``interop.transport_calls``), shared by the train's arrival, departure,
  loading and discharge at that place, as TNT 2.2 needs to serve them;
- ``LOAD``/``DISC`` (onto and off the train), ``GTIN``/``GTOT`` (the terminal gate) and
  ``PICK``/``DROP`` rows are EQUIPMENT events of the container, ISO 6346 check digit validated;
  load, discharge, and any row naming a train or wagon, carry the RAIL transport call;
- ``classifier`` ACT/EST/PLN is ``eventClassifier``; ``location`` (a UN/LOCODE) and ``facility``
  are ``eventLocation``; the two references are ``shipmentDetails`` document references.

``read_rail_csv(text)`` yields one ``ParsedEvent`` per row, or one ``RejectedRecord`` whose
``where`` is ``line N`` (the row's first physical line) and whose reason names every column that
is wrong; reading goes on. A text whose header is not this format (a missing required column,
an unknown column, a duplicate) raises ``MalformedInputError``: nothing in it can be trusted.
Columns whose name starts with ``x_`` are the operator's own and are ignored.

``eventID`` is the row's ``event_id``, or a UUID 5 of what identifies the row (event,
classifier, time in UTC, place, container, train, references), so a re-sent file gives the same
ids.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from corridor.domain.equipment import validate_container_number
from corridor.domain.tnt_vocabulary import EMPTY_INDICATORS, FACILITY_TYPES
from corridor.domain.transport_document import UN_LOCODE_PATTERN
from corridor.errors import DocumentRuleError, MalformedInputError
from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord
from corridor.interop.transport_calls import derived_call_reference

__all__ = ["COLUMNS", "EVENTS", "EVENT_ID_NAMESPACE", "REQUIRED_COLUMNS", "read_rail_csv"]

EVENT_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://corridor.invalid/interop/rail-csv")
"""UUID 5 namespace of the event ids derived from a row without ``event_id``."""

REQUIRED_COLUMNS = ("event_time", "classifier", "event", "location")
COLUMNS = (
    "event_id",
    "event_time",
    "reported_time",
    "classifier",
    "event",
    "container",
    "iso_equipment_code",
    "empty_indicator",
    "location",
    "facility",
    "facility_type",
    "train_number",
    "wagon_number",
    "transport_document_reference",
    "booking_reference",
    "remark",
)
"""Every column of the format, in the documented order (any order is accepted)."""

EXTENSION_PREFIX = "x_"

EVENTS: Mapping[str, tuple[str, str]] = {
    "DEPA": ("TRANSPORT", "DEPARTED"),
    "ARRI": ("TRANSPORT", "ARRIVED"),
    "LOAD": ("EQUIPMENT", "LOADED"),
    "DISC": ("EQUIPMENT", "DISCHARGED"),
    "GTIN": ("EQUIPMENT", "GATED_IN"),
    "GTOT": ("EQUIPMENT", "GATED_OUT"),
    "PICK": ("EQUIPMENT", "PICKED_UP"),
    "DROP": ("EQUIPMENT", "DROPPED_OFF"),
}
"""``event`` code to DCSA ``eventType`` and sub-type; the TNT 3.0 word is accepted as well."""

_EVENT_WORDS = {word: (kind, word) for kind, word in EVENTS.values()}
_CLASSIFIERS = {"ACT": "ACTUAL", "EST": "ESTIMATED", "PLN": "PLANNED"}
_RAIL_MOVES = frozenset({"DEPARTED", "ARRIVED", "LOADED", "DISCHARGED"})
_WHY_REQUIRED = {
    "event_time": ": when the event happened or will, ISO 8601 with its UTC offset",
    "reported_time": " for an EST or PLN row: when the estimate or plan was made (ISO 8601)",
}
_REMARK_BREAKS = "\n\r\t"
_LIMITS = {
    "event_id": 500,
    "facility": 100,
    "train_number": 100,
    "wagon_number": 50,
    "transport_document_reference": 100,
    "booking_reference": 100,
    "remark": 250,
}


def read_rail_csv(text: str) -> Iterator[ParsedRecord]:
    """Read every row of the rail CSV ``text``.

    Raises ``MalformedInputError`` only if the header is not the rail CSV format.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header = _header(reader)
    last_line = reader.line_num
    while True:
        line = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            last_line = reader.line_num
            yield RejectedRecord(
                f"line {line}",
                f"the line is not RFC 4180 CSV ({error}): quote a whole field and double the "
                'quotes inside it ("6 ""high cube""")',
            )
            continue
        last_line = reader.line_num
        if any(cell.strip() for cell in row):
            yield _read_row(header, row, f"line {line}")


def _header(reader: Any) -> tuple[str | None, ...]:
    """The header's column names, ``None`` for the operator's own ``x_`` columns."""
    try:
        names = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as error:
        raise MalformedInputError(f"the rail CSV header is not RFC 4180 CSV: {error}") from None
    if not any(names):
        raise MalformedInputError(
            "the rail CSV is empty: it needs a header row naming its columns "
            f"(at least {', '.join(REQUIRED_COLUMNS)}); see docs/rail-csv.md"
        )
    unknown = [n for n in names if n not in COLUMNS and not n.startswith(EXTENSION_PREFIX)]
    if unknown:
        raise MalformedInputError(f"this is not the rail CSV: {_unknown_columns(unknown)}")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise MalformedInputError(f"the rail CSV header repeats {', '.join(duplicates)}")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise MalformedInputError(
            f"the rail CSV header lacks the required column(s) {', '.join(missing)}"
        )
    return tuple(None if name.startswith(EXTENSION_PREFIX) else name for name in names)


def _unknown_columns(unknown: list[str]) -> str:
    parts = []
    for name in unknown[:5]:
        close = difflib.get_close_matches(name, COLUMNS, n=1)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return (
        f"unknown column(s) {', '.join(parts)}; the columns are {', '.join(COLUMNS)}, and an "
        f"operator's own columns must start with {EXTENSION_PREFIX!r}"
    )


@dataclass
class _Cells:
    """One row's cells by column, and what is wrong with them."""

    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def check_cells(self) -> None:
        """Lengths within DCSA's limits; no control characters (line breaks only in a remark)."""
        for column, value in self.values.items():
            allowed = _REMARK_BREAKS if column == "remark" else ""
            bad = next((c for c in value if c not in allowed and _is_control(c)), None)
            if bad is not None:
                self.fail(column, f"contains the control character U+{ord(bad):04X}")
        for column, limit in _LIMITS.items():
            value = self.get(column)
            if len(value) > limit:
                self.fail(column, f"is {len(value)} characters long (at most {limit})")
                self.values[column] = value[:limit]

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(f"column {column}: {reason}")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def _read_row(header: tuple[str | None, ...], row: list[str], where: str) -> ParsedRecord:
    if len(row) != len(header):
        return RejectedRecord(
            where,
            f"the row has {len(row)} fields but the header has {len(header)}; "
            'quote a field that contains a comma ("Qinzhou, port")',
        )
    cells = _Cells(
        {name: cell.strip() for name, cell in zip(header, row, strict=True) if name is not None}
    )
    cells.check_cells()
    event = _event(cells)
    if cells.errors:
        return RejectedRecord(where, "; ".join(cells.errors))
    return ParsedEvent(where, event)


def _event(cells: _Cells) -> dict[str, Any]:
    kind, subtype = _kind(cells)
    classifier = _classifier(cells)
    moment = _time(cells, "event_time", required=True)
    reported = _reported(cells, classifier, moment)
    equipment = _equipment(cells, required=kind == "EQUIPMENT")
    sub_key = "equipmentEventType" if kind == "EQUIPMENT" else "transportEventType"
    event: dict[str, Any] = {
        "eventID": cells.get("event_id") or _derived_id(cells, (subtype, classifier), moment),
        "eventDateTime": _rfc3339(moment),
        "eventUpdatedDateTime": _rfc3339(reported),
        "eventLocation": _location(cells),
        "eventClassification": {
            "eventType": kind,
            "eventClassifier": classifier,
            sub_key: subtype,
        },
    }
    if equipment:
        event["equipmentDetails"] = equipment
    call = _transport_call(cells, kind, subtype, event["eventLocation"]["UNLocationCode"])
    if call:
        event["transportDetails"] = {"transportCall": call}
    shipment = _shipment(cells)
    if shipment:
        event["shipmentDetails"] = shipment
    if cells.get("remark"):
        event["reason"] = cells.get("remark")
    return event


def _kind(cells: _Cells) -> tuple[str, str]:
    code = cells.get("event").upper()
    found = EVENTS.get(code) or _EVENT_WORDS.get(code)
    if found is None:
        cells.fail(
            "event",
            f"{code or '(empty)'!r} is not an event of the rail CSV; use one of "
            f"{', '.join(EVENTS)}",
        )
        return "", ""
    return found


def _classifier(cells: _Cells) -> str:
    code = cells.get("classifier").upper()
    word = _CLASSIFIERS.get(code) or (code if code in _CLASSIFIERS.values() else None)
    if word is None:
        cells.fail("classifier", f"{code or '(empty)'!r} is not ACT, EST or PLN")
        return ""
    return word


def _time(cells: _Cells, column: str, *, required: bool) -> dt.datetime | None:
    text = cells.get(column)
    if not text:
        if required:
            cells.fail(column, f"is required{_WHY_REQUIRED.get(column, '')}")
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        cells.fail(column, f"{text!r} is not an ISO 8601 date-time (2026-03-02T08:30:00+08:00)")
        return None
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        cells.fail(column, f"{text!r} has a UTC offset with seconds; RFC 3339 allows hh:mm")
        return None
    if moment.tzinfo is None:
        cells.fail(
            column,
            f"{text!r} has no UTC offset; write it with one, e.g. {moment.isoformat()}+08:00 "
            "for China and Singapore, or in UTC with Z",
        )
        return None
    return moment


def _rfc3339(moment: dt.datetime | None) -> str:
    """RFC 3339, to the millisecond at most: DCSA allows 30 characters for a date-time."""
    if moment is None:
        return ""
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


def _reported(cells: _Cells, classifier: str, moment: dt.datetime | None) -> dt.datetime | None:
    reported = _time(cells, "reported_time", required=classifier in {"ESTIMATED", "PLANNED"})
    return reported or moment


def _location(cells: _Cells) -> dict[str, str]:
    code = cells.get("location").upper()
    if UN_LOCODE_PATTERN.fullmatch(code) is None:
        cells.fail(
            "location",
            f"{code or '(empty)'!r} is not a UN/LOCODE: two letters of country code and three "
            "letters or digits 2-9 (CNCQI Chongqing, CNQZH Qinzhou, SGSIN Singapore)",
        )
    location = {"UNLocationCode": code}
    if cells.get("facility"):
        location["locationName"] = cells.get("facility")
    facility_type = cells.get("facility_type").upper()
    if facility_type:
        if facility_type not in FACILITY_TYPES:
            cells.fail(
                "facility_type", f"{facility_type!r} is not one of {', '.join(FACILITY_TYPES)}"
            )
        location["facilityType"] = facility_type
    return location


def _equipment(cells: _Cells, *, required: bool) -> dict[str, str] | None:
    number = cells.get("container").replace(" ", "").upper()
    if not number:
        if required:
            cells.fail("container", "is required for a container event (LOAD, DISC, GTIN ...)")
        return None
    try:
        validate_container_number(number, "container")
    except DocumentRuleError as error:
        cells.fail("container", error.reason)
    details = {"equipmentReference": number}
    size_type = cells.get("iso_equipment_code").upper()
    if size_type:
        if len(size_type) != 4 or not size_type.isalnum():
            cells.fail("iso_equipment_code", f"{size_type!r} is not an ISO 6346 code (45G1)")
        details["ISOEquipmentCode"] = size_type
    empty = cells.get("empty_indicator").upper()
    if empty:
        if empty not in EMPTY_INDICATORS:
            cells.fail("empty_indicator", f"{empty!r} is not EMPTY or LADEN")
        details["emptyIndicator"] = empty
    return details


def _transport_call(
    cells: _Cells, kind: str, subtype: str, un_location: str
) -> dict[str, Any] | None:
    train, wagon = cells.get("train_number"), cells.get("wagon_number")
    if kind == "TRANSPORT" and not train:
        cells.fail("train_number", "is required for a train departure or arrival")
    if subtype not in _RAIL_MOVES and not (train or wagon):
        return None
    rail = {"departureID": train} if train else {}
    if wagon:
        rail["railCarReference"] = wagon
    call: dict[str, Any] = {"modeOfTransport": "RAIL"}
    if rail:
        call["railTransport"] = rail
    reference = derived_call_reference(call, un_location)
    if reference is not None:
        call = {"transportCallReference": reference, **call}
    return call


def _shipment(cells: _Cells) -> dict[str, Any] | None:
    references = [
        {"type": kind, "reference": value}
        for kind, value in (
            ("TRANSPORT_DOCUMENT", cells.get("transport_document_reference")),
            ("BOOKING", cells.get("booking_reference")),
        )
        if value
    ]
    if not references:
        return None
    details: dict[str, Any] = {"documentReference": references[0]}
    if len(references) > 1:
        details["additionalDocumentReferences"] = references[1:]
    return details


def _derived_id(cells: _Cells, words: tuple[str, str], moment: dt.datetime | None) -> str:
    instant = moment.astimezone(dt.UTC).isoformat() if moment else ""
    parts = (
        *words,
        instant,
        cells.get("location").upper(),
        cells.get("container").replace(" ", "").upper(),
        cells.get("train_number"),
        cells.get("transport_document_reference"),
        cells.get("booking_reference"),
    )
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, "|".join(parts)))
