"""The demo corridor's tracking events: valid DCSA TNT 3.0.0, and the story they tell.

Every event is checked with ``jsonschema`` against the vendored ``TNT_v3.0.0.yaml``
(``components.schemas.Event``, resolved through ``schema_loader.registry``), with no property the
schema does not define, every code on the spec's closed lists, and the rules the event store
applies (``domain.tnt_event.check_event``): so they can be loaded into the store as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from tests.unit.interop.v22_check import v22_problems

from corridor.domain.equipment import is_valid_container_number
from corridor.domain.journey import LegStatus
from corridor.domain.tnt_event import check_event
from corridor.domain.tnt_vocabulary import (
    CLASSIFIERS,
    DOCUMENT_TYPES,
    EMPTY_INDICATORS,
    EQUIPMENT_EVENT_TYPES,
    EVENT_TYPES,
    FACILITY_TYPES,
    MODES_OF_TRANSPORT,
    TRANSPORT_EVENT_TYPES,
    TRANSPORT_PHASES,
)
from corridor.domain.transport_document import parse_transport_document
from corridor.interop.dcsa.schema import validate_transport_document_schema
from corridor.interop.dcsa.schema_loader import (
    TNT30_SPEC_FILE,
    component_schemas,
    registry,
    spec_uri,
)
from corridor.services.demo import DEMO_DOCUMENTS
from corridor.services.demo_events import (
    DemoJourney,
    all_journeys,
    container_numbers,
    corridor_journeys,
    demo_events,
    history_journeys,
)
from corridor.services.journeys import (
    JourneyRecord,
    JourneySources,
    corridor_summary,
    journey_view,
    learn_history,
)

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or DATE_TIME.fullmatch(value) is not None


EVENT = Draft4Validator(
    {"$ref": f"{spec_uri(TNT30_SPEC_FILE)}#/components/schemas/Event"},
    registry=registry(),
    format_checker=FORMATS,
)
SCHEMAS = component_schemas(TNT30_SPEC_FILE)


def _properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A schema's properties, through ``$ref`` and ``allOf`` (the TNT spec's only combinators)."""
    if "$ref" in schema:
        return _properties(SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]])
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", ()):
        found.update(_properties(part))
    return found


def _unknown(instance: object, schema: Mapping[str, Any], where: str) -> Iterator[str]:
    """Property names the spec does not define (it allows them, so jsonschema cannot tell)."""
    if isinstance(instance, dict):
        known = _properties(schema)
        for name, value in instance.items():
            if name not in known:
                yield f"{where}/{name}"
            else:
                yield from _unknown(value, known[name], f"{where}/{name}")
    elif isinstance(instance, list):
        items = schema.get("items", {})
        for index, value in enumerate(instance):
            yield from _unknown(value, items, f"{where}/{index}")


def _codes(event: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    classification = event["eventClassification"]
    location = event["eventLocation"]
    pairs = [
        (classification["eventType"], EVENT_TYPES),
        (classification["eventClassifier"], CLASSIFIERS),
        (location["facilityType"], FACILITY_TYPES),
        (event["shipmentDetails"]["documentReference"]["type"], DOCUMENT_TYPES),
    ]
    if "transportEventType" in classification:
        pairs.append((classification["transportEventType"], TRANSPORT_EVENT_TYPES))
    if "equipmentEventType" in classification:
        pairs.append((classification["equipmentEventType"], EQUIPMENT_EVENT_TYPES))
    call = event.get("transportDetails", {}).get("transportCall")
    if call is not None:
        pairs.append((call["modeOfTransport"], MODES_OF_TRANSPORT))
    equipment = event.get("equipmentDetails")
    if equipment is not None:
        pairs.append((equipment["emptyIndicator"], EMPTY_INDICATORS))
        pairs.append((equipment["transportPhase"], TRANSPORT_PHASES))
    return pairs


def test_every_event_validates_against_the_vendored_tnt_3_schema() -> None:
    events = list(demo_events(NOW))
    assert len(events) > 400
    for event in events:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in EVENT.iter_errors(event)]
        assert errors == [], (event["eventID"], errors)
        assert list(_unknown(event, SCHEMAS["Event"], "")) == [], event["eventID"]
        for value, allowed in _codes(event):
            assert value in allowed, (event["eventID"], value)
        facts = check_event(event)  # the event store's own rules
        assert facts.event_id == event["eventID"]


def test_every_event_is_served_over_tnt_2_2_with_its_transport_call() -> None:
    for journey in all_journeys(NOW, count=3):
        calls: dict[tuple[str, str], set[str]] = {}
        for event in journey.events:
            assert v22_problems(event) == [], event["eventID"]
            call = event.get("transportDetails", {}).get("transportCall")
            if call is not None:
                key = (call["modeOfTransport"], event["eventLocation"]["UNLocationCode"])
                calls.setdefault(key, set()).add(call["transportCallReference"])
        # loading and departure, estimated and actual arrival, discharge: one reference a call
        assert all(len(references) == 1 for references in calls.values()), journey.reference
        assert len({reference for refs in calls.values() for reference in refs}) == len(calls)
        assert ("RAIL", "CNCQI") in calls
        assert ("VESSEL", "CNQZH") in calls or journey.reference == "WLSM26CQSG0101"


def test_the_schema_check_is_not_vacuous() -> None:
    event = next(demo_events(NOW))
    assert list(EVENT.iter_errors({**event, "eventDateTime": "2 March"})) != []
    assert list(EVENT.iter_errors({**event, "eventClassification": "ACTUAL"})) != []
    assert list(_unknown({**event, "eventClasification": {}}, SCHEMAS["Event"], "")) == [
        "/eventClasification"
    ]


def test_containers_are_iso_6346_and_never_shared_between_journeys() -> None:
    journeys = all_journeys(NOW)
    owners: dict[str, str] = {}
    for journey in journeys:
        assert len(journey.containers) == 2
        for box in journey.containers:
            assert is_valid_container_number(box), box
            assert owners.setdefault(box, journey.reference) == journey.reference, box
        for event in journey.events:
            box = event.get("equipmentDetails", {}).get("equipmentReference")
            assert box is None or box in journey.containers
    assert container_numbers(458240, 3) == ("WLMU4582407", "WLMU4582412", "WLMU4582428")


def test_the_corridor_documents_are_the_demo_documents_and_valid_ebls() -> None:
    journeys = corridor_journeys(NOW)
    assert [j.reference for j in journeys] == [d.reference for d in DEMO_DOCUMENTS]
    assert journeys[0].containers == ("WLMU4582011", "WLMU4582177")  # the demo bill's own
    for journey in [*journeys, *history_journeys(NOW, count=3)]:
        validate_transport_document_schema(journey.document)
        parsed = parse_transport_document(journey.document)
        assert parsed.transport_document_reference == journey.reference
        for event in journey.events:
            assert event["shipmentDetails"]["documentReference"]["reference"] == journey.reference
    not_sailed = journeys[0].document
    assert not_sailed["isShippedOnBoardType"] is False
    assert "shippedOnBoardDate" not in not_sailed
    assert journeys[2].document["shippedOnBoardDate"] == "2026-02-27"


def _statuses(journey: DemoJourney, now: dt.datetime) -> tuple[list[LegStatus], list[str]]:
    view = journey_view(
        journey.document, journey.events, learn_history(JourneySources(), now).durations, now
    )
    return [leg.status for leg in view.journey.legs], [a.message for a in view.alerts]


@pytest.mark.parametrize("time_of_day", ["00:00", "08:00", "23:59"])
def test_each_container_is_at_its_point_with_exactly_one_overdue_alert(time_of_day: str) -> None:
    now = dt.datetime.fromisoformat(f"2026-03-02T{time_of_day}:00+00:00")
    planned, waiting, moving, done = (
        LegStatus.PLANNED,
        LegStatus.DWELLING,
        LegStatus.IN_PROGRESS,
        LegStatus.COMPLETED,
    )
    expected = [
        [moving, planned],  # on the train
        [done, waiting],  # at Qinzhou, the vessel overdue
        [done, moving],  # on the vessel
        [done, done],  # discharged
        [done, done],  # delivered
    ]
    alerts: list[str] = []
    for journey, legs in zip(corridor_journeys(now), expected, strict=True):
        statuses, messages = _statuses(journey, now)
        assert statuses == legs, journey.reference
        alerts += messages
    assert len(alerts) == 1
    assert alerts[0].startswith("No vessel departure from Qinzhou (CNQZH) ")
    assert "the carrier now estimates 2026-03-03 06:00 UTC" in alerts[0]


@pytest.mark.parametrize("hour", [0, 13, 23])
def test_nothing_is_reported_after_now(hour: int) -> None:
    now = dt.datetime(2026, 7, 15, hour, 30, tzinfo=dt.UTC)
    for event in demo_events(now):
        updated = dt.datetime.fromisoformat(event["eventUpdatedDateTime"])
        assert updated <= now, event["eventID"]
        if event["eventClassification"]["eventClassifier"] == "ACTUAL":
            assert dt.datetime.fromisoformat(event["eventDateTime"]) <= now


def test_event_ids_are_unique_but_for_one_corrected_version() -> None:
    ids = Counter(event["eventID"] for event in demo_events(NOW))
    repeated = [event_id for event_id, n in ids.items() if n > 1]
    assert repeated == ["WLSM26CQSG0103-vessel-departure-vessel-ACT"]
    versions = [e for e in demo_events(NOW) if e["eventID"] == repeated[0]]
    assert versions[0]["eventUpdatedDateTime"] < versions[1]["eventUpdatedDateTime"]


def test_the_generator_is_pure() -> None:
    assert list(demo_events(NOW)) == list(demo_events(NOW))
    assert history_journeys(NOW, 5, seed=1) != history_journeys(NOW, 5, seed=2)
    with pytest.raises(ValueError, match="aware"):
        corridor_journeys(dt.datetime(2026, 3, 2, 8, 0))
    with pytest.raises(ValueError, match="negative"):
        history_journeys(NOW, -1)


def test_the_history_has_realistic_spread() -> None:
    history = history_journeys(NOW)
    assert len(history) == 30
    records = [JourneyRecord(j.document, j.events) for j in history]
    learned = learn_history(JourneySources(history=lambda: records), NOW)
    assert all(journey.is_complete for journey in learned.journeys)
    summary = corridor_summary(learned.journeys, NOW)
    hours = dt.timedelta(hours=1)
    rail = next(s for k, s in summary.transit.items() if k.mode == "RAIL")
    sea = next(s for k, s in summary.transit.items() if k.mode == "VESSEL")
    assert rail.count == sea.count == 30
    assert 40 * hours <= rail.median <= 56 * hours
    assert 130 * hours <= sea.median <= 160 * hours
    assert rail.p90 - rail.p10 >= 6 * hours
    assert sea.p90 - sea.p10 >= 6 * hours
    dwell = summary.dwell.summary
    assert dwell is not None
    assert 12 * hours <= dwell.minimum
    assert dwell.maximum <= 72 * hours
    assert len([b for b in summary.dwell.bins if b.count]) >= 4
    shares = {k.mode: s.share for k, s in summary.on_time.items()}
    assert 0.0 < shares["VESSEL"] < 1.0
    departures = sorted(j.document["transports"]["plannedDepartureDate"] for j in history)
    assert len(set(departures)) == 30
    assert departures[-1] == "2026-01-31"
