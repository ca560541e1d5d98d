"""``EventFilter.matches``: the semantics GET /v2/events, GET /events and subscriptions share."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.tnt_samples import (
    BOOKING,
    TD,
    container,
    equipment_event,
    retraction,
    shipment_event,
    transport_event,
)

from corridor.domain.tnt_event import EventFacts, check_event
from corridor.domain.tnt_query import EventFilter

LOADED = check_event(equipment_event())
DEPARTED = check_event(transport_event())
ISSUED = check_event(shipment_event())
RETRACTED = check_event(retraction("evt-qzh-load-1"))


def matching(where: EventFilter) -> set[str]:
    return {
        facts.event_id for facts in (LOADED, DEPARTED, ISSUED, RETRACTED) if where.matches(facts)
    }


def test_no_criterion_matches_every_live_event() -> None:
    assert matching(EventFilter()) == {"evt-qzh-load-1", "evt-cqi-depa-1", "evt-td-issued"}
    assert "evt-qzh-load-1" in matching(EventFilter(include_retracted=True))
    assert EventFilter(include_retracted=True).matches(RETRACTED)


def test_a_list_is_or_and_criteria_are_and() -> None:
    both = EventFilter(event_types=("EQUIPMENT", "TRANSPORT"))
    assert matching(both) == {"evt-qzh-load-1", "evt-cqi-depa-1"}
    assert matching(EventFilter(event_types=("EQUIPMENT",), un_location="CNCQI")) == set()


def test_sub_type_filters_imply_their_type_and_contradict_each_other() -> None:
    drafted = EventFilter(subtypes=(("SHIPMENT", ("DRAFTED", "ISSUED")),))
    assert matching(drafted) == {"evt-td-issued"}
    contradiction = EventFilter(
        subtypes=(("SHIPMENT", ("ISSUED",)), ("EQUIPMENT", ("GATED_IN", "LOADED")))
    )
    assert matching(contradiction) == set()


def test_document_type_applies_to_shipment_events_only() -> None:
    assert matching(EventFilter(document_types=("TRANSPORT_DOCUMENT",))) == {"evt-td-issued"}
    assert matching(EventFilter(document_types=("BOOKING",))) == set()


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (EventFilter(documents=(("TRANSPORT_DOCUMENT", TD),)), {"l", "d", "s"}),
        (EventFilter(documents=(("BOOKING", BOOKING),)), {"l"}),
        (EventFilter(documents=(("BOOKING", TD),)), set()),
        (EventFilter(document_reference=BOOKING), {"l"}),
        (EventFilter(equipment_reference=container(1)), {"l"}),
        (EventFilter(un_location="CNCQI"), {"d"}),
        (EventFilter(transport_call_reference="TC-QZH-2610S"), {"l"}),
        (EventFilter(vessel_imo="9321483", voyage="2610S"), {"l"}),
        (EventFilter(service_code="QZS"), {"l"}),
    ],
)
def test_references_and_places(where: EventFilter, expected: set[str]) -> None:
    short = {"evt-qzh-load-1": "l", "evt-cqi-depa-1": "d", "evt-td-issued": "s"}
    assert {short[e] for e in matching(where)} == expected


def test_created_time_operators() -> None:
    at = LOADED.updated_at
    assert at is not None
    for op, moment, expected in [
        ("gte", at, True),
        ("gt", at, False),
        ("lte", at, True),
        ("lt", at, False),
        ("eq", at, True),
        ("gt", at - dt.timedelta(seconds=1), True),
    ]:
        assert EventFilter(updated=((op, moment),)).matches(LOADED) is expected


def test_a_retraction_without_time_never_matches_a_time_filter() -> None:
    undated: EventFacts = RETRACTED
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    where = EventFilter(updated=(("gte", moment),), include_retracted=True)
    assert not where.matches(undated)


def test_describe_is_json_ready() -> None:
    where = EventFilter(
        event_types=("EQUIPMENT",), updated=(("gte", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),)
    )
    described = where.describe()
    assert described["types"] == ["EQUIPMENT"]
    assert described["updated"] == [["gte", "2026-01-01T00:00:00+00:00"]]
