"""Planned legs from DCSA eBL 3.0.3 transport documents (``corridor.domain.legs``)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from tests.unit.domain.test_journey_fixtures import VECTORS, at, demo_td

from corridor.domain.legs import (
    CORRIDOR_TRANSIT,
    LegKey,
    Place,
    PlanningDefaults,
    PlanSource,
    plan_journey,
    plan_legs,
)
from corridor.domain.tracking_event import MilestoneKind, Mode
from corridor.domain.transport_document import parse_transport_document
from corridor.errors import DocumentRuleError

H = dt.timedelta(hours=1)


def test_the_demo_document_plans_rail_then_sea() -> None:
    rail, sea = plan_legs(demo_td())
    assert (rail.role, rail.origin.code, rail.destination.code, rail.mode) == (
        "PRE_CARRIAGE",
        "CNCQI",
        "CNQZH",
        Mode.RAIL,
    )
    assert (sea.role, sea.origin.code, sea.destination.code, sea.mode) == (
        "SEA",
        "CNQZH",
        "SGSIN",
        Mode.VESSEL,
    )
    # The document's dates are the sea leg's; rail is planned backwards: 24 h dwell, 2 days.
    assert (sea.planned_departure, sea.planned_arrival) == (at("03-12 12:00"), at("03-18 12:00"))
    assert sea.plan_source is PlanSource.DOCUMENT
    assert (rail.planned_departure, rail.planned_arrival) == (at("03-09 12:00"), at("03-11 12:00"))
    assert rail.plan_source is PlanSource.CORRIDOR_DEFAULT
    assert sea.voyages == {"2611S"}
    assert sea.vessel_names == ("Beibu Gulf Pioneer",)
    assert [(rail.index, sea.index)] == [(0, 1)]


def test_expected_milestones_and_their_planned_times() -> None:
    rail, sea = plan_legs(demo_td())
    assert [(m.kind, m.place.code, m.planned) for m in rail.milestones] == [
        (MilestoneKind.DEPARTURE, "CNCQI", at("03-09 12:00")),
        (MilestoneKind.ARRIVAL, "CNQZH", at("03-11 12:00")),
    ]
    assert [(m.kind, m.place.code, m.planned) for m in sea.milestones] == [
        (MilestoneKind.GATE_IN, "CNQZH", at("03-11 12:00")),
        (MilestoneKind.LOAD, "CNQZH", at("03-12 06:00")),
        (MilestoneKind.DEPARTURE, "CNQZH", at("03-12 12:00")),
        (MilestoneKind.ARRIVAL, "SGSIN", at("03-18 12:00")),
        (MilestoneKind.DISCHARGE, "SGSIN", at("03-19 00:00")),
    ]
    assert sea.milestone(MilestoneKind.LOAD) is sea.milestones[1]
    assert rail.milestone(MilestoneKind.LOAD) is None


def test_the_plan_carries_reference_and_containers() -> None:
    plan = plan_journey(demo_td())
    assert plan.document_reference == "WLSM26CQSG0001"
    assert plan.equipment_references == ("WLMU4582011", "WLMU4582177")
    assert plan.destination == Place("SGSIN", "Singapore")


def test_a_parsed_document_plans_like_its_json() -> None:
    parsed = parse_transport_document(demo_td())
    assert plan_journey(parsed) == plan_journey(demo_td())


def transports(**changes: Any) -> dict[str, Any]:
    td = copy.deepcopy(demo_td())
    for name, value in changes.items():
        if value is None:
            td["transports"].pop(name, None)
        else:
            td["transports"][name] = value
    return td


def test_on_carriage_by_truck_follows_the_sea_leg() -> None:
    td = transports(
        onCarriageBy="TRUCK",
        placeOfDelivery={"locationName": "Jurong", "UNLocationCode": "SGJUR"},
    )
    rail, sea, truck = plan_legs(td)
    assert (truck.role, truck.origin.code, truck.destination.code, truck.mode) == (
        "ON_CARRIAGE",
        "SGSIN",
        "SGJUR",
        Mode.TRUCK,
    )
    # Default dwell 24 h at Singapore, then a truck day: a rough guess, and it says so.
    assert truck.planned_departure == sea.planned_arrival + 24 * H
    assert truck.planned_arrival == truck.planned_departure + 24 * H
    assert truck.plan_source is PlanSource.MODE_DEFAULT
    assert truck.milestones[0].kind is MilestoneKind.DEPARTURE
    assert truck.destination.label == "Jurong (SGJUR)"
    assert rail.index == 0


def test_without_pre_carriage_there_is_only_the_sea_leg() -> None:
    (sea,) = plan_legs(transports(preCarriageBy=None, placeOfReceipt=None))
    assert sea.role == "SEA"


def test_a_missing_arrival_date_comes_from_the_corridor_table() -> None:
    sea = plan_legs(transports(plannedArrivalDate=None))[1]
    assert (
        sea.planned_arrival
        == at("03-12 12:00") + CORRIDOR_TRANSIT[LegKey("CNQZH", "SGSIN", Mode.VESSEL)]
    )
    assert sea.plan_source is PlanSource.CORRIDOR_DEFAULT


def test_a_missing_departure_date_is_counted_back_from_the_arrival() -> None:
    rail, sea = plan_legs(transports(plannedDepartureDate=None))
    assert (sea.planned_departure, sea.planned_arrival) == (at("03-12 12:00"), at("03-18 12:00"))
    assert rail.planned_arrival == at("03-11 12:00")


def test_an_arrival_before_the_departure_is_not_believed() -> None:
    sea = plan_legs(transports(plannedArrivalDate="2026-03-01"))[1]
    assert sea.planned_arrival == at("03-18 12:00")
    assert sea.plan_source is PlanSource.CORRIDOR_DEFAULT


def test_defaults_can_be_changed() -> None:
    defaults = PlanningDefaults(dwell={"CNQZH": 48 * H}, time_of_day=dt.time(4, 0, tzinfo=dt.UTC))
    rail, sea = plan_legs(demo_td(), defaults)
    assert sea.planned_departure == at("03-12 04:00")
    assert rail.planned_arrival == at("03-10 04:00")
    naive = PlanningDefaults(time_of_day=dt.time(4, 0))
    assert plan_legs(demo_td(), naive)[1].planned_departure == at("03-12 04:00")
    shanghai_noon = dt.time(12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert plan_legs(demo_td(), PlanningDefaults(time_of_day=shanghai_noon))[
        1
    ].planned_departure == at("03-12 04:00")


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        (
            {"plannedDepartureDate": None, "plannedArrivalDate": None},
            "/transports/plannedDepartureDate",
        ),
        ({"plannedDepartureDate": "12 March"}, "/transports/plannedDepartureDate"),
        ({"preCarriageBy": "CAMEL"}, "/transports/preCarriageBy"),
        ({"onCarriageBy": "ROCKET"}, "/transports/onCarriageBy"),
    ],
)
def test_unplannable_documents_are_refused_naming_the_field(
    changes: dict[str, Any], location: str
) -> None:
    with pytest.raises(DocumentRuleError) as caught:
        plan_legs(transports(**changes))
    assert caught.value.location == location


def test_a_document_without_transports_is_refused() -> None:
    td = demo_td()
    del td["transports"]
    with pytest.raises(DocumentRuleError, match="no transports"):
        plan_legs(td)


def test_places_without_a_un_locode_still_plan() -> None:
    td = transports(placeOfReceipt={"locationName": "Liangjiang depot"})
    rail = plan_legs(td)[0]
    assert rail.origin == Place(None, "Liangjiang depot")
    assert rail.key is None
    assert rail.origin.label == "Liangjiang depot"
    assert Place(None).label == "an unnamed place"
    assert Place("DEHAM").label == "DEHAM"


@pytest.mark.parametrize(
    "name",
    ["ebl303_issued_full_state_transfer_td.json", "ebl303_get_td_dg_example.json"],
)
def test_dcsa_examples_plan_one_sea_leg(name: str) -> None:
    td = json.loads((VECTORS / name).read_text())
    plan = plan_journey(td)
    (sea,) = plan.legs
    assert (sea.origin.code, sea.destination.code, sea.mode) == ("DKAAR", "DEBRV", Mode.VESSEL)
    assert sea.planned_departure == dt.datetime(2023, 12, 20, 12, tzinfo=dt.UTC)
    assert sea.planned_arrival == dt.datetime(2023, 12, 22, 12, tzinfo=dt.UTC)
    assert sea.voyages == {"402E"}
    assert plan.equipment_references in (("NARU3472484",), ("HLXU1234567",))
    assert all(m.planned.tzinfo is not None for m in sea.milestones)
    assert [m.planned for m in sea.milestones] == sorted(m.planned for m in sea.milestones)
