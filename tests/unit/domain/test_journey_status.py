"""Events matched to legs and each leg's status (``corridor.domain.journey``)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from tests.unit.domain.test_journey_fixtures import (
    BOX_1,
    BOX_2,
    STRANGER_BOX,
    VOYAGE,
    at,
    demo_plan,
    event,
    on_time_events,
    retraction,
)

import corridor.domain.journey as journey_module
from corridor.domain.journey import (
    SIGNAL_OF_MILESTONE,
    TRANSITIONS,
    LegStatus,
    Signal,
    advance,
    build_journey,
    match_events,
)
from corridor.domain.tracking_event import MilestoneKind
from corridor.errors import NotFoundError

# Planned, Dwelling, in Transit (IN_PROGRESS), Completed.
P, D, T, C = LegStatus.PLANNED, LegStatus.DWELLING, LegStatus.IN_PROGRESS, LegStatus.COMPLETED
H = dt.timedelta(hours=1)


# --- the state machine ----------------------------------------------------------------------


def test_the_table_covers_every_status_and_signal() -> None:
    assert set(TRANSITIONS) == set(itertools.product(LegStatus, Signal))


def _docstring_table() -> dict[tuple[LegStatus, Signal], LegStatus]:
    doc = journey_module.__doc__ or ""
    rows = re.findall(
        r"^(PLANNED|DWELLING|IN_PROGRESS|COMPLETED)\s+(\w+)\s+(\w+)\s+(\w+)\s*$", doc, re.M
    )
    assert len(rows) == 4
    table = {}
    for before, *after in rows:
        for signal, result in zip(Signal, after, strict=True):
            table[(LegStatus(before), signal)] = LegStatus(result)
    return table


def test_the_table_is_the_one_in_the_docstring() -> None:
    assert dict(TRANSITIONS) == _docstring_table()


@pytest.mark.parametrize(("status", "signal"), list(itertools.product(LegStatus, Signal)))
def test_every_transition_against_the_rule(status: LegStatus, signal: Signal) -> None:
    # The rule restated: a signal shows a stage; the leg is at the furthest stage shown.
    stage = {Signal.READY: D, Signal.DEPARTED: T, Signal.ARRIVED: C}[signal]
    expected = max(status, stage, key=lambda s: s.rank)
    assert advance(status, signal) is expected
    assert advance(status, signal).rank >= status.rank


def test_completed_is_final_and_every_order_of_signals_ends_at_the_furthest() -> None:
    for signals in itertools.product(Signal, repeat=3):
        status = P
        for signal in signals:
            status = advance(status, signal)
        furthest = max((advance(P, s) for s in signals), key=lambda s: s.rank)
        assert status is furthest
    assert all(advance(C, s) is C for s in Signal)


def test_milestones_give_signals() -> None:
    assert SIGNAL_OF_MILESTONE == {
        MilestoneKind.GATE_IN: Signal.READY,
        MilestoneKind.LOAD: Signal.READY,
        MilestoneKind.DEPARTURE: Signal.DEPARTED,
        MilestoneKind.ARRIVAL: Signal.ARRIVED,
        MilestoneKind.DISCHARGE: Signal.ARRIVED,
    }


# --- status along the journey ---------------------------------------------------------------


def statuses(events: list[dict[str, Any]], now: str, box: str | None = None) -> list[LegStatus]:
    return [p.status for p in build_journey(demo_plan(), events, at(now), box).legs]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("03-08 00:00", [P, P]),
        ("03-09 12:59", [P, P]),
        ("03-09 13:00", [T, P]),
        ("03-11 09:59", [T, P]),
        ("03-11 10:00", [C, D]),  # the train is in: the cargo waits at Qinzhou
        ("03-12 12:29", [C, D]),
        ("03-12 12:30", [C, T]),
        ("03-18 08:59", [C, T]),
        ("03-18 09:00", [C, C]),
        ("04-30 00:00", [C, C]),
    ],
)
def test_status_of_each_leg_at_several_instants(now: str, expected: list[LegStatus]) -> None:
    assert statuses(on_time_events(), now) == expected


def test_times_and_delays_of_an_on_time_journey() -> None:
    journey = build_journey(demo_plan(), on_time_events(), at("03-20 00:00"))
    rail, sea = journey.legs
    assert (rail.actual_departure, rail.actual_arrival) == (at("03-09 13:00"), at("03-11 10:00"))
    assert rail.departure_delay == H
    assert rail.arrival_delay == -2 * H
    assert rail.transit == dt.timedelta(days=1, hours=21)
    assert sea.ready_since == at("03-11 10:00")  # the train's arrival, before the gate-in
    assert sea.actual_departure == at("03-12 12:30")
    assert sea.actual_arrival == at("03-18 09:00")
    assert journey.is_complete
    assert journey.current_leg is None
    assert [m.reached for m in sea.milestones] == [True] * 5
    assert sea.milestones[0].actual == at("03-11 13:00")
    assert [e.event_id for e in rail.events] == ["rail-dep", "rail-arr"]
    assert journey.unmatched == ()
    assert journey.ignored == ()


def test_a_journey_not_started_has_no_actual_times() -> None:
    journey = build_journey(demo_plan(), [], at("03-01 00:00"))
    rail, sea = journey.legs
    assert (rail.departure_delay, rail.arrival_delay, rail.transit, sea.ready_since) == (
        None,
        None,
        None,
        None,
    )
    assert journey.current_leg is rail
    assert not journey.is_complete


def test_a_gate_in_alone_makes_the_cargo_dwell_and_the_train_arrived() -> None:
    events = [event(f"g-{b}", "GTIN", "03-11 13:00", "CNQZH", box=b) for b in (BOX_1, BOX_2)]
    journey = build_journey(demo_plan(), events, at("03-11 14:00"))
    rail, sea = journey.legs
    assert (rail.status, sea.status) == (C, D)
    assert rail.actual_arrival is None  # arrived, but nobody said when
    assert sea.ready_since == at("03-11 13:00")
    assert [m.reached for m in rail.milestones] == [True, True]


def test_both_vocabularies_give_the_same_journey() -> None:
    spec = on_time_events()
    short = [
        event("rail-dep", "DEPA", "03-09 13:00", "CNCQI", mode="RAIL", short_codes=True),
        event("rail-arr", "ARRI", "03-11 10:00", "CNQZH", mode="RAIL", short_codes=True),
    ]
    assert statuses(short, "03-11 11:00") == statuses(spec, "03-11 11:00") == [C, D]


# --- matching ---------------------------------------------------------------------------------


def matched_leg(raw: dict[str, Any]) -> int | None:
    match = match_events(demo_plan().legs, [raw])
    assert len(match.matched) + len(match.unmatched) == 1
    return match.matched[0].leg_index if match.matched else None


@pytest.mark.parametrize(
    ("raw", "leg"),
    [
        (event("e", "DEPA", "03-09 13:00", "CNCQI", mode="RAIL"), 0),
        (event("e", "ARRI", "03-11 10:00", "CNQZH", mode="RAIL"), 0),
        (event("e", "ARRI", "03-11 10:00", "CNQZH"), 0),  # no mode: arrival at Qinzhou is rail
        (event("e", "DISC", "03-11 11:00", "CNQZH", box=BOX_1), 0),  # off the train
        (event("e", "GTIN", "03-11 13:00", "CNQZH", box=BOX_1), 1),
        (event("e", "LOAD", "03-12 07:00", "CNQZH", box=BOX_1), 1),
        (event("e", "DEPA", "03-12 12:30", "CNQZH", mode="VESSEL", voyage=VOYAGE), 1),
        (event("e", "DEPA", "03-12 12:30", "CNQZH", mode="MULTIMODAL"), 1),
        (event("e", "ARRI", "03-18 09:00", "SGSIN", mode="VESSEL"), 1),
        (event("e", "DISC", "03-18 20:00", "SGSIN", box=BOX_1, voyage="9999X"), 1),
        # The vessel calling at Qinzhou is not our train arriving there.
        (event("e", "ARRI", "03-12 02:00", "CNQZH", mode="VESSEL"), None),
        # Another voyage at the same port is another ship.
        (event("e", "DEPA", "03-12 12:30", "CNQZH", mode="VESSEL", voyage="2612S"), None),
        (event("e", "DEPA", "03-12 12:30", "CNQZH", mode="TRUCK"), None),
        (event("e", "ARRI", "03-14 00:00", "VNHPH", mode="VESSEL"), None),
        (event("e", "GTOT", "03-19 08:00", "SGSIN", box=BOX_1), None),
    ],
)
def test_events_are_matched_by_place_mode_type_and_voyage(
    raw: dict[str, Any], leg: int | None
) -> None:
    assert matched_leg(raw) == leg


def test_shipment_events_and_events_without_place_are_unmatched() -> None:
    shipment = {
        "eventID": "s",
        "eventDateTime": "2026-03-12T00:00:00Z",
        "eventClassification": {
            "eventType": "SHIPMENT",
            "eventClassifier": "ACTUAL",
            "shipmentEventType": "ISSUED",
        },
    }
    nowhere = event("n", "DEPA", "03-12 12:30", "CNQZH")
    del nowhere["eventLocation"]
    match = match_events(demo_plan().legs, [shipment, nowhere])
    assert match.matched == ()
    assert {e.event_id for e in match.unmatched} == {"s", "n"}


def test_the_latest_report_of_a_milestone_wins() -> None:
    terminal = event(
        "term-dep", "DEPA", "03-12 12:30", "CNQZH", mode="VESSEL", updated="03-12 13:00"
    )
    carrier = event(
        "carr-dep", "DEPA", "03-12 14:10", "CNQZH", mode="VESSEL", updated="03-12 16:00"
    )
    for order in ([terminal, carrier], [carrier, terminal]):
        sea = build_journey(demo_plan(), order, at("03-13 00:00")).legs[1]
        assert sea.actual_departure == at("03-12 14:10")
        assert len(sea.events) == 2
    # Before the carrier's report was sent, the terminal's was all there was.
    sea = build_journey(demo_plan(), [terminal, carrier], at("03-12 15:00")).legs[1]
    assert sea.actual_departure == at("03-12 12:30")


def test_retracted_events_are_ignored() -> None:
    events = [*on_time_events()[:2], retraction("rail-arr", "03-11 12:00")]
    before = build_journey(demo_plan(), events, at("03-11 11:00"))
    after = build_journey(demo_plan(), events, at("03-11 12:00"))
    assert [p.status for p in before.legs] == [C, D]
    assert [p.status for p in after.legs] == [T, P]
    assert [(i.event_id, i.reason) for i in after.ignored] == [
        ("rail-arr", "retracted by its producer")
    ]


def test_events_not_yet_known_are_left_out() -> None:
    late_report = event("dep", "DEPA", "03-09 13:00", "CNCQI", mode="RAIL", updated="03-10 08:00")
    future = event("arr", "ARRI", "03-11 10:00", "CNQZH", mode="RAIL", updated="03-09 00:00")
    assert statuses([late_report, future], "03-10 07:59") == [P, P]
    assert statuses([late_report, future], "03-10 08:00") == [T, P]
    assert statuses([late_report, future], "03-11 10:00") == [C, D]


def test_unreadable_events_are_reported_not_fatal() -> None:
    bad = event("bad", "DEPA", "03-09 13:00", "CNCQI", mode="RAIL")
    bad["eventDateTime"] = "not a time"
    journey = build_journey(demo_plan(), [bad, *on_time_events()[:1]], at("03-10 00:00"))
    assert [p.status for p in journey.legs] == [T, P]
    assert journey.ignored[0].event_id == "bad"
    assert "events[0]/eventDateTime" in journey.ignored[0].reason


# --- containers -------------------------------------------------------------------------------


def test_all_containers_must_reach_a_stage() -> None:
    events = [
        event("rail-arr", "ARRI", "03-11 10:00", "CNQZH", mode="RAIL"),
        event("load-1", "LOAD", "03-12 07:00", "CNQZH", box=BOX_1),
        event("disc-1", "DISC", "03-18 20:00", "SGSIN", box=BOX_1),
    ]
    both = build_journey(demo_plan(), events, at("03-19 00:00"))
    sea = both.legs[1]
    assert sea.status is D  # the second container is still at Qinzhou
    assert sea.actual_arrival is None
    load = sea.milestones[1]
    assert load.planned.kind is MilestoneKind.LOAD
    assert (load.reached, load.pending, load.actual) == (False, (BOX_2,), None)
    one = build_journey(demo_plan(), events, at("03-19 00:00"), BOX_1)
    assert one.equipment == (BOX_1,)
    assert [p.status for p in one.legs] == [C, C]
    assert one.legs[1].actual_arrival == at("03-18 20:00")
    assert [m.reached for m in one.legs[1].milestones] == [True] * 5


def test_a_stage_reached_by_all_takes_the_last_containers_time() -> None:
    events = [
        event("load-1", "LOAD", "03-12 05:00", "CNQZH", box=BOX_1),
        event("load-2", "LOAD", "03-12 08:00", "CNQZH", box=BOX_2),
    ]
    sea = build_journey(demo_plan(), events, at("03-12 09:00")).legs[1]
    assert sea.milestones[1].actual == at("03-12 08:00")
    assert sea.ready_since == at("03-12 08:00")


def test_other_containers_events_are_ignored() -> None:
    events = [
        event("g1", "GTIN", "03-11 13:00", "CNQZH", box=BOX_1),
        event("g2", "GTIN", "03-11 13:00", "CNQZH", box=BOX_2),
        event("gx", "GTIN", "03-11 13:00", "CNQZH", box=STRANGER_BOX),
    ]
    one = build_journey(demo_plan(), events, at("03-12 00:00"), BOX_1.lower())
    assert [e.event_id for e in one.legs[1].events] == ["g1"]
    assert {(i.event_id, i.reason) for i in one.ignored} == {
        ("g2", f"container {BOX_2} is not followed"),
        ("gx", f"container {STRANGER_BOX} is not followed"),
    }
    both = build_journey(demo_plan(), events, at("03-12 00:00"))
    assert [i.event_id for i in both.ignored] == ["gx"]


def test_a_container_not_on_the_document_is_refused() -> None:
    with pytest.raises(
        NotFoundError, match=f"container {STRANGER_BOX} is not on transport document WLSM26CQSG0001"
    ):
        build_journey(demo_plan(), [], at("03-12 00:00"), STRANGER_BOX)


def test_a_document_without_containers_follows_the_cargo_as_a_whole() -> None:
    plan = demo_plan()
    bare = type(plan)(plan.document_reference, (), plan.legs)
    events = [event("l", "LOAD", "03-12 07:00", "CNQZH", box=STRANGER_BOX)]
    journey = build_journey(bare, events, at("03-12 08:00"))
    assert journey.equipment == ()
    assert [p.status for p in journey.legs] == [C, D]
    assert journey.legs[1].milestones[1].pending == ()
    assert journey.legs[1].milestones[0].reached


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        build_journey(demo_plan(), [], dt.datetime(2026, 3, 12))
