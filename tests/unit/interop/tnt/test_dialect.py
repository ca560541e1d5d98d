"""The code dialect of DCSA's TNT 3.0 examples, read as TNT 3.0.0 words."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.tnt_samples import equipment_event, example, v30_examples

from corridor.domain.tnt_event import EventRuleError
from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT30_SPEC_FILE
from corridor.interop.dcsa.tnt.dialect import normalise
from corridor.interop.dcsa.tnt.validate import check_tnt_event


def response_event(event_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        e for e in example("tnt300-response.json")["events"] if e["eventID"] == event_id
    )
    return copy.deepcopy(found)


def test_every_dcsa_3_0_example_becomes_a_valid_tnt_3_0_0_event() -> None:
    for raw in v30_examples():
        event, facts = check_tnt_event(raw)
        assert schema_errors(TNT30_SPEC_FILE, "Event", event) == []
        assert "eventTypeCode" not in event["eventClassification"]
        assert facts.event_type in ("SHIPMENT", "TRANSPORT", "EQUIPMENT", "IOT", "REEFER")


def test_the_equipment_example_in_words() -> None:
    event = normalise(example("tnt300-request-equipment.json")["events"][0])
    assert event["eventClassification"] == {
        "eventType": "EQUIPMENT",
        "eventClassifier": "ACTUAL",
        "equipmentEventType": "LOADED",
    }
    assert event["eventRouting"] == {
        "originatingParties": [
            {
                "partyCode": "EXCO",
                "codeListProvider": "SMDG",
                "codeListName": "LCL",
                "partyFunction": "CA",
            }
        ]
    }
    assert event["eventLocation"]["facilityType"] == "DEPOT"
    assert "facilityTypeCode" not in event["eventLocation"]
    details = event["equipmentDetails"]
    assert (details["emptyIndicator"], details["transportPhase"]) == ("LADEN", "EXPORT")


def test_document_types_iot_and_reefer_codes() -> None:
    shipment = normalise(response_event("evt-resp-ship-001"))
    assert shipment["shipmentDetails"]["documentReference"] == {
        "type": "BOOKING",
        "reference": "ABC709951",
    }
    assert shipment["shipmentDetails"]["additionalDocumentReferences"][0]["type"] == (
        "TRANSPORT_DOCUMENT"
    )
    assert shipment["eventClassification"]["shipmentEventType"] == "CONFIRMED"
    iot = normalise(response_event("evt-resp-iot-001"))
    assert iot["eventClassification"]["iotEventType"] == "BREADCRUMB"
    assert "iotEventCode" not in iot.get("iotDetails", {})
    reefer = normalise(response_event("evt-resp-reefer-001"))
    assert reefer["eventClassification"]["reeferEventType"] == "MEASURED"


def test_an_unknown_code_is_named_as_sent() -> None:
    raw = response_event("evt-resp-ship-001")
    raw["eventClassification"]["eventClassifierCode"] = "XYZ"
    with pytest.raises(EventRuleError) as caught:
        normalise(raw)
    assert str(caught.value) == (
        "eventClassification.eventClassifierCode: 'XYZ' is not one of PLN, EST, ACT"
    )


def test_a_code_contradicting_its_word_is_refused() -> None:
    raw = response_event("evt-resp-trans-001")
    raw["eventClassification"]["transportEventType"] = "ARRIVED"  # the code says DEPA
    with pytest.raises(EventRuleError, match="transportEventType: 'ARRIVED' contradicts"):
        normalise(raw)


def test_an_iot_detection_needs_its_event_code() -> None:
    raw = response_event("evt-resp-iot-001")
    raw["iotDetails"] = {}
    with pytest.raises(EventRuleError) as caught:
        normalise(raw)
    assert caught.value.field == "iotDetails.iotEventCode"


def test_an_event_in_words_comes_back_untouched() -> None:
    event = equipment_event()
    assert normalise(event) is event


def test_the_input_is_not_modified() -> None:
    raw = response_event("evt-resp-equip-001")
    before = copy.deepcopy(raw)
    normalise(raw)
    assert raw == before
