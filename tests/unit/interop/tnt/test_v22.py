"""TNT 2.2 <-> TNT 3.0.0: the examples convert, come back as they were (less what is documented
as lost), and whatever is served as 2.2 validates against the vendored TNT 2.2 schema."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.tnt_samples import (
    equipment_event,
    retraction,
    shipment_event,
    transport_event,
    v22_examples,
    v30_examples,
)

from corridor.domain import tnt_v22_scope as scope
from corridor.domain.tnt_event import EventRuleError
from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT22_SPEC_FILE, TNT30_SPEC_FILE, component_schemas
from corridor.interop.dcsa.tnt import codes
from corridor.interop.dcsa.tnt.v22_in import V22_EVENT_SCHEMAS, from_v22
from corridor.interop.dcsa.tnt.v22_out import to_v22
from corridor.interop.dcsa.tnt.validate import check_tnt_event


def v22_errors(event: dict[str, Any]) -> list[str]:
    return schema_errors(TNT22_SPEC_FILE, V22_EVENT_SCHEMAS[event["eventType"]], event)


def _without_documented_losses(event: dict[str, Any]) -> dict[str, Any]:
    """The 2.2 example less what v22_in's docstring lists as lost."""
    kept = copy.deepcopy(event)
    address = kept.get("eventLocation", {}).get("address")
    if address is not None:
        address.pop("name", None)
        if len(address.get("country", "")) != 2:
            address.pop("country", None)
    if kept["eventType"] == "EQUIPMENT" and "transportCall" in kept:
        for lost in (
            "UNLocationCode",
            "facilityCode",
            "facilityCodeListProvider",
            "facilityTypeCode",
            "otherFacility",
            "location",
        ):
            kept["transportCall"].pop(lost, None)
    return kept


@pytest.mark.parametrize("index", range(7))
def test_each_2_2_example_converts_and_comes_back(index: int) -> None:
    original = v22_examples()[index]
    converted = from_v22(original)
    assert schema_errors(TNT30_SPEC_FILE, "Event", converted) == []
    event, facts = check_tnt_event(converted)
    assert facts.event_type == original["eventType"]
    back = to_v22(event)
    assert back is not None
    assert v22_errors(back) == []
    assert back == _without_documented_losses(original)


def test_the_2_2_mapping_in_detail() -> None:
    transport = from_v22(v22_examples()[0])
    assert transport["eventUpdatedDateTime"] == "2021-01-23T12:34:56Z"
    assert transport["eventClassification"] == {
        "eventType": "TRANSPORT",
        "eventClassifier": "ACTUAL",
        "transportEventType": "ARRIVED",
    }
    assert transport["reason"] == "Bad weather"
    call = transport["transportDetails"]["transportCall"]
    assert call["transportCallReference"] == "123e4567-e89b-12d3-a456-426614174000"
    assert call["vesselTransport"]["vesselCallSign"] == "NCVV"
    assert transport["eventLocation"]["facilityType"] == "PORT_TERMINAL"
    assert transport["eventLocation"]["facility"]["facilityName"] == "Depot location or address"
    assert transport["shipmentDetails"]["documentReference"] == {
        "type": "BOOKING",
        "reference": "ABC123123123",
    }
    shipment = from_v22(v22_examples()[1])
    assert shipment["shipmentDetails"]["documentReference"] == {
        "type": "SHIPPING_INSTRUCTIONS",
        "reference": "reserved-HHL123",
    }
    assert shipment["shipmentDetails"]["shipmentReferences"][0]["type"] == (
        "FREIGHT_FORWARDERS_REFERENCE"
    )
    equipment = from_v22(v22_examples()[2])
    assert equipment["equipmentDetails"]["seals"] == [
        {"number": "string", "type": "WIRE", "source": "CUSTOMS"}
    ]
    assert equipment["eventLocation"]["address"]["addressLines"] == ["Henrik", "Denmark"]


@pytest.mark.parametrize(
    ("member", "value", "field"),
    [
        ("eventType", "IOT", "eventType"),
        ("eventClassifierCode", "XYZ", "eventClassifierCode"),
        ("transportEventTypeCode", "ARRX", "transportEventTypeCode"),
    ],
)
def test_2_2_refusals_name_the_2_2_field(member: str, value: str, field: str) -> None:
    with pytest.raises(EventRuleError) as caught:
        from_v22({**v22_examples()[0], member: value})
    assert caught.value.field == field


def test_what_2_2_cannot_express_is_not_served() -> None:
    assert to_v22(retraction("x")) is None
    for raw in v30_examples():
        event, facts = check_tnt_event(raw)
        rendered = to_v22(event)
        if facts.event_type in ("IOT", "REEFER"):
            assert rendered is None
        else:
            assert rendered is not None
            assert v22_errors(rendered) == []
    pending = shipment_event(kind="PENDING_SURRENDER_FOR_DELIVERY")
    assert to_v22(pending) is None
    multimodal = transport_event(mode="MULTIMODAL")
    assert to_v22(multimodal) is None
    released = equipment_event(kind="CUSTOMS_RELEASED")
    assert to_v22(released) is None


def test_the_2_2_scope_the_store_queries_is_the_2_2_code_lists() -> None:
    """``domain.tnt_v22_scope`` (the store's query) and ``to_v22`` (the codes) say the same."""
    assert set(scope.SHIPMENT_EVENT_TYPES) == set(codes.SHIPMENT_EVENT_V22.values())
    assert set(scope.DOCUMENT_TYPES) == set(codes.DOCUMENT_TYPE_V22.values())
    assert set(scope.TRANSPORT_EVENT_TYPES) == set(codes.TRANSPORT_EVENT.values())
    assert set(scope.EQUIPMENT_EVENT_TYPES) == set(codes.EQUIPMENT_EVENT.values())
    modes = component_schemas(TNT22_SPEC_FILE)["modeOfTransport"]["enum"]
    assert set(scope.MODES_OF_TRANSPORT) == set(modes)
    assert len(scope.SHIPMENT_EVENT_TYPES) == 15
    assert len(scope.DOCUMENT_TYPES) == len(codes.DOCUMENT_TYPE_V22)


def test_values_over_2_2_limits_are_left_out_not_cut() -> None:
    event = equipment_event()
    call = event["transportDetails"]["transportCall"]
    call["serviceCodeOrReference"] = {"carrierServiceCode": "SERVICE6"}
    call["vesselTransport"]["vesselName"] = "V" * 40
    event["eventLocation"]["geoCoordinate"] = {"latitude": "21.68123456789", "longitude": "108.6"}
    rendered = to_v22(event)
    assert rendered is not None
    assert v22_errors(rendered) == []
    assert "carrierServiceCode" not in rendered["transportCall"]
    assert "vesselName" not in rendered["transportCall"]["vessel"]
    assert "latitude" not in rendered["eventLocation"]
    assert rendered["eventLocation"]["longitude"] == "108.6"


words = st.sampled_from(["x", "CNQZH", "T" * 60, "2610S", "A" * 12, "SMDG", "NMFTA", "9321483"])


@st.composite
def stored_events(draw: st.DrawFn) -> dict[str, Any]:
    """Valid TNT 3.0.0 events of every type, with optional members drawn at random."""
    base = draw(st.sampled_from([equipment_event(), transport_event(), shipment_event()]))
    event = copy.deepcopy(base)
    call = event.get("transportDetails", {}).get("transportCall")
    if call is not None:
        call["modeOfTransport"] = draw(
            st.sampled_from(["VESSEL", "RAIL", "TRUCK", "BARGE", "MULTIMODAL"])
        )
        vessel = call.setdefault("vesselTransport", {})
        vessel["vesselIMONumber"] = draw(st.sampled_from(["9321483", "93214830"]))
        vessel["operatorCarrierCodeListProvider"] = draw(words.filter(lambda w: len(w) <= 10))
        vessel["vesselName"] = draw(words)
    location = event.setdefault("eventLocation", {})
    location["facility"] = {"facilityName": draw(words), "facilityCode": "ADT"}
    location["facilityType"] = draw(st.sampled_from(["DEPOT", "WAYPOINT", "RAMP"]))
    event["reason"] = draw(st.sampled_from(["late", "r" * 250]))
    return event


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(stored_events())
def test_whatever_is_served_as_2_2_validates_against_tnt_2_2(event: dict[str, Any]) -> None:
    try:
        checked, _ = check_tnt_event(event)
    except EventRuleError:
        assume(False)  # not a storable event (a drawn value breaks TNT 3.0.0)
        return
    rendered = to_v22(checked)
    if rendered is not None:
        assert v22_errors(rendered) == []
