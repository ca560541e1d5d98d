"""The rail operators' CSV as DCSA TNT 3.0 events: the fixture, bad lines, and any valid row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.interop.records import split
from tests.unit.interop.tnt30_check import tnt30_problems
from tests.unit.interop.v22_check import as_v22, v22_problems

from corridor.domain.equipment import iso6346_check_digit
from corridor.errors import MalformedInputError
from corridor.interop.edifact import read_iftsta
from corridor.interop.event_records import ParsedEvent, RejectedRecord
from corridor.interop.rail_csv import COLUMNS, EVENTS, REQUIRED_COLUMNS, read_rail_csv

VECTORS = Path(__file__).parents[2] / "vectors" / "rail_csv"
IFTSTA = Path(__file__).parents[2] / "vectors" / "edifact" / "iftsta_d99b_chongqing_singapore.edi"
GOOD = VECTORS / "chongqing_qinzhou_rail.csv"
EQUIVALENT = VECTORS / "chongqing_qinzhou_rail.equivalent.json"
RAIL_DOC = Path(__file__).parents[3] / "docs" / "rail-csv.md"

HEADER = "event_time,classifier,event,container,location,train_number"


def read(text: str) -> tuple[list[ParsedEvent], list[RejectedRecord]]:
    return split(read_rail_csv(text))


def one(*rows: str, header: str = HEADER) -> ParsedEvent | RejectedRecord:
    records = list(read_rail_csv("\n".join([header, *rows]) + "\n"))
    assert len(records) == 1
    return records[0]


# --- the fixture ------------------------------------------------------------------------------


def test_the_rail_file_reads_into_exactly_its_dcsa_json_equivalent() -> None:
    events, rejected = read(GOOD.read_bytes().decode("utf-8"))
    expected = json.loads(EQUIVALENT.read_text(encoding="utf-8"))["events"]

    assert rejected == []
    assert [parsed.event for parsed in events] == expected
    assert [parsed.where for parsed in events] == [f"line {n}" for n in range(2, 12)]


def test_line_endings_and_a_byte_order_mark_do_not_matter() -> None:
    text = GOOD.read_bytes().decode("utf-8")
    unix = "\ufeff" + text.replace("\r\n", "\n")
    assert [e.event for e in read(unix)[0]] == [e.event for e in read(text)[0]]


def test_re_reading_gives_the_same_ids_and_an_offset_does_not_change_the_instant() -> None:
    row = "{},ACT,LOAD,CSNU6184435,CNCQI,X8001"
    china = one(row.format("2026-03-02T06:40:00+08:00"))
    utc = one(row.format("2026-03-01T22:40:00Z"))
    later = one(row.format("2026-03-02T06:41:00+08:00"))
    assert isinstance(china, ParsedEvent)
    assert isinstance(utc, ParsedEvent)
    assert isinstance(later, ParsedEvent)

    assert china.event["eventID"] == utc.event["eventID"]
    assert china.event["eventID"] != later.event["eventID"]


def _call_reference(event: dict[str, Any]) -> str | None:
    call = event.get("transportDetails", {}).get("transportCall", {})
    reference: str | None = call.get("transportCallReference")
    return reference


def test_a_trains_moves_at_one_place_share_its_transport_call_reference() -> None:
    events = [parsed.event for parsed in read(GOOD.read_bytes().decode("utf-8"))[0]]
    at: dict[str, set[str | None]] = {}
    for event in events[2:]:  # the gate-ins name no train: no transport call
        at.setdefault(event["eventLocation"]["UNLocationCode"], set()).add(_call_reference(event))
    assert [_call_reference(event) for event in events[:2]] == [None, None]
    assert len(at["CNCQI"]) == len(at["CNQZH"]) == 1  # loading and departure; arrival, discharge
    assert at["CNCQI"] != at["CNQZH"]
    assert None not in at["CNCQI"] | at["CNQZH"]


def test_the_same_call_read_from_iftsta_has_the_same_reference() -> None:
    rail = [parsed.event for parsed in read(GOOD.read_bytes().decode("utf-8"))[0]]
    edi = [r.event for r in read_iftsta(IFTSTA.read_text()) if isinstance(r, ParsedEvent)]

    def calls(events: list[dict[str, Any]]) -> set[tuple[str, str | None]]:
        return {
            (e["eventLocation"]["UNLocationCode"], _call_reference(e))
            for e in events
            if e.get("transportDetails", {}).get("transportCall", {}).get("modeOfTransport")
            == "RAIL"
        }

    assert calls(rail) == calls(edi)  # train X8001 at Chongqing and at Qinzhou


def test_every_event_of_the_file_is_served_over_tnt_2_2() -> None:
    events = [parsed.event for parsed in read(GOOD.read_bytes().decode("utf-8"))[0]]
    for event in events:
        assert v22_problems(event) == [], event["eventID"]
    estimate = as_v22(events[5])  # the operator's estimated arrival at Qinzhou
    assert estimate is not None
    assert (estimate["eventClassifierCode"], estimate["transportEventTypeCode"]) == ("EST", "ARRI")
    assert estimate["transportCall"]["transportCallID"] == _call_reference(events[6])
    assert estimate["transportCall"]["facilityTypeCode"] == "RAMP"


# --- bad lines: each named by its line and column, the rest still read ------------------------


def test_bad_lines_are_reported_by_line_and_column_and_the_good_ones_read() -> None:
    events, rejected = read((VECTORS / "bad_lines.csv").read_text(encoding="utf-8"))

    assert [parsed.where for parsed in events] == ["line 2", "line 8", "line 12"]
    expected = [
        ("line 3", "column container: "),
        ("line 4", "column event_time: "),
        ("line 5", "column event: "),
        ("line 6", "column reported_time: "),
        ("line 7", "the row has 10 fields but the header has 9"),
        ("line 10", "column train_number: "),
        ("line 11", "the line is not RFC 4180 CSV"),
    ]
    assert [r.where for r in rejected] == [where for where, _ in expected]
    assert all(r.reason.startswith(start) for r, (_, start) in zip(rejected, expected, strict=True))
    assert "fails the ISO 6346 check digit" in rejected[0].reason
    assert "no UTC offset" in rejected[1].reason
    assert "column location: 'QINZHOU' is not a UN/LOCODE" in rejected[2].reason
    assert "container" not in rejected[2].reason
    assert events[1].event["reason"] == "Door seal checked,\nintact"


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("2026-03-02T08:30:00+08:00,ACTUAL?,DEPA,,CNCQI,X8001", "classifier", "is not ACT, EST"),
        ("2026-03-02T08:30:00+08:00,ACT,LOAD,,CNCQI,X8001", "container", "is required"),
        ("2026-03-02T08:30:00+08:00,ACT,LOAD,CSNU618443,CNCQI,X8001", "container", "ISO 6346 form"),
        ("2026-03-02T08:30,ACT,LOAD,CSNU6184435,CNCQI,X8001", "event_time", "no UTC offset"),
        ("02/03/2026 08:30,ACT,LOAD,CSNU6184435,CNCQI,X8001", "event_time", "not an ISO 8601"),
        ("2026-03-02T08:30:00+08:00:30,ACT,LOAD,CSNU6184435,CNCQI,", "event_time", "with seconds"),
        (",ACT,LOAD,CSNU6184435,CNCQI,X8001", "event_time", "is required"),
        ("2026-03-02T08:30:00+08:00,ACT,LOAD,CSNU6184435,CNCKG1,X8001", "location", "UN/LOCODE"),
        ("2026-03-02T08:30:00+08:00,ACT,ARRI,,CNQZH,", "train_number", "is required"),
        ("2026-03-02T08:30:00+08:00,EST,ARRI,,CNQZH,X8001", "reported_time", "EST or PLN"),
    ],
)
def test_a_bad_cell_is_named_by_its_column(row: str, column: str, reason: str) -> None:
    record = one(row)
    assert isinstance(record, RejectedRecord)
    assert record.where == "line 2"
    assert f"column {column}: " in record.reason
    assert reason in record.reason


def test_optional_columns_are_checked_too() -> None:
    header = f"{HEADER},facility_type,empty_indicator,iso_equipment_code,event_id,remark"
    row = "2026-03-02T06:40:00+08:00,ACT,LOAD,CSNU6184435,CNCQI,X8001,YARD,FULL,45-G1,a\tb," + (
        "x" * 251
    )
    record = one(row, header=header)
    assert isinstance(record, RejectedRecord)
    columns = [part.split(":")[0] for part in record.reason.split("; ")]
    assert sorted(columns) == [
        "column empty_indicator",
        "column event_id",
        "column facility_type",
        "column iso_equipment_code",
        "column remark",
    ]


def test_a_train_event_keeps_the_container_it_names() -> None:
    record = one("2026-03-04T10:15:00+08:00,ACT,ARRIVED,CSNU6184435,cnqzh,X8001")
    assert isinstance(record, ParsedEvent)
    assert record.event["eventClassification"]["transportEventType"] == "ARRIVED"
    assert record.event["equipmentDetails"] == {"equipmentReference": "CSNU6184435"}
    assert record.event["eventLocation"] == {"UNLocationCode": "CNQZH"}


def test_a_gate_event_has_no_rail_call_unless_it_names_a_train() -> None:
    gate = one("2026-03-04T13:05:00+08:00,ACT,GTIN,CSNU6184435,CNQZH,")
    on_train = one("2026-03-04T13:05:00+08:00,ACT,GTOT,CSNU6184435,CNQZH,X8001")
    assert isinstance(gate, ParsedEvent)
    assert isinstance(on_train, ParsedEvent)
    assert "transportDetails" not in gate.event
    assert on_train.event["transportDetails"]["transportCall"]["modeOfTransport"] == "RAIL"
    arrival = one("2026-03-04T10:15:00+08:00,ACT,ARRI,,CNQZH,X8001")
    assert isinstance(arrival, ParsedEvent)
    assert _call_reference(on_train.event) == _call_reference(arrival.event)
    wagon_only = one(
        "2026-03-04T11:20:00+08:00,ACT,DISC,CSNU6184435,CNQZH,,3456789",
        header=f"{HEADER},wagon_number",
    )
    assert isinstance(wagon_only, ParsedEvent)
    assert wagon_only.event["transportDetails"]["transportCall"] == {
        "modeOfTransport": "RAIL",
        "railTransport": {"railCarReference": "3456789"},
    }


def test_sub_second_times_are_kept_to_the_millisecond_dcsa_allows() -> None:
    record = one("2026-03-02T06:40:00.123456+08:00,ACT,LOAD,CSNU6184435,CNCQI,X8001")
    assert isinstance(record, ParsedEvent)
    assert record.event["eventDateTime"] == "2026-03-02T06:40:00.123+08:00"
    assert tnt30_problems(record.event) == []


def test_blank_lines_are_skipped_and_line_numbers_stay_physical() -> None:
    text = f"{HEADER}\n\n2026-03-02T06:40:00+08:00,ACT,LOAD,CSNU6184436,CNCQI,X8001\n\n"
    events, rejected = read(text)
    assert events == []
    assert [r.where for r in rejected] == ["line 3"]


# --- the header: not this format at all -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the rail CSV is empty"),
        ("\n\n", "the rail CSV is empty"),
        ("UNA:+.? 'UNB+UNOC:3+CQMTO+CORRIDOR+260302:0900+1'", "unknown column"),
        (f"{HEADER},contianer\n", "'contianer' (did you mean 'container'?)"),
        ("event_time,classifier,event\n", "lacks the required column(s) location"),
        (f"{HEADER},location\n", "repeats location"),
        ('event_time,"classifier\n', "header is not RFC 4180 CSV"),
    ],
)
def test_a_file_that_is_not_the_rail_csv_raises_malformed_input(text: str, message: str) -> None:
    with pytest.raises(MalformedInputError) as raised:
        list(read_rail_csv(text))
    assert message in str(raised.value)


def test_operator_columns_and_header_case_are_accepted() -> None:
    header = "Event_Time, CLASSIFIER ,event,container,location,train_number,x_customs_seal"
    record = one("2026-03-02T06:40:00+08:00,ACT,LOAD,CSNU6184435,CNCQI,X8001,S-1", header=header)
    assert isinstance(record, ParsedEvent)


def test_the_documentation_describes_every_column_and_event() -> None:
    text = RAIL_DOC.read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column}` |" in text, column
    for code in EVENTS:
        assert f"| `{code}` |" in text, code
    assert all(f"`{column}`" in text for column in REQUIRED_COLUMNS)


# --- any valid row ----------------------------------------------------------------------------

OFFSETS = [dt.timedelta(hours=h, minutes=m) for h, m in ((8, 0), (0, 0), (-5, 0), (5, 30), (9, 45))]
TEXT = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=40
).filter(lambda value: value == value.strip())


@st.composite
def containers(draw: st.DrawFn) -> str:
    owner = draw(st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3))
    serial = draw(st.text(alphabet=string.digits, min_size=6, max_size=6))
    prefix = f"{owner}U{serial}"
    return f"{prefix}{iso6346_check_digit(prefix)}"


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    naive = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 12, 31)))
    return naive.replace(tzinfo=dt.timezone(draw(st.sampled_from(OFFSETS))))


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    event = draw(st.sampled_from(list(EVENTS)))
    classifier = draw(st.sampled_from(["ACT", "EST", "PLN"]))
    is_train = EVENTS[event][0] == "TRANSPORT"
    row = {
        "event_time": draw(moments()).isoformat(),
        "classifier": classifier,
        "event": event,
        "location": draw(st.from_regex(r"[A-Z]{2}[A-Z2-9]{3}", fullmatch=True)),
        "container": draw(containers()) if not is_train or draw(st.booleans()) else "",
        "train_number": draw(st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True)) if is_train else "",
        "reported_time": draw(moments()).isoformat() if classifier != "ACT" else "",
    }
    for column in ("transport_document_reference", "booking_reference", "facility", "remark"):
        row[column] = draw(st.one_of(st.just(""), TEXT))
    row["event_id"] = draw(
        st.one_of(st.just(""), st.from_regex(r"[A-Za-z0-9-]{1,60}", fullmatch=True))
    )
    return row


@given(rows())
def test_any_valid_row_round_trips_to_a_valid_tnt_3_0_event(row: dict[str, str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)

    records = list(read_rail_csv(buffer.getvalue()))

    assert len(records) == 1
    record = records[0]
    assert isinstance(record, ParsedEvent), record
    event = record.event
    assert tnt30_problems(event) == []
    assert dt.datetime.fromisoformat(event["eventDateTime"]) == dt.datetime.fromisoformat(
        row["event_time"]
    ).replace(microsecond=dt.datetime.fromisoformat(row["event_time"]).microsecond // 1000 * 1000)
    assert event["eventLocation"]["UNLocationCode"] == row["location"]
    assert event["eventClassification"]["eventType"] == EVENTS[row["event"]][0]
    assert event.get("equipmentDetails", {}).get("equipmentReference", "") == row["container"]
    assert event.get("reason", "") == row["remark"]
    if row["event_id"]:
        assert event["eventID"] == row["event_id"]
    assert (_call_reference(event) is not None) == bool(row["train_number"])
    if event["eventClassification"]["eventType"] == "TRANSPORT":
        assert v22_problems(event) == []
    references = event.get("shipmentDetails", {})
    given_refs = [row["transport_document_reference"], row["booking_reference"]]
    found = [references.get("documentReference", {}).get("reference")] + [
        item["reference"] for item in references.get("additionalDocumentReferences", [])
    ]
    assert [ref for ref in found if ref] == [ref for ref in given_refs if ref]


EDITS = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from([*',"\n\r x9\x00é', ""])),
    min_size=1,
    max_size=8,
)


@given(EDITS)
def test_a_damaged_file_is_reported_never_raised(edits: list[tuple[float, str]]) -> None:
    text = GOOD.read_bytes().decode("utf-8")
    for where, char in edits:
        at = int(where * len(text))
        text = text[:at] + char + text[at + 1 :]
    try:
        records = list(read_rail_csv(text))
    except MalformedInputError:
        return
    for record in records:
        if isinstance(record, ParsedEvent):
            assert tnt30_problems(record.event) == []
        else:
            assert record.where.startswith("line ")
