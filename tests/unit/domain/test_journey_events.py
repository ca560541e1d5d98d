"""Reading DCSA TNT 3.0 events for the journey (``corridor.domain.tracking_event``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from tests.unit.domain.test_journey_fixtures import BOX_1, VECTORS, at, event, retraction

from corridor.domain.tracking_event import (
    Classifier,
    MilestoneKind,
    Mode,
    current_events,
    parse_timestamp,
    read_tracking_event,
)
from corridor.errors import MalformedInputError


@pytest.mark.parametrize("short", [False, True])
@pytest.mark.parametrize(
    ("code", "milestone"),
    [
        ("DEPA", MilestoneKind.DEPARTURE),
        ("ARRI", MilestoneKind.ARRIVAL),
        ("GTIN", MilestoneKind.GATE_IN),
        ("LOAD", MilestoneKind.LOAD),
        ("DISC", MilestoneKind.DISCHARGE),
        ("GTOT", None),
    ],
)
def test_both_vocabularies_give_the_same_milestone(
    code: str, milestone: MilestoneKind | None, short: bool
) -> None:
    raw = event("e1", code, "03-12 12:00", "cnqzh", mode="VESSEL", box=BOX_1, short_codes=short)
    read = read_tracking_event(raw)
    assert read.milestone is milestone
    assert read.classifier is Classifier.ACTUAL
    assert read.location == "CNQZH"
    assert read.mode is Mode.VESSEL
    assert read.equipment_reference == BOX_1
    assert read.event_time == at("03-12 12:00")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ACT", Classifier.ACTUAL),
        ("EST", Classifier.ESTIMATED),
        ("PLN", Classifier.PLANNED),
    ],
)
def test_classifiers(given: str, expected: Classifier) -> None:
    raw = event("e", "ARRI", "03-18 12:00", "SGSIN", classifier=given)
    assert read_tracking_event(raw).classifier is expected


def test_voyages_from_export_and_import_references() -> None:
    raw = event("e", "DEPA", "03-12 12:00", "CNQZH", mode="VESSEL", voyage="2611S")
    raw["transportDetails"]["transportCall"]["importVoyageNumberOrReference"] = {
        "universalVoyageReference": "2611N"
    }
    assert read_tracking_event(raw).voyages == {"2611S", "2611N"}


def test_an_empty_container_moves_no_cargo() -> None:
    raw = event("e", "LOAD", "03-12 07:00", "CNQZH", box=BOX_1, empty=True)
    assert read_tracking_event(raw).milestone is None


def test_events_known_since() -> None:
    act = read_tracking_event(event("a", "DEPA", "03-12 12:00", "CNQZH", updated="03-12 13:00"))
    assert act.known_since == at("03-12 13:00")
    bare = event("b", "DEPA", "03-12 12:00", "CNQZH")
    del bare["eventUpdatedDateTime"]
    assert read_tracking_event(bare).known_since == at("03-12 12:00")
    estimate = event("c", "ARRI", "03-18 12:00", "SGSIN", classifier="EST")
    del estimate["eventUpdatedDateTime"]
    assert read_tracking_event(estimate).known_since is None


def test_a_retraction_needs_only_its_id() -> None:
    read = read_tracking_event(retraction("gone"))
    assert read.retracted
    assert read.event_id == "gone"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.pop("eventDateTime"), "events\\[3\\]/eventDateTime: expected an RFC 3339"),
        (lambda e: e.update(eventDateTime="12/03/2026"), "is not an RFC 3339 date-time"),
        (lambda e: e.update(eventDateTime="2026-03-12T12:00:00"), "has no UTC offset"),
        (lambda e: e.update(eventUpdatedDateTime="soon"), "eventUpdatedDateTime"),
        (
            lambda e: e["transportDetails"]["transportCall"].update(modeOfTransport="CAMEL"),
            "modeOfTransport: 'CAMEL' is not a DCSA mode",
        ),
    ],
)
def test_unreadable_events_name_the_field(mutate: Any, message: str) -> None:
    raw = event("e", "DEPA", "03-12 12:00", "CNQZH", mode="VESSEL")
    mutate(raw)
    with pytest.raises(MalformedInputError, match=message):
        read_tracking_event(raw, "events[3]")


def test_an_event_must_be_an_object() -> None:
    with pytest.raises(MalformedInputError, match="JSON object"):
        read_tracking_event(["not", "an", "event"])  # type: ignore[arg-type]


def test_parse_timestamp_keeps_the_offset() -> None:
    parsed = parse_timestamp("2026-03-12T20:00:00+08:00", "x")
    assert parsed == at("03-12 12:00")


@pytest.mark.parametrize(
    "name",
    [
        "tnt300-response.json",
        "tnt300-request-equipment.json",
        "tnt300-request-transport.json",
        "tnt300-request-shipment.json",
    ],
)
def test_dcsa_published_examples_are_readable(name: str) -> None:
    events = json.loads((VECTORS / "examples" / name).read_text())["events"]
    read = [read_tracking_event(e) for e in events]
    assert all(e.event_time is not None and e.event_time.tzinfo for e in read)
    by_id = {e.event_id: e for e in read}
    if "evt-resp-trans-001" in by_id:
        departure = by_id["evt-resp-trans-001"]
        assert (departure.milestone, departure.location, departure.mode) == (
            MilestoneKind.DEPARTURE,
            "GBSOU",
            Mode.VESSEL,
        )
        # An empty container gated in is not cargo moving; shipment events are no milestones.
        assert by_id["evt-resp-equip-001"].milestone is None
        assert by_id["evt-resp-ship-001"].milestone is None


def ids(events: list[Any]) -> list[str | None]:
    return sorted(e.event_id for e in events)


def test_the_latest_version_of_an_event_wins() -> None:
    first = event("dep", "DEPA", "03-12 12:00", "CNQZH", updated="03-12 12:05")
    corrected = event("dep", "DEPA", "03-12 14:00", "CNQZH", updated="03-12 15:00")
    for order in ([first, corrected], [corrected, first]):
        current, ignored = current_events(order)
        assert [e.event_time for e in current] == [at("03-12 14:00")]
        assert ignored == []


def test_a_retraction_drops_this_and_earlier_versions() -> None:
    raw = event("dep", "DEPA", "03-12 12:00", "CNQZH", updated="03-12 12:05")
    current, ignored = current_events([raw, retraction("dep", "03-12 18:00")])
    assert current == []
    assert [(i.event_id, i.reason) for i in ignored] == [("dep", "retracted by its producer")]
    # At the same update time the retraction wins; undated, it always does; a later
    # re-publication with the same id comes back.
    assert current_events([raw, retraction("dep", "03-12 12:05")])[0] == []
    assert current_events([raw, retraction("dep")])[0] == []
    again = event("dep", "DEPA", "03-12 13:00", "CNQZH", updated="03-13 00:00")
    current, _ = current_events([raw, retraction("dep", "03-12 18:00"), again])
    assert [e.event_time for e in current] == [at("03-12 13:00")]


def test_event_ids_are_per_originating_party() -> None:
    a = event("same-id", "DEPA", "03-12 12:00", "CNQZH")
    b = event("same-id", "ARRI", "03-11 10:00", "CNQZH")
    a["eventRouting"] = {"originatingParties": [{"partyCode": "WLSM", "codeListProvider": "NMFTA"}]}
    b["eventRouting"] = {"originatingParties": [{"partyCode": "QZPT", "codeListProvider": "SMDG"}]}
    assert len(current_events([a, b])[0]) == 2


def test_events_without_id_are_all_kept_and_unreadable_ones_reported() -> None:
    a = event("x", "DEPA", "03-12 12:00", "CNQZH")
    b = event("x", "ARRI", "03-18 12:00", "SGSIN")
    del a["eventID"], b["eventID"]
    bad = event("bad", "DEPA", "03-12 12:00", "CNQZH")
    bad["eventDateTime"] = "yesterday"
    current, ignored = current_events([a, b, bad])
    assert len(current) == 2
    assert [i.event_id for i in ignored] == ["bad"]
    assert "RFC 3339" in ignored[0].reason


def test_a_timestamp_must_be_aware() -> None:
    with pytest.raises(MalformedInputError):
        parse_timestamp(dt.datetime(2026, 3, 12), "x")
