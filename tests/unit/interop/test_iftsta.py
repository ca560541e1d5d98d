"""UN/EDIFACT IFTSTA (D.99B) read as DCSA TNT 3.0 events: the corridor fixture and its failures."""

from __future__ import annotations

import datetime as dt
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
from corridor.interop.edifact.codes import (
    DATE_QUALIFIERS,
    DOCUMENT_REFERENCES,
    EVENT_LOCATION_QUALIFIERS,
    STATUS_EVENTS,
)
from corridor.interop.edifact.datetimes import DateTimeError, parse_dtm
from corridor.interop.event_records import ParsedEvent, RejectedRecord
from corridor.interop.transport_calls import derived_call_reference

VECTORS = Path(__file__).parents[2] / "vectors" / "edifact"
CORRIDOR = VECTORS / "iftsta_d99b_chongqing_singapore.edi"
EQUIVALENT = VECTORS / "iftsta_d99b_chongqing_singapore.equivalent.json"
MAPPING_DOC = Path(__file__).parents[3] / "docs" / "iftsta-mapping.md"

HEAD = [
    "BGM+44+T1+9'",
    "DTM+137:202603041330:203'",
    "RFF+BM:CQSG2026000123'",
    "CNI+1+CQSG2026000123'",
]
GATE_IN = [
    "STS+1+I'",
    "DTM+334:202603041305:203'",
    "LOC+175+CNQZH::6:Qinzhou port container terminal'",
    "EQD+CN+CSNU6184435+45G1:102:5+2+2+5'",
]
VESSEL = "TDT+20+026S+1+++++9795610:::BEIBU GULF STAR:SG'"


def interchange(*bodies: list[str], ref: str = "T0001", unh: str = "IFTSTA:D:99B:UN") -> str:
    """A well-formed interchange around ``bodies`` (one per message), counts filled in."""
    lines = [f"UNB+UNOC:3+CQMTO:ZZZ+CORRIDOR:ZZZ+260304:1400+{ref}'"]
    for number, body in enumerate(bodies, start=1):
        reference = f"{number:04d}"
        lines += [f"UNH+{reference}+{unh}'", *body, f"UNT+{len(body) + 2}+{reference}'"]
    lines.append(f"UNZ+{len(bodies)}+{ref}'")
    return "\n".join(lines)


def read(text: str) -> tuple[list[ParsedEvent], list[RejectedRecord]]:
    return split(read_iftsta(text))


def only_event(text: str) -> dict[str, Any]:
    events, rejected = read(text)
    assert rejected == []
    assert len(events) == 1
    return events[0].event


def only_rejection(text: str) -> RejectedRecord:
    events, rejected = read(text)
    assert events == []
    assert len(rejected) == 1
    return rejected[0]


# --- the Done-when fixture ----------------------------------------------------------------


def test_corridor_interchange_reads_into_exactly_its_dcsa_json_equivalent() -> None:
    events, rejected = read(CORRIDOR.read_text(encoding="utf-8"))
    expected = json.loads(EQUIVALENT.read_text(encoding="utf-8"))["events"]

    assert rejected == []
    assert [parsed.event for parsed in events] == expected


def test_the_json_equivalent_covers_the_whole_rail_sea_journey() -> None:
    expected = json.loads(EQUIVALENT.read_text(encoding="utf-8"))["events"]
    steps = {
        (
            event["eventLocation"]["UNLocationCode"],
            next(v for k, v in event["eventClassification"].items() if k.endswith("EventType")),
            event.get("transportDetails", {}).get("transportCall", {}).get("modeOfTransport"),
        )
        for event in expected
    }
    assert {
        ("CNCQI", "LOADED", "RAIL"),
        ("CNCQI", "DEPARTED", "RAIL"),
        ("CNQZH", "ARRIVED", "RAIL"),
        ("CNQZH", "GATED_IN", None),
        ("CNQZH", "LOADED", "VESSEL"),
        ("CNQZH", "DEPARTED", "VESSEL"),
        ("SGSIN", "DISCHARGED", "VESSEL"),
        ("SGSIN", "GATED_OUT", None),
    } <= steps


def test_reading_the_same_interchange_again_gives_the_same_event_ids() -> None:
    text = CORRIDOR.read_text(encoding="utf-8")
    first = [parsed.event["eventID"] for parsed in read(text)[0]]
    again = [parsed.event["eventID"] for parsed in read(text)[0]]

    assert first == again
    assert len(set(first)) == len(first)


def test_the_statuses_of_one_call_share_its_derived_transport_call_reference() -> None:
    events = [parsed.event for parsed in read(CORRIDOR.read_text(encoding="utf-8"))[0]]
    calls: dict[tuple[str, str], set[str]] = {}
    for event in events:
        call = event.get("transportDetails", {}).get("transportCall")
        if call is not None:
            key = (call["modeOfTransport"], event["eventLocation"]["UNLocationCode"])
            calls.setdefault(key, set()).add(call["transportCallReference"])
    assert sorted(calls) == [
        ("RAIL", "CNCQI"),
        ("RAIL", "CNQZH"),
        ("VESSEL", "CNQZH"),
        ("VESSEL", "SGSIN"),
    ]
    assert all(len(references) == 1 for references in calls.values())
    [at_singapore] = calls[("VESSEL", "SGSIN")]  # the estimated and the actual arrival
    vessel = {"modeOfTransport": "VESSEL", "vesselTransport": {"vesselIMONumber": "9795610"}}
    vessel["exportVoyageNumberOrReference"] = {"carrierVoyageNumber": "026S"}
    assert at_singapore == derived_call_reference(vessel, "SGSIN")
    again = [parsed.event for parsed in read(CORRIDOR.read_text(encoding="utf-8"))[0]]
    assert again == events


def test_every_event_of_the_interchange_is_served_over_tnt_2_2() -> None:
    events = [parsed.event for parsed in read(CORRIDOR.read_text(encoding="utf-8"))[0]]
    for event in events:
        assert v22_problems(event) == [], event["eventID"]
    departure = as_v22(events[2])  # the train leaving Chongqing
    assert departure is not None
    assert departure["transportEventTypeCode"] == "DEPA"
    call = departure["transportCall"]
    derived = events[2]["transportDetails"]["transportCall"]["transportCallReference"]
    assert call["transportCallID"] == derived
    assert (call["UNLocationCode"], call["modeOfTransport"]) == ("CNCQI", "RAIL")


def test_another_interchange_with_the_same_statuses_gives_other_ids() -> None:
    one = only_event(interchange([*HEAD, *GATE_IN], ref="T0001"))
    other = only_event(interchange([*HEAD, *GATE_IN], ref="T0002"))

    assert one["eventID"] != other["eventID"]
    assert {k: v for k, v in one.items() if k != "eventID"} == {
        k: v for k, v in other.items() if k != "eventID"
    }


# --- broken fixtures: each failure named by its segment, the rest still read ---------------


@pytest.mark.parametrize(
    ("name", "where", "reason", "good"),
    [
        (
            "unknown_status_code.edi",
            "message 1 (UNH ref 0001), segment 6 STS",
            "status event code 'ZZ9' (STS 9011) is not one Corridor maps",
            ["message 1 (UNH ref 0001), segment 13 EQD", "message 2 (UNH ref 0002), segment 9 EQD"],
        ),
        (
            "bad_check_digit.edi",
            "message 1 (UNH ref 0001), segment 10 EQD",
            "'CSNU6184436' fails the ISO 6346 check digit: the first ten characters give 5",
            ["message 1 (UNH ref 0001), segment 11 EQD"],
        ),
        (
            "missing_date.edi",
            "message 1 (UNH ref 0001), segment 6 STS",
            "the status has no DTM with its date and time",
            ["message 1 (UNH ref 0001), segment 13 EQD"],
        ),
        (
            "bad_locode.edi",
            "message 1 (UNH ref 0001), segment 8 LOC",
            "'QINZHOU' is not a UN/LOCODE",
            ["message 1 (UNH ref 0001), segment 14 EQD"],
        ),
    ],
)
def test_a_broken_status_is_reported_by_its_segment_and_the_rest_is_read(
    name: str, where: str, reason: str, good: list[str]
) -> None:
    events, rejected = read((VECTORS / "broken" / name).read_text(encoding="utf-8"))

    assert [(r.where, reason in r.reason) for r in rejected] == [(where, True)]
    assert [parsed.where for parsed in events] == good
    assert all(tnt30_problems(parsed.event) == [] for parsed in events)


def test_a_truncated_interchange_keeps_its_complete_messages() -> None:
    events, rejected = read((VECTORS / "broken" / "truncated.edi").read_text(encoding="utf-8"))

    assert [parsed.where for parsed in events] == ["message 1 (UNH ref 0001), segment 9 EQD"]
    assert [r.where for r in rejected] == [
        "message 2 (UNH ref 0002), segment 9",
        "interchange BRK0005, segment 20",
    ]
    assert "cut short" in rejected[0].reason
    assert "truncated" in rejected[1].reason


# --- the envelope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "event_time,event,container\n2026-03-02T08:30:00+08:00,DEPA,CSNU6184435\n",
        "UNH+1+IFTSTA:D:99B:UN'",
        "UNA:+",
    ],
)
def test_a_text_that_is_not_an_interchange_raises_malformed_input(text: str) -> None:
    with pytest.raises(MalformedInputError, match=r"UN/EDIFACT interchange|UNA"):
        list(read_iftsta(text))


def test_a_wrong_unt_count_rejects_that_message_only() -> None:
    good = interchange([*HEAD, *GATE_IN], [*HEAD, *GATE_IN])
    broken = good.replace("UNT+10+0001'", "UNT+9+0001'", 1)
    events, rejected = read(broken)

    assert [r.where for r in rejected] == ["message 1 (UNH ref 0001)"]
    assert "UNT counts 9 segments but the message has 10" in rejected[0].reason
    assert [parsed.where for parsed in events] == ["message 2 (UNH ref 0002), segment 9 EQD"]


def test_a_unt_closing_another_reference_rejects_the_message() -> None:
    text = interchange([*HEAD, *GATE_IN]).replace("UNT+10+0001'", "UNT+10+0009'")
    assert "UNT closes message reference '0009'" in only_rejection(text).reason


def test_a_missing_unt_and_unz_are_both_reported() -> None:
    text = interchange([*HEAD, *GATE_IN]).split("UNT+")[0]
    events, rejected = read(text)

    assert events == []
    assert [r.where for r in rejected] == ["message 1 (UNH ref 0001)", "interchange T0001"]
    assert "no UNT trailer" in rejected[0].reason
    assert "no UNZ trailer" in rejected[1].reason


def test_a_wrong_unz_count_is_reported_after_the_messages() -> None:
    text = interchange([*HEAD, *GATE_IN]).replace("UNZ+1+", "UNZ+3+")
    events, rejected = read(text)

    assert len(events) == 1
    assert [r.where for r in rejected] == ["interchange T0001, segment 12 UNZ"]
    assert "UNZ counts 3 messages but the interchange has 1" in rejected[0].reason


def test_a_segment_outside_any_message_is_skipped_and_reported() -> None:
    text = interchange([*HEAD, *GATE_IN]).replace("UNZ+", "FTX+AAI+++stray'\nUNZ+")
    events, rejected = read(text)

    assert len(events) == 1
    assert [r.where for r in rejected] == ["interchange T0001, segment 12 FTX"]


def test_functional_groups_are_read_through() -> None:
    text = interchange([*HEAD, *GATE_IN])
    text = text.replace("UNH+", "UNG+IFTSTA+CQMTO+CORRIDOR+260304:1400+1+UN+D:99B'\nUNH+", 1)
    text = text.replace("UNZ+1+", "UNE+1+1'\nUNZ+1+")
    events, rejected = read(text)

    assert rejected == []
    assert len(events) == 1


def test_release_characters_and_a_service_string_advice_are_honoured() -> None:
    body = [*HEAD, *GATE_IN]
    body[6] = "LOC+175+CNQZH::6:Qinzhou?'s terminal?: gate 3'"
    text = "UNA:+.? '" + interchange(body)

    assert only_event(text)["eventLocation"]["locationName"] == "Qinzhou's terminal: gate 3"


# --- message-level refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unh", "reason"),
    [
        ("IFTMIN:D:99B:UN", "message type 'IFTMIN' is not IFTSTA"),
        ("IFTSTA:D:96A:UN", "IFTSTA D:96A is not a directory Corridor reads; send D.99B"),
    ],
)
def test_other_messages_and_directories_are_refused(unh: str, reason: str) -> None:
    rejection = only_rejection(interchange([*HEAD, *GATE_IN], unh=unh))
    assert rejection.where == "message 1 (UNH ref 0001)"
    assert reason in rejection.reason


def test_a_cancellation_cannot_be_tied_to_the_events_it_withdraws() -> None:
    body = [HEAD[0].replace("+9'", "+1'"), *HEAD[1:], *GATE_IN]
    assert "(cancellation) cannot be tied" in only_rejection(interchange(body)).reason


def test_a_status_before_any_consignment_rejects_the_message() -> None:
    rejection = only_rejection(interchange([*HEAD[:3], *GATE_IN]))
    assert rejection.where == "message 1 (UNH ref 0001), segment 5 STS"
    assert "before any CNI" in rejection.reason


# --- status groups --------------------------------------------------------------------------


def status(*segments: str) -> str:
    return interchange([*HEAD, *segments])


def test_a_vessel_imo_number_is_checked() -> None:
    text = status("STS+1+VD'", "DTM+186:202603061800:203'", "LOC+5+CNQZH'", VESSEL)
    assert only_event(text)["transportDetails"]["transportCall"]["vesselTransport"] == {
        "vesselIMONumber": "9795610",
        "vesselName": "BEIBU GULF STAR",
        "vesselFlag": "SG",
    }
    rejection = only_rejection(text.replace("9795610", "9795611"))
    assert rejection.where == "message 1 (UNH ref 0001), segment 9 TDT"
    assert "IMO number 9795611 fails its check digit" in rejection.reason


def test_a_vessel_flag_or_identifier_of_non_ascii_characters_is_refused() -> None:
    text = status("STS+1+VD'", "DTM+186:202603061800:203'", "LOC+5+CNQZH'", VESSEL)
    rejection = only_rejection(text.replace("STAR:SG'", "STAR:Sé'"))
    assert rejection.where == "message 1 (UNH ref 0001), segment 9 TDT"
    assert "vessel nationality 'Sé' is not an ISO 3166 code" in rejection.reason
    rejection = only_rejection(text.replace("9795610", "979561²"))  # '²'.isdigit() is True
    assert "vessel identifier '979561²' is neither IMO nor call sign" in rejection.reason


def test_a_status_whose_code_implies_another_mode_than_its_tdt_is_refused() -> None:
    text = status("STS+1+AE'", "DTM+334:202603060215:203'", "LOC+9+CNQZH'", "TDT+10+X8001+2'")
    rejection = only_rejection(text + "\n")
    assert rejection.where == "message 1 (UNH ref 0001), segment 9 TDT"
    assert "is VESSEL but TDT says RAIL" in rejection.reason


def test_a_transport_status_needs_its_conveyance() -> None:
    rejection = only_rejection(status("STS+1+24'", "DTM+186:202603020830:203'", "LOC+5+CNCQI'"))
    assert rejection.where == "message 1 (UNH ref 0001), segment 6 STS"
    assert "needs a TDT" in rejection.reason


def test_an_air_leg_has_no_dcsa_mode() -> None:
    text = status("STS+1+24'", "DTM+186:202603020830:203'", "LOC+5+CNCQI'", "TDT+20+CA1234+4'")
    assert "mode 4 (Air transport) has no DCSA" in only_rejection(text).reason


def test_an_equipment_status_needs_a_container() -> None:
    text = status("STS+1+I'", "DTM+334:202603041305:203'", "LOC+175+CNQZH'")
    assert "names no container (EQD)" in only_rejection(text).reason


def test_only_containers_are_read() -> None:
    text = status(*GATE_IN[:3], "EQD+TE+ABC123'")
    rejection = only_rejection(text)
    assert rejection.where == "message 1 (UNH ref 0001), segment 9 EQD"
    assert "qualifier 'TE' (8053) is not CN" in rejection.reason


def test_a_departure_takes_its_departure_date_not_an_arrival_estimate() -> None:
    text = status(
        "STS+1+VD'",
        "DTM+132:202603121400:203'",
        "DTM+186:202603061800:203'",
        "LOC+5+CNQZH'",
        VESSEL,
    )
    event = only_event(text)
    assert event["eventDateTime"] == "2026-03-06T18:00:00+08:00"
    assert event["eventClassification"]["eventClassifier"] == "ACTUAL"


@pytest.mark.parametrize(
    ("dtm", "classifier", "moment"),
    [
        ("DTM+132:202603121400:203'", "ESTIMATED", "2026-03-12T14:00:00+08:00"),
        ("DTM+232:202603121200:203'", "PLANNED", "2026-03-12T12:00:00+08:00"),
        ("DTM+178:20260312163015:204'", "ACTUAL", "2026-03-12T16:30:15+08:00"),
        ("DTM+178:202603120830UTC:303'", "ACTUAL", "2026-03-12T08:30:00+00:00"),
    ],
)
def test_the_date_qualifier_decides_the_classifier(dtm: str, classifier: str, moment: str) -> None:
    event = only_event(status("STS+1+VA'", dtm, "LOC+8+SGSIN'", VESSEL))
    assert event["eventClassification"] == {
        "eventType": "TRANSPORT",
        "eventClassifier": classifier,
        "transportEventType": "ARRIVED",
    }
    assert event["eventDateTime"] == moment


def test_a_local_time_where_the_offset_is_not_fixed_is_refused() -> None:
    body = [*GATE_IN]
    body[2] = "LOC+175+USLAX'"
    rejection = only_rejection(status(*body))
    assert rejection.where == "message 1 (UNH ref 0001), segment 7 DTM"
    assert "send the time as format 303" in rejection.reason


def test_a_zoned_time_is_read_anywhere() -> None:
    body = [*GATE_IN]
    body[1], body[2] = "DTM+334:202603041305-0800:303'", "LOC+175+USLAX'"
    text = status(*body).replace("DTM+137:202603041330:203'", "DTM+137:202603042200UTC:303'")
    event = only_event(text)
    assert event["eventDateTime"] == "2026-03-04T13:05:00-08:00"
    assert event["eventUpdatedDateTime"] == "2026-03-04T22:00:00+00:00"


def test_without_a_message_date_the_interchange_date_stands_in() -> None:
    text = interchange([HEAD[0], *HEAD[2:], *GATE_IN])
    assert only_event(text)["eventUpdatedDateTime"] == "2026-03-04T14:00:00+08:00"


def test_references_of_the_status_and_of_the_header_are_merged() -> None:
    body = [*HEAD, GATE_IN[0], "RFF+BN:BKG26CQ0456'", "RFF+AAM:CQR2026-7781'", "RFF+ZZZ:x'"]
    event = only_event(interchange([*body, *GATE_IN[1:]]))
    assert event["shipmentDetails"] == {
        "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": "CQR2026-7781"},
        "additionalDocumentReferences": [
            {"type": "TRANSPORT_DOCUMENT", "reference": "CQSG2026000123"},
            {"type": "BOOKING", "reference": "BKG26CQ0456"},
        ],
    }


def test_an_empty_container_status_sets_the_empty_indicator() -> None:
    body = ["STS+1+RD'", *GATE_IN[1:3], "EQD+CN+CSNU6184435+45G1:102:5+2+3'"]
    event = only_event(status(*body))
    assert event["eventClassification"]["equipmentEventType"] == "GATED_IN"
    assert event["equipmentDetails"]["emptyIndicator"] == "EMPTY"
    full = status("STS+1+RD'", *GATE_IN[1:])
    assert "about an empty container, EQD says full" in only_rejection(full).reason


def test_each_container_of_a_status_is_its_own_event() -> None:
    body = [*GATE_IN, "EQD+CN+CBHU8834022+45G1:102:5+2+2+5'"]
    events, rejected = read(status(*body))

    assert rejected == []
    assert [e.event["equipmentDetails"]["equipmentReference"] for e in events] == [
        "CSNU6184435",
        "CBHU8834022",
    ]
    assert len({e.event["eventID"] for e in events}) == 2


# --- the mapping document lists what the code reads -------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        *(f"STS `{code}`" for code in STATUS_EVENTS),
        *(f"DTM `{code}`" for code in DATE_QUALIFIERS),
        *(f"LOC `{code}`" for code in EVENT_LOCATION_QUALIFIERS),
        *(f"RFF `{code}`" for code in DOCUMENT_REFERENCES),
    ],
)
def test_the_mapping_document_lists_every_code_read(code: str) -> None:
    segment, value = code.split(" ")
    rows = [
        line
        for line in MAPPING_DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| {segment} ") or line.startswith(f"| {value} ")
    ]
    assert any(value in row for row in rows), f"{code} is not in docs/iftsta-mapping.md"


# --- any valid status group -------------------------------------------------------------------

MODE_CODES = {"VESSEL": "1", "RAIL": "2", "TRUCK": "3"}
QUALIFIERS_FOR = {
    "ARRIVED": ["334", "178", "132", "232"],
    "DEPARTED": ["334", "186", "136", "133", "189"],
}
LOCAL_PLACES = ["CNCQI", "CNQZH", "SGSIN"]
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))


@st.composite
def containers(draw: st.DrawFn) -> str:
    owner = draw(st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3))
    serial = draw(st.text(alphabet=string.digits, min_size=6, max_size=6))
    prefix = f"{owner}U{serial}"
    return f"{prefix}{iso6346_check_digit(prefix)}"


@st.composite
def status_groups(draw: st.DrawFn) -> tuple[list[str], dt.datetime, list[str]]:
    meaning = draw(st.sampled_from(list(STATUS_EVENTS.values())))
    qualifiers = QUALIFIERS_FOR.get(meaning.dcsa_code, list(DATE_QUALIFIERS))
    naive = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 12, 31)))
    naive = naive.replace(microsecond=0)
    if draw(st.booleans()):
        place = draw(st.sampled_from(LOCAL_PLACES))
        dtm, moment = f"{naive:%Y%m%d%H%M%S}:204", naive.replace(tzinfo=CHINA_TIME)
    else:
        place = draw(st.from_regex(r"[A-Z]{2}[A-Z2-9]{3}", fullmatch=True))
        dtm, moment = f"{naive:%Y%m%d%H%M%S}UTC:304", naive.replace(tzinfo=dt.UTC)
    segments = [
        f"STS+1+{meaning.code}'",
        f"DTM+{draw(st.sampled_from(qualifiers))}:{dtm}'",
        f"LOC+{draw(st.sampled_from(list(EVENT_LOCATION_QUALIFIERS)))}+{place}'",
    ]
    mode = meaning.mode or draw(st.sampled_from(["RAIL", "VESSEL", None]))
    if mode is not None or meaning.event_type == "TRANSPORT":
        segments.append(VESSEL if mode in {"VESSEL", None} else f"TDT+10+X1+{MODE_CODES[mode]}'")
    numbers = draw(
        st.lists(containers(), min_size=1 if meaning.event_type == "EQUIPMENT" else 0, max_size=3)
    )
    fullness = "4" if meaning.empty else "5"
    segments += [f"EQD+CN+{number}+22G1:102:5+2+2+{fullness}'" for number in numbers]
    return segments, moment, numbers


@given(status_groups())
def test_any_valid_status_group_reads_into_valid_tnt_3_0_events(
    group: tuple[list[str], dt.datetime, list[str]],
) -> None:
    segments, moment, numbers = group
    header = [HEAD[0], "DTM+137:20260304133000UTC:304'", *HEAD[2:]]
    events, rejected = read(interchange([*header, *segments]))

    assert rejected == []
    assert len(events) == max(1, len(numbers))
    for parsed in events:
        assert tnt30_problems(parsed.event) == []
        assert dt.datetime.fromisoformat(parsed.event["eventDateTime"]) == moment
        call = parsed.event.get("transportDetails", {}).get("transportCall", {})
        if call.get("modeOfTransport") in {"VESSEL", "RAIL"}:  # a TDT naming the conveyance
            assert "transportCallReference" in call
            if parsed.event["eventClassification"]["eventType"] == "TRANSPORT":
                assert v22_problems(parsed.event) == []
    found = [e.event.get("equipmentDetails", {}).get("equipmentReference") for e in events]
    assert found == (numbers or [None])


@pytest.mark.parametrize(
    ("value", "format_code", "country", "reason"),
    [
        ("20260302", "102", "CN", "date without a time"),
        ("202603020830", "999", "CN", "format 999 is not one Corridor reads"),
        ("202613020830", "203", "CN", "not a valid date/time in format 203"),
        ("20260312083", "203", "CN", "takes exactly 12 digits"),  # would read as 08:03
        ("202631283", "203", "CN", "takes exactly 12 digits"),
        ("2026031208301", "204", "CN", "takes exactly 14 digits"),
        ("20260312083Z", "303", "CN", "takes exactly 12 digits"),
        ("202603020830XYZ", "303", "CN", "neither UTC nor a signed offset"),
        ("202603020830+25", "303", "CN", "is not a UTC offset"),
        ("202603020830", "203", "US", "does not have a single fixed UTC offset"),
    ],
)
def test_dtm_values_that_name_no_moment_are_refused(
    value: str, format_code: str, country: str, reason: str
) -> None:
    with pytest.raises(DateTimeError, match=reason):
        parse_dtm(value, format_code, country)


@pytest.mark.parametrize(
    ("value", "format_code", "expected"),
    [
        ("202603020830", "203", "2026-03-02T08:30:00+08:00"),
        ("20260302083015", "204", "2026-03-02T08:30:15+08:00"),
        ("202603020030Z", "303", "2026-03-02T00:30:00+00:00"),
        ("20260302083015+08", "304", "2026-03-02T08:30:15+08:00"),
        ("202603020830+0800", "205", "2026-03-02T08:30:00+08:00"),
        ("202603011930-0500", "205", "2026-03-01T19:30:00-05:00"),
    ],
)
def test_dtm_values_become_rfc_3339(value: str, format_code: str, expected: str) -> None:
    assert parse_dtm(value, format_code, "CN").isoformat() == expected


EDITS = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from([*"+:'?\n U0Z\x00é", ""])),
    min_size=1,
    max_size=8,
)


@given(EDITS)
def test_a_damaged_interchange_is_reported_never_raised(edits: list[tuple[float, str]]) -> None:
    text = CORRIDOR.read_text(encoding="utf-8")
    for where, char in edits:
        at = int(where * len(text))
        text = text[:at] + char + text[at + 1 :]
    try:
        records = list(read_iftsta(text))
    except MalformedInputError:
        return
    assert all(isinstance(record, ParsedEvent | RejectedRecord) for record in records)
    for record in records:
        if isinstance(record, ParsedEvent):
            assert tnt30_problems(record.event) == []


def test_a_control_character_in_data_rejects_its_status_by_segment() -> None:
    body = [*HEAD, GATE_IN[0], "RFF+BN:BKG26\x00CQ0456'", *GATE_IN[1:]]
    rejection = only_rejection(interchange(body))
    assert rejection.where == "message 1 (UNH ref 0001), segment 7 RFF"
    assert "control character U+0000" in rejection.reason
