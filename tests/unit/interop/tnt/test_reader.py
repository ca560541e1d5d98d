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


def test_text_that_is_not_json_is_one_rejection_with_its_line() -> None:
    records = list(read_dcsa_json('{"events": [\n  {"eventID": "a"},\n  oops\n]}'))
    assert len(records) == 1
    assert isinstance(records[0], RejectedRecord)
    assert records[0].where.startswith("line 3")
    assert records[0].reason.startswith("not JSON")


def test_json_of_another_shape_is_one_rejection() -> None:
    records = list(read_dcsa_json('{"transportDocument": {}}'))
    assert len(records) == 1
    assert isinstance(records[0], RejectedRecord)
    assert "expected DCSA Track & Trace events" in records[0].reason
