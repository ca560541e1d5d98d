"""The prose rules of DCSA TNT 3.0.0 events, their facts, and which version of an event wins."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from tests.tnt_samples import (
    BOOKING,
    TD,
    changed,
    container,
    equipment_event,
    retraction,
    shipment_event,
    transport_event,
)

from corridor.domain.tnt_event import (
    Decision,
    EventRuleError,
    Version,
    check_event,
    decide,
    origin_of,
    parse_date_time,
)


def refused(event: dict[str, Any]) -> EventRuleError:
    with pytest.raises(EventRuleError) as caught:
        check_event(event)
    return caught.value


def test_an_equipment_event_yields_the_facts_the_store_indexes() -> None:
    facts = check_event(equipment_event())
    assert facts.event_id == "evt-qzh-load-1"
    assert facts.origin == ""
    assert not facts.retracted
    assert (facts.event_type, facts.classifier, facts.subtype) == ("EQUIPMENT", "ACTUAL", "LOADED")
    assert facts.updated_at == dt.datetime(2026, 3, 4, 10, 5, tzinfo=dt.UTC)
    assert facts.event_at == dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
    assert facts.un_location == "CNQZH"
    assert facts.equipment_reference == container(1)
    assert facts.documents == (("TRANSPORT_DOCUMENT", TD), ("BOOKING", BOOKING))
    assert facts.transport_call_reference == "TC-QZH-2610S"
    assert (facts.vessel_imo, facts.voyage, facts.service_code) == ("9321483", "2610S", "QZS")
    assert facts.mode_of_transport == "VESSEL"
    assert facts.shipment_document_type is None


def test_a_shipment_events_primary_document_type_is_its_2_2_document_type() -> None:
    facts = check_event(shipment_event())
    assert facts.shipment_document_type == "TRANSPORT_DOCUMENT"
    assert facts.documents == (("TRANSPORT_DOCUMENT", TD),)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("eventID",), "eventID"),
        (("eventUpdatedDateTime",), "eventUpdatedDateTime"),
        (("eventDateTime",), "eventDateTime"),
        (("eventClassification",), "eventClassification"),
        (("eventClassification", "eventType"), "eventClassification.eventType"),
        (("eventClassification", "eventClassifier"), "eventClassification.eventClassifier"),
        (("eventClassification", "equipmentEventType"), "eventClassification.equipmentEventType"),
        (("equipmentDetails", "equipmentReference"), "equipmentDetails.equipmentReference"),
        (("equipmentDetails",), "equipmentDetails.equipmentReference"),
    ],
)
def test_each_required_member_is_named_when_missing(path: tuple[str, ...], field: str) -> None:
    event = equipment_event()
    node = event
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    error = refused(event)
    assert error.field == field
    assert "required" in error.reason


def test_a_shipment_event_needs_its_document() -> None:
    event = shipment_event()
    del event["shipmentDetails"]
    assert refused(event).field == "shipmentDetails.documentReference"


def test_a_sub_type_of_another_event_type_is_refused() -> None:
    event = equipment_event()
    event["eventClassification"]["transportEventType"] = "ARRIVED"
    error = refused(event)
    assert error.field == "eventClassification.transportEventType"
    assert "TRANSPORT events" in error.reason


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ("CQLU0000018", "check digit"),  # the first ten characters give 1... not 8
        ("cqlu0000011", "ISO 6346 container number"),
        ("CQLX0000011", "ISO 6346 container number"),  # X is not a category
        ("TRAILER-7", "ISO 6346 container number"),
    ],
)
def test_container_numbers_follow_iso_6346(reference: str, why: str) -> None:
    assert container(1) != reference
    event = equipment_event(equipment=reference)
    error = refused(event)
    assert error.field == "equipmentDetails.equipmentReference"
    assert why in error.reason


def test_the_dcsa_example_container_passes() -> None:
    assert check_event(equipment_event(equipment="APZU4812090")).equipment_reference


@pytest.mark.parametrize("code", ["CNQZ", "cnqzh", "CNQZ1", "CN-QZ"])
def test_un_location_codes_have_the_un_locode_shape(code: str) -> None:
    error = refused(equipment_event(where=code))
    assert error.field == "eventLocation.UNLocationCode"
    assert "UN/LOCODE" in error.reason


def test_country_codes_are_two_capital_letters() -> None:
    event = equipment_event()
    event["eventLocation"]["address"] = {"countryCode": "cn"}
    assert refused(event).field == "eventLocation.address.countryCode"
    event = equipment_event()
    event["transportDetails"]["transportCall"]["vesselTransport"]["vesselFlag"] = "CHN"
    assert refused(event).field == "transportDetails.transportCall.vesselTransport.vesselFlag"


@pytest.mark.parametrize(
    ("where", "item", "field"),
    [
        ("additionalDocumentReferences", {"type": "BOOKING"}, "reference"),
        ("additionalDocumentReferences", {"reference": "X1"}, "type"),
        ("shipmentReferences", {"type": "SHIPPERS_REFERENCE", "reference": " "}, "reference"),
    ],
)
def test_references_need_type_and_value(where: str, item: dict[str, str], field: str) -> None:
    event = equipment_event()
    event["shipmentDetails"][where] = [item]
    assert refused(event).field == f"shipmentDetails.{where}[0].{field}"


def test_control_characters_are_refused_in_keys() -> None:
    assert refused(changed(equipment_event(), eventID="evt\x001")).field == "eventID"
    event = equipment_event(document="TD\n1")
    assert refused(event).field == "shipmentDetails.documentReference.reference"


def test_a_seal_needs_its_number() -> None:
    event = equipment_event()
    event["equipmentDetails"]["seals"] = [{"type": "BOLT"}]
    assert refused(event).field == "equipmentDetails.seals[0].number"


def test_overlong_indexed_values_are_refused_with_the_limit() -> None:
    event = transport_event()
    event["transportDetails"]["transportCall"]["transportCallReference"] = "T" * 101
    error = refused(event)
    assert error.field == "transportDetails.transportCall.transportCallReference"
    assert "at most 100" in error.reason


def test_a_retraction_needs_only_its_event_id() -> None:
    facts = check_event(retraction("evt-qzh-load-1"))
    assert facts.retracted
    assert facts.updated_at is None
    assert facts.event_type is None
    dated = check_event(retraction("evt-qzh-load-1", "2026-03-05T00:00:00+08:00"))
    assert dated.updated_at == dt.datetime(2026, 3, 4, 16, 0, tzinfo=dt.UTC)


def test_the_key_includes_the_originating_parties_in_any_order() -> None:
    a = {"partyCode": "WLSM", "codeListProvider": "SMDG", "codeListName": "LCL"}
    b = {"partyCode": "913", "codeListProvider": "ZZZ", "codeListName": "X"}
    first = changed(equipment_event(), eventRouting={"originatingParties": [a, b]})
    second = changed(equipment_event(), eventRouting={"originatingParties": [b, a]})
    assert origin_of(first) == origin_of(second) != ""
    assert len(origin_of(first)) == 64
    other = changed(equipment_event(), eventRouting={"originatingParties": [a]})
    assert origin_of(other) != origin_of(first)
    assert origin_of(equipment_event()) == ""


def test_date_times_need_an_offset() -> None:
    assert parse_date_time("2026-03-02t08:00:00z", "x") == dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    with pytest.raises(EventRuleError, match="UTC offset"):
        parse_date_time("2026-03-02T08:00:00", "eventDateTime")


# Which version wins ---------------------------------------------------------------------------

T1 = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
T2 = T1 + dt.timedelta(hours=1)


def live(at: dt.datetime | None, content: bytes = b"a") -> Version:
    return Version(False, at, content)


def marker(at: dt.datetime | None, content: bytes = b"r") -> Version:
    return Version(True, at, content)


@pytest.mark.parametrize(
    ("stored", "incoming", "expected"),
    [
        (None, live(T1), Decision.STORE),
        (None, marker(None), Decision.STORE),
        (live(T1), live(T1), Decision.DUPLICATE),
        (live(T1), live(T2, b"b"), Decision.UPDATE),
        (live(T2), live(T1, b"b"), Decision.SUPERSEDED),
        (live(T1), live(T1, b"b"), Decision.CONFLICT),
        (live(T1), marker(None), Decision.RETRACT),
        (live(T1), marker(T1), Decision.RETRACT),
        (live(T1), marker(T2), Decision.RETRACT),
        (live(T2), marker(T1), Decision.SUPERSEDED),
        (marker(T1), marker(T2, b"s"), Decision.DUPLICATE),
        (marker(T1), live(T2, b"b"), Decision.UPDATE),
        (marker(T2), live(T1, b"b"), Decision.SUPERSEDED),
        (marker(T1), live(T1, b"b"), Decision.SUPERSEDED),
        (marker(None), live(T2, b"b"), Decision.SUPERSEDED),
    ],
)
def test_the_version_table(stored: Version | None, incoming: Version, expected: Decision) -> None:
    assert decide(stored, incoming) is expected


def test_every_pair_of_versions_has_a_decision_and_never_lets_an_older_live_version_win() -> None:
    versions = [
        kind(at, content)
        for kind in (live, marker)
        for at in (None, T1, T2)
        for content in (b"a", b"b")
        if not (kind is live and at is None)  # a live event always has its time
    ]
    for stored, incoming in itertools.product([None, *versions], versions):
        decision = decide(stored, incoming)
        assert isinstance(decision, Decision)
        if stored is not None and decision in (Decision.UPDATE, Decision.RETRACT):
            older = (
                incoming.updated_at is not None
                and stored.updated_at is not None
                and incoming.updated_at < stored.updated_at
            )
            assert not older, (stored, incoming)
