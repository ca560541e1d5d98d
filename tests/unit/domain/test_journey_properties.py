"""Properties of the journey model over generated event streams (Hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from tests.unit.domain.test_journey_fixtures import BOX_1, BOX_2, at, demo_plan, demo_td, event

from corridor.domain.eta import LegDurationHistory, estimate_arrival
from corridor.domain.journey import Journey, LegStatus, build_journey
from corridor.domain.journey_alerts import LEFT_BEHIND_GRACE, AlertKind, overdue_alerts
from corridor.domain.left_behind import left_behind
from corridor.domain.legs import LegKey, plan_journey
from corridor.domain.tracking_event import (
    Classifier,
    MilestoneKind,
    Mode,
    TrackingEvent,
    current_events,
)
from corridor.errors import DocumentRuleError

START = at("03-08 00:00")
HOURS = 24 * 16
PLAN = demo_plan()

# (code, place, mode): the corridor's milestones, plus noise that matches nothing.
TEMPLATES = [
    ("DEPA", "CNCQI", "RAIL"),
    ("ARRI", "CNQZH", "RAIL"),
    ("GTIN", "CNQZH", None),
    ("LOAD", "CNQZH", "VESSEL"),
    ("DEPA", "CNQZH", "VESSEL"),
    ("ARRI", "SGSIN", "VESSEL"),
    ("DISC", "SGSIN", None),
    ("ARRI", "VNHPH", "VESSEL"),
    # gate-outs: no milestone of the journey (unmatched), but news of a box all the same
    ("GTOT", "CNQZH", None),
    ("GTOT", "SGSIN", None),
]
EQUIPMENT_CODES = {"GTIN", "LOAD", "DISC", "GTOT"}


@st.composite
def events(draw: st.DrawFn, classifiers: tuple[str, ...] = ("ACT", "EST")) -> dict[str, Any]:
    code, place, mode = draw(st.sampled_from(TEMPLATES))
    hour = draw(st.integers(0, HOURS))
    lag = draw(st.integers(0, 48))
    box = draw(st.sampled_from((BOX_1, BOX_2))) if code in EQUIPMENT_CODES else None
    when = START + dt.timedelta(hours=hour)
    return event(
        f"{code}-{place}-{box}-{hour}-{lag}-{draw(st.integers(0, 3))}",
        code,
        when,
        place,
        classifier=draw(st.sampled_from(classifiers)),
        mode=mode,
        box=box,
        updated=when + dt.timedelta(hours=lag),
    )


instants = st.integers(0, HOURS + 72).map(lambda h: START + dt.timedelta(hours=h))
containers = st.sampled_from((None, BOX_1, BOX_2))


def ranks(journey: Journey) -> list[int]:
    return [p.status.rank for p in journey.legs]


@given(st.lists(events(), max_size=12), events(classifiers=("ACT",)), instants, containers)
def test_an_actual_event_never_moves_a_leg_back(
    stream: list[dict[str, Any]], extra: dict[str, Any], now: dt.datetime, box: str | None
) -> None:
    extra["eventID"] = "the-extra-event"
    before = build_journey(PLAN, stream, now, box)
    after = build_journey(PLAN, [*stream, extra], now, box)
    for old, new in zip(before.legs, after.legs, strict=True):
        assert new.status.rank >= old.status.rank
        if old.status is LegStatus.COMPLETED:
            assert new.status is LegStatus.COMPLETED


@given(st.lists(events(classifiers=("ACT",)), max_size=12), instants, instants, containers)
def test_statuses_are_monotonic_in_time(
    stream: list[dict[str, Any]], a: dt.datetime, b: dt.datetime, box: str | None
) -> None:
    early, late = sorted((a, b))
    before, after = build_journey(PLAN, stream, early, box), build_journey(PLAN, stream, late, box)
    assert all(x <= y for x, y in zip(ranks(before), ranks(after), strict=True))


@given(st.lists(events(), max_size=12), st.randoms(use_true_random=False), instants)
def test_the_order_events_arrive_in_does_not_matter(
    stream: list[dict[str, Any]], shuffle: Any, now: dt.datetime
) -> None:
    shuffled = list(stream)
    shuffle.shuffle(shuffled)
    one, other = build_journey(PLAN, stream, now), build_journey(PLAN, shuffled, now)
    assert one.legs == other.legs


history_samples = st.lists(st.integers(1, 400), max_size=8).map(
    lambda hours: [dt.timedelta(hours=h) for h in hours]
)


@given(st.lists(events(), max_size=12), instants, history_samples, history_samples, containers)
def test_the_eta_is_never_before_now_for_an_unfinished_journey(
    stream: list[dict[str, Any]],
    now: dt.datetime,
    rail: list[dt.timedelta],
    sea: list[dt.timedelta],
    box: str | None,
) -> None:
    history = LegDurationHistory(
        transit={
            LegKey("CNCQI", "CNQZH", Mode.RAIL): rail,
            LegKey("CNQZH", "SGSIN", Mode.VESSEL): sea,
        },
        dwell={"CNQZH": sea},
    )
    journey = build_journey(PLAN, stream, now, box)
    eta = estimate_arrival(journey, history, now)
    assert eta.earliest <= eta.arrival <= eta.latest
    if not journey.is_complete:
        assert eta.earliest >= now
        for progress, leg in zip(journey.legs, eta.legs, strict=True):
            if progress.status is not LegStatus.COMPLETED:  # facts may contradict each other
                assert now <= leg.arrival
                assert leg.departure <= leg.arrival
    else:
        assert eta.arrival <= now


@given(st.lists(events(), max_size=12), instants)
def test_alerts_are_only_for_milestones_not_reached_and_past_their_grace(
    stream: list[dict[str, Any]], now: dt.datetime
) -> None:
    journey = build_journey(PLAN, stream, now)
    alerts = overdue_alerts(journey, now)
    states = {(p.leg.index, m.planned.kind): m for p in journey.legs for m in p.milestones}
    for alert in alerts:
        if alert.kind is not AlertKind.OVERDUE_MILESTONE:
            continue
        state = states[(alert.leg.index, alert.milestone)]
        assert not state.reached
        assert alert.overdue_by >= dt.timedelta(hours=24)
    assert len({a.id for a in alerts}) == len(alerts)


def _actual_at(stream: list[dict[str, Any]], now: dt.datetime) -> list[TrackingEvent]:
    current, _ = current_events(
        e for e in stream if dt.datetime.fromisoformat(e["eventUpdatedDateTime"]) <= now
    )
    return [
        e
        for e in current
        if e.classifier is Classifier.ACTUAL and e.event_time is not None and e.event_time <= now
    ]


def _times(events: list[TrackingEvent], kind: MilestoneKind, box: str) -> list[dt.datetime]:
    return [
        e.event_time
        for e in events
        if e.milestone is kind and e.equipment_reference == box and e.event_time is not None
    ]


def _gate_outs(events: list[TrackingEvent], place: str, box: str) -> list[dt.datetime]:
    return [
        e.event_time
        for e in events
        if e.raw["eventClassification"].get("equipmentEventType") == "GATED_OUT"
        and e.location == place
        and e.equipment_reference == box
        and e.event_time is not None
    ]


sailings = st.integers(0, HOURS).map(
    lambda h: event("sailed", "DEPA", START + dt.timedelta(hours=h), "CNQZH", mode="VESSEL")
)


@given(st.lists(events(), max_size=14), st.lists(sailings, max_size=1), instants)
def test_a_container_is_left_behind_only_after_an_actual_departure_without_its_loading(
    noise: list[dict[str, Any]], sailed: list[dict[str, Any]], now: dt.datetime
) -> None:
    stream = [*noise, *sailed]
    journey = build_journey(PLAN, stream, now)
    behind = [a for a in overdue_alerts(journey, now) if a.kind is AlertKind.CONTAINER_LEFT_BEHIND]
    actual = _actual_at(stream, now)
    for alert in behind:
        (box,) = alert.containers
        assert alert.leg.role == "SEA"  # the only leg these streams load containers on
        assert alert.departed is not None
        assert now >= alert.departed + LEFT_BEHIND_GRACE
        assert any(
            e.milestone is MilestoneKind.DEPARTURE
            and e.location == "CNQZH"
            and e.event_time == alert.departed
            for e in actual
        )
        assert not any(  # nothing of it further on, nor anywhere else after the departure
            e.equipment_reference == box
            and (
                e.location == "SGSIN"
                or (e.location != "CNQZH" and e.event_time and e.event_time > alert.departed)
            )
            for e in actual
        )
        loads = _times(actual, MilestoneKind.LOAD, box)
        ground = _times(actual, MilestoneKind.GATE_IN, box) + _gate_outs(actual, "CNQZH", box)
        assert not loads or (ground and max(ground) > max(loads))
        # the carrier reported this leg box by box: some box of the bill was loaded
        assert any(_times(actual, MilestoneKind.LOAD, b) for b in (BOX_1, BOX_2))
        assert f"{box} left behind at Qinzhou (CNQZH)" in alert.message
    assert len({a.containers for a in behind}) == len(behind)  # once per container


@given(st.lists(events(classifiers=("EST", "PLN")), max_size=14), instants)
def test_planned_and_estimated_events_leave_nobody_behind(
    stream: list[dict[str, Any]], now: dt.datetime
) -> None:
    assert left_behind(build_journey(PLAN, stream, now)) == []


# --- planning never crashes -----------------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(),
    st.sampled_from(["RAIL", "TRUCK", "2026-03-12", "2026-02-30", "vessel"]),
    st.dictionaries(st.sampled_from(["UNLocationCode", "locationName"]), st.text(max_size=6)),
    st.lists(
        st.dictionaries(
            st.sampled_from(["vesselName", "carrierExportVoyageNumber"]), st.text(max_size=6)
        ),
        max_size=2,
    ),
)
TRANSPORT_FIELDS = [
    "plannedDepartureDate",
    "plannedArrivalDate",
    "preCarriageBy",
    "onCarriageBy",
    "placeOfReceipt",
    "portOfLoading",
    "portOfDischarge",
    "placeOfDelivery",
    "vesselVoyages",
]


@given(st.dictionaries(st.sampled_from(TRANSPORT_FIELDS), junk, max_size=4))
def test_planning_any_document_gives_legs_or_a_clear_error(changes: dict[str, Any]) -> None:
    td = copy.deepcopy(demo_td())
    td["transports"].update(changes)
    refused: DocumentRuleError | None = None
    try:
        plan = plan_journey(td)
    except DocumentRuleError as error:
        refused = error
    if refused is not None:
        assert refused.location.startswith("/transports")
        return
    assert 1 <= len(plan.legs) <= 3
    for leg in plan.legs:
        assert leg.planned_departure <= leg.planned_arrival
        times = [m.planned for m in leg.milestones]
        assert times == sorted(times)
    for first, second in zip(plan.legs, plan.legs[1:], strict=False):
        assert first.destination == second.origin
        assert first.planned_arrival <= second.planned_departure
