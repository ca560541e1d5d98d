"""``read_dcsa_json``: the shapes DCSA and producers use, each record with its place."""

from __future__ import annotations

import json

from tests.tnt_samples import EXAMPLES, V22_EXAMPLE, V30_EXAMPLES, equipment_event

from corridor.interop.dcsa.tnt.reader import read_dcsa_json
from corridor.interop.event_records import ParsedEvent, RejectedRecord


def test_every_dcsa_example_file_reads_without_a_rejection() -> None:
    for name in (V22_EXAMPLE, *V30_EXAMPLES):
        records = list(read_dcsa_json((EXAMPLES / name).read_text(encoding="utf-8")))
        assert records
        assert all(isinstance(r, ParsedEvent) for r in records), name


def test_places_follow_the_shape() -> None:
    wrapped = list(read_dcsa_json(json.dumps({"events": [equipment_event(), {}]})))
    assert [r.where for r in wrapped] == ["events[0]", "events[1]"]
    bare = list(read_dcsa_json(json.dumps([equipment_event()])))
    assert [r.where for r in bare] == ["[0]"]
    single = list(read_dcsa_json(json.dumps(equipment_event())))
    assert [r.where for r in single] == ["$"]


def test_a_2_2_list_is_converted_and_a_bad_2_2_item_is_named() -> None:
    events = json.loads((EXAMPLES / V22_EXAMPLE).read_text(encoding="utf-8"))
    events[3]["transportEventTypeCode"] = "ARRX"
    records = list(read_dcsa_json(json.dumps(events)))
    assert len(records) == 7
    bad = records[3]
    assert isinstance(bad, RejectedRecord)
    assert bad.where == "[3]"
    assert bad.reason == "transportEventTypeCode: 'ARRX' is not one of ARRI, DEPA"
    good = records[0]
    assert isinstance(good, ParsedEvent)
    assert good.event["eventClassification"]["transportEventType"] == "ARRIVED"


def test_a_syntax_error_ends_the_reading_at_its_line_after_the_events_before_it() -> None:
    records = list(read_dcsa_json('{"events": [\n  {"eventID": "a"},\n  oops\n]}'))
    assert [type(r) for r in records] == [ParsedEvent, RejectedRecord]
    assert records[0] == ParsedEvent("events[0]", {"eventID": "a"})
    assert records[1] == RejectedRecord(
        "line 3, column 3", "not JSON: unexpected character, expected a JSON value"
    )


def test_text_that_is_not_json_at_all_is_one_rejection_with_its_line() -> None:
    records = list(read_dcsa_json('{"eventID": "a",\n oops}'))
    assert len(records) == 1
    assert isinstance(records[0], RejectedRecord)
    assert records[0].where.startswith("line 2")
    assert records[0].reason.startswith("not JSON")


def test_a_truncated_file_gives_the_events_it_holds_then_says_where_it_ends() -> None:
    whole = json.dumps({"events": [equipment_event(), equipment_event()]}, indent=2)
    records = list(read_dcsa_json(whole[: len(whole) - 40]))
    assert [type(r) for r in records] == [ParsedEvent, RejectedRecord]
    assert records[1].where.startswith(f"line {whole[: len(whole) - 40].count(chr(10)) + 1},")


def test_a_get_events_response_with_feedback_after_the_events_is_read() -> None:
    response = {"events": [equipment_event()], "feedbackElements": [{"severity": "INFO"}]}
    records = list(read_dcsa_json(json.dumps(response)))
    assert [type(r) for r in records] == [ParsedEvent]


def test_members_before_the_events_are_read_too() -> None:
    response = {"feedbackElements": [], "events": [equipment_event()]}
    records = list(read_dcsa_json(json.dumps(response)))
    assert [r.where for r in records] == ["events[0]"]


def test_a_second_events_array_is_refused_where_it_is() -> None:
    text = '{"events": [], "events": [{"eventID": "b"}]}'
    (record,) = read_dcsa_json(text)
    assert isinstance(record, RejectedRecord)
    assert record.where == "line 1, column 16"
    assert "only one" in record.reason


def test_json_of_another_shape_is_one_rejection() -> None:
    records = list(read_dcsa_json('{"transportDocument": {}}'))
    assert len(records) == 1
    assert isinstance(records[0], RejectedRecord)
    assert "expected DCSA Track & Trace events" in records[0].reason


def test_text_after_the_wrapper_and_a_trailing_comma_are_refused_where_they_are() -> None:
    (after,) = read_dcsa_json('{"events": []} x')
    assert after == RejectedRecord(
        "line 1, column 16", "not JSON: unexpected text after the document"
    )
    (comma,) = read_dcsa_json('{"events": [],\n}')
    assert comma == RejectedRecord("line 1, column 14", "not JSON: a comma before '}' is not JSON")


def test_a_text_with_a_lone_surrogate_is_one_rejection() -> None:
    (record,) = read_dcsa_json('{"events": ["\ud800"]}')
    assert record == RejectedRecord("file", "not JSON: character 14 is not Unicode text")
