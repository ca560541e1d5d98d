"""The ETA at the final destination (``corridor.domain.eta``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.unit.domain.test_journey_fixtures import (
    VOYAGE,
    at,
    demo_plan,
    event,
    on_time_events,
)

from corridor.domain.eta import (
    DEFAULT_SPREAD,
    DurationEstimate,
    Eta,
    EtaBasis,
    LegDurationHistory,
    estimate_arrival,
)
from corridor.domain.journey import build_journey
from corridor.domain.legs import LegKey, Place
from corridor.domain.tracking_event import Mode

H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
SEA = LegKey("CNQZH", "SGSIN", Mode.VESSEL)
RAIL = LegKey("CNCQI", "CNQZH", Mode.RAIL)

LATE_RAIL = [event("rail-dep", "DEPA", "03-10 08:00", "CNCQI", mode="RAIL")]  # 20 h late


def eta_at(
    now: str, events: list[dict[str, Any]], history: LegDurationHistory | None = None
) -> Eta:
    journey = build_journey(demo_plan(), events, at(now))
    return estimate_arrival(journey, history, at(now))


def test_with_no_events_the_eta_is_the_plan() -> None:
    eta = eta_at("03-01 00:00", [])
    assert eta.arrival == at("03-18 12:00")
    assert eta.destination == Place("SGSIN", "Singapore")
    assert eta.basis == (EtaBasis.PLAN,)
    assert eta.delay == dt.timedelta(0)
    # Thin history: the planned transits times 0.9 and 1.25. The vessel never leaves early;
    # a late train makes it leave late (the 24 h planned dwell is kept).
    assert DEFAULT_SPREAD == (0.9, 1.25)
    assert eta.earliest == at("03-12 12:00") + 6 * DAY * 0.9
    assert eta.latest == at("03-09 12:00") + 2 * DAY * 1.25 + DAY + 6 * DAY * 1.25
    assert eta.explanation == (
        "Expected at Singapore (SGSIN) 2026-03-18 12:00 UTC (on plan; likely between "
        "2026-03-17 21:36 UTC and 2026-03-20 12:00 UTC), based on the planned schedule."
    )
    assert [(e.leg.role, e.departure, e.arrival) for e in eta.legs] == [
        ("PRE_CARRIAGE", at("03-09 12:00"), at("03-11 12:00")),
        ("SEA", at("03-12 12:00"), at("03-18 12:00")),
    ]


def test_a_rail_delay_is_carried_to_the_final_eta() -> None:
    eta = eta_at("03-10 09:00", LATE_RAIL)
    rail, sea = eta.legs
    assert (rail.departure, rail.departure_basis) == (at("03-10 08:00"), EtaBasis.ACTUAL)
    assert rail.arrival == at("03-12 08:00")
    assert (sea.departure, sea.departure_basis) == (at("03-13 08:00"), EtaBasis.OBSERVED_DELAY)
    assert eta.arrival == at("03-19 08:00")
    assert eta.delay == 20 * H
    assert eta.basis == (EtaBasis.OBSERVED_DELAY, EtaBasis.PLAN)
    assert "20 h later than planned" in eta.explanation
    assert "the delay observed so far" in eta.explanation


def test_an_early_train_does_not_make_the_vessel_leave_early() -> None:
    early = [event("rail-dep", "DEPA", "03-09 00:00", "CNCQI", mode="RAIL")]
    eta = eta_at("03-09 01:00", early)
    assert eta.legs[1].departure == at("03-12 12:00")
    assert eta.arrival == at("03-18 12:00")


def test_a_carrier_estimate_overrides() -> None:
    vessel_eta = event(
        "vsl-eta",
        "ARRI",
        "03-19 20:00",
        "SGSIN",
        classifier="EST",
        mode="VESSEL",
        voyage=VOYAGE,
        updated="03-10 09:00",
    )
    eta = eta_at("03-10 10:00", [*LATE_RAIL, vessel_eta])
    assert eta.arrival == at("03-19 20:00")
    assert eta.legs[1].arrival_basis is EtaBasis.CARRIER_ESTIMATE
    assert EtaBasis.CARRIER_ESTIMATE in eta.basis
    # The leg's spread is kept around the carrier's figure.
    assert eta.earliest == at("03-19 20:00") - 6 * DAY * (1 - 0.9)
    assert eta.latest > eta.arrival
    # Before the estimate was sent, the walk's own figure stood.
    assert eta_at("03-10 08:30", [*LATE_RAIL, vessel_eta]).arrival == at("03-19 08:00")


def test_an_earlier_carrier_estimate_also_wins() -> None:
    vessel_eta = event(
        "e", "ARRI", "03-17 22:00", "SGSIN", classifier="EST", mode="VESSEL", updated="03-12 18:00"
    )
    assert eta_at("03-13 00:00", [*on_time_events()[:3], vessel_eta]).arrival == at("03-17 22:00")


def test_a_stale_carrier_estimate_is_not_used() -> None:
    stale = event("e", "ARRI", "03-10 00:00", "SGSIN", classifier="EST", updated="03-09 00:00")
    eta = eta_at("03-10 09:00", [*LATE_RAIL, stale])
    assert eta.arrival == at("03-19 08:00")
    assert EtaBasis.CARRIER_ESTIMATE not in eta.basis


def test_a_carrier_departure_estimate_moves_the_vessel() -> None:
    vessel_etd = event(
        "etd",
        "DEPA",
        "03-13 00:00",
        "CNQZH",
        classifier="EST",
        mode="VESSEL",
        updated="03-11 12:00",
    )
    eta = eta_at("03-11 12:00", [*on_time_events()[:2], vessel_etd])
    assert eta.legs[1].departure == at("03-13 00:00")
    assert eta.legs[1].departure_basis is EtaBasis.CARRIER_ESTIMATE
    assert eta.arrival == at("03-19 00:00")


def test_a_sailing_the_cargo_cannot_reach_is_not_its_departure() -> None:
    vessel_etd = event(
        "etd",
        "DEPA",
        "03-12 06:00",
        "CNQZH",
        classifier="EST",
        mode="VESSEL",
        updated="03-10 09:00",
    )
    eta = eta_at("03-10 10:00", [*LATE_RAIL, vessel_etd])  # the train reaches Qinzhou 03-12 08:00
    assert eta.legs[1].departure == at("03-13 08:00")
    assert eta.legs[1].departure_basis is EtaBasis.OBSERVED_DELAY


def sea_history(*days: float) -> LegDurationHistory:
    return LegDurationHistory(transit={SEA: [dt.timedelta(days=d) for d in days]})


def test_history_shifts_the_estimate() -> None:
    history = sea_history(6.5, 7, 7, 7, 7.5, 8)
    eta = eta_at("03-01 00:00", [], history)
    assert eta.arrival == at("03-19 12:00")  # the median sea transit is 7 days
    assert eta.basis == (EtaBasis.HISTORY, EtaBasis.PLAN)  # rail has no history: planned
    assert eta.earliest == at("03-12 12:00") + dt.timedelta(days=6.75)  # p10 of the samples
    rail_late = at("03-09 12:00") + 2 * DAY * 1.25 + DAY
    assert eta.latest == rail_late + dt.timedelta(days=7.75)  # p90
    assert "past transit times on this corridor" in eta.explanation


def test_thin_history_falls_back_to_the_plan() -> None:
    history = sea_history(7, 7, 7, 7)  # four samples: fewer than five
    eta = eta_at("03-01 00:00", [], history)
    assert eta.arrival == at("03-18 12:00")
    assert eta.basis == (EtaBasis.PLAN,)
    assert history.transit_for(demo_plan().legs[1]) == DurationEstimate(
        6 * DAY * 0.9, 6 * DAY, 6 * DAY * 1.25, 4, False
    )


def test_history_ignores_negative_durations_and_can_ask_for_fewer_samples() -> None:
    history = LegDurationHistory(
        transit={SEA: [dt.timedelta(days=7), -DAY, dt.timedelta(days=7)]}, min_samples=2
    )
    estimate = history.transit_for(demo_plan().legs[1])
    assert (estimate.median, estimate.samples, estimate.from_history) == (7 * DAY, 2, True)


def test_dwell_history_at_qinzhou_delays_the_vessel() -> None:
    history = LegDurationHistory(dwell={"CNQZH": [dt.timedelta(hours=48)] * 5})
    on_time_rail = on_time_events()[:2]  # the train arrives 03-11 10:00
    eta = eta_at("03-11 11:00", on_time_rail, history)
    assert eta.legs[1].departure == at("03-13 10:00")
    assert eta.legs[1].departure_basis is EtaBasis.HISTORY
    assert eta.arrival == at("03-19 10:00")


def test_the_eta_is_never_before_now() -> None:
    departed = on_time_events()[:3]  # the vessel left 03-12 12:30 and has not arrived
    eta = eta_at("03-21 00:00", departed)
    assert eta.arrival == eta.earliest == at("03-21 00:00")
    assert eta.legs[1].arrival_basis is EtaBasis.OBSERVED_DELAY
    assert eta.latest >= eta.arrival


def test_a_train_that_has_not_left_leaves_no_earlier_than_now() -> None:
    eta = eta_at("03-10 12:00", [])  # planned 03-09 12:00, not gone yet
    assert eta.legs[0].departure == at("03-10 12:00")
    assert eta.arrival == at("03-19 12:00")


def test_a_finished_journey_reports_its_actual_arrival() -> None:
    eta = eta_at("03-20 00:00", on_time_events())
    assert (eta.arrival, eta.earliest, eta.latest) == (at("03-18 09:00"),) * 3
    assert eta.basis == (EtaBasis.ACTUAL,)
    assert eta.delay == -3 * H
    assert eta.explanation == (
        "Arrived at Singapore (SGSIN) 2026-03-18 09:00 UTC (3 h earlier than planned)."
    )


def test_now_must_be_aware() -> None:
    journey = build_journey(demo_plan(), [], at("03-01 00:00"))
    with pytest.raises(ValueError, match="aware"):
        estimate_arrival(journey, None, dt.datetime(2026, 3, 1))
