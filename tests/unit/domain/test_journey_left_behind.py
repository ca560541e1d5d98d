"""Containers left behind (``corridor.domain.left_behind``) and their alerts.

The demo bill has two containers (BOX_1, BOX_2) on rail Chongqing -> Qinzhou and the vessel
Qinzhou -> Singapore (plan: loading 03-12 06:00, vessel departure 03-12 12:00).
"""

from __future__ import annotations

import datetime as dt
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
)

from corridor.domain.journey import build_journey
from corridor.domain.journey_alerts import (
    LEFT_BEHIND_GRACE,
    Alert,
    AlertKind,
    left_behind_alerts,
    overdue_alerts,
)
from corridor.domain.left_behind import left_behind
from corridor.domain.legs import JourneyPlan
from corridor.domain.tracking_event import MilestoneKind

H = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)

RAIL = [
    event("rail-dep", "DEPA", "03-09 13:00", "CNCQI", mode="RAIL"),
    event("rail-arr", "ARRI", "03-11 10:00", "CNQZH", mode="RAIL"),
]
GATED_IN = [event(f"gtin-{b}", "GTIN", "03-11 13:00", "CNQZH", box=b) for b in (BOX_1, BOX_2)]
LOAD_1 = event(f"load-{BOX_1}", "LOAD", "03-12 07:00", "CNQZH", box=BOX_1, mode="VESSEL")
LOAD_2 = event(f"load-{BOX_2}", "LOAD", "03-12 07:17", "CNQZH", box=BOX_2, mode="VESSEL")
SAILED = event("vsl-dep", "DEPA", "03-12 12:30", "CNQZH", mode="VESSEL", voyage=VOYAGE)
# BOX_1 is loaded and sails; BOX_2 is gated in at Qinzhou and never loaded.
QUAY = [*RAIL, *GATED_IN, LOAD_1, SAILED]
# Both loaded; BOX_2 discharged again at Qinzhou before the vessel sails (shut out).
SHUT_OUT = event(f"off-{BOX_2}", "DISC", "03-12 09:00", "CNQZH", box=BOX_2, mode="VESSEL")
SHUT_OUT_QUAY = [*RAIL, *GATED_IN, LOAD_1, LOAD_2, SHUT_OUT, SAILED]
VESSEL_ARRIVED = event("vsl-arr", "ARRI", "03-18 09:00", "SGSIN", mode="VESSEL", voyage=VOYAGE)


def alerts_at(
    now: str,
    events: list[dict[str, Any]],
    box: str | None = None,
    plan: JourneyPlan | None = None,
) -> list[Alert]:
    moment = at(now)
    return overdue_alerts(build_journey(plan or demo_plan(), events, moment, box), moment)


def behind_at(now: str, events: list[dict[str, Any]], box: str | None = None) -> list[Alert]:
    return [a for a in alerts_at(now, events, box) if a.kind is AlertKind.CONTAINER_LEFT_BEHIND]


def test_the_box_left_on_the_quay_is_named_once_the_vessel_has_been_gone_6_h() -> None:
    assert LEFT_BEHIND_GRACE == 6 * H
    assert alerts_at("03-12 18:29", QUAY) == []
    (alert,) = alerts_at("03-12 18:30", QUAY)
    assert alert.kind is AlertKind.CONTAINER_LEFT_BEHIND
    assert alert.containers == (BOX_2,)
    assert alert.place.code == "CNQZH"
    assert (alert.leg.role, alert.milestone) == ("SEA", MilestoneKind.LOAD)
    assert alert.departed == at("03-12 12:30")
    assert alert.planned == at("03-12 06:00")  # the loading's planned time
    assert alert.overdue_by == 12 * H + 30 * dt.timedelta(minutes=1)
    assert alert.estimated is None
    assert alert.document_reference == "WLSM26CQSG0001"
    assert alert.message == (
        f"Container {BOX_2} left behind at Qinzhou (CNQZH): the vessel departed "
        "2026-03-12 12:30 UTC without it (no loading reported; last gated in there "
        "2026-03-11 13:00 UTC)"
    )
    assert alert.id.startswith("left-behind-")
    assert len(alert.id) == len("left-behind-") + 32


def test_the_id_stays_while_time_passes_and_reports_are_corrected() -> None:
    first = alerts_at("03-12 19:00", QUAY)[0]
    later = alerts_at("03-15 00:00", QUAY)[0]
    assert first.id == later.id
    assert first.overdue_by != later.overdue_by
    corrected = event(  # the terminal corrects the departure: a new version of the same event
        "vsl-dep", "DEPA", "03-12 13:05", "CNQZH", mode="VESSEL", updated="03-12 15:00"
    )
    fixed = alerts_at("03-15 00:00", [*RAIL, *GATED_IN, LOAD_1, corrected])[0]
    assert fixed.id == first.id
    assert "the vessel departed 2026-03-12 13:05 UTC" in fixed.message
    # another container followed, or another bill, is another alert
    whole = behind_at("03-15 00:00", SHUT_OUT_QUAY)[0]
    assert behind_at("03-15 00:00", SHUT_OUT_QUAY, BOX_2)[0].id != whole.id
    other_bill = demo_plan(plannedDepartureDate="2026-03-11")
    assert alerts_at("03-15 00:00", QUAY, plan=other_bill)[0].id != first.id


def test_a_box_discharged_from_the_train_and_never_loaded_is_left_behind() -> None:
    discharged = [
        event(f"rail-disc-{b}", "DISC", "03-11 11:00", "CNQZH", box=b, mode="RAIL")
        for b in (BOX_1, BOX_2)
    ]
    (alert,) = behind_at("03-13 00:00", [*RAIL, *discharged, LOAD_1, SAILED])
    assert alert.containers == (BOX_2,)
    assert alert.message.endswith(
        "(no loading reported; last discharged there 2026-03-11 11:00 UTC)"
    )


def test_a_box_loaded_then_discharged_again_did_not_sail() -> None:
    events = SHUT_OUT_QUAY
    (alert,) = behind_at("03-13 00:00", events)
    assert alert.containers == (BOX_2,)
    assert alert.message.endswith(
        "without it (loaded 2026-03-12 07:17 UTC, then discharged there again 2026-03-12 09:00 UTC)"
    )
    # loaded again before the vessel left: it sailed after all
    reloaded = event(f"reload-{BOX_2}", "LOAD", "03-12 10:00", "CNQZH", box=BOX_2, mode="VESSEL")
    assert behind_at("03-13 00:00", [*events, reloaded]) == []


def test_without_any_news_of_the_box_the_loaded_ones_are_quoted() -> None:
    (alert,) = behind_at("03-13 00:00", [*RAIL, LOAD_1, SAILED])
    assert alert.containers == (BOX_2,)
    assert alert.message.endswith(f"(no loading reported, while {BOX_1} was loaded)")


def test_no_alert_when_every_box_was_loaded() -> None:
    for now in ("03-13 00:00", "03-20 00:00", "03-30 00:00"):
        assert behind_at(now, on_time_events()) == []
        assert behind_at(now, [*QUAY, LOAD_2]) == []


def test_a_carrier_reporting_only_its_vessel_leaves_nobody_behind() -> None:
    # Nothing is known container by container: the departure says nothing about any one box.
    vehicle_only = [*RAIL, SAILED]
    assert left_behind(build_journey(demo_plan(), vehicle_only, at("03-14 00:00"))) == []
    assert alerts_at("03-14 00:00", vehicle_only) == []


def test_the_previous_legs_news_of_the_boxes_does_not_make_a_vessel_report_box_by_box() -> None:
    # The rail reports each box discharged at Qinzhou (or the terminal its gate-in); the ocean
    # carrier reports only its vessel's departure and arrival: no loading of any box.
    off_the_train = [
        event(f"rail-disc-{b}", "DISC", "03-11 11:00", "CNQZH", box=b, mode="RAIL")
        for b in (BOX_1, BOX_2)
    ]
    for ground in (off_the_train, GATED_IN, [*off_the_train, *GATED_IN]):
        events = [*RAIL, *ground, SAILED, VESSEL_ARRIVED]
        for now in ("03-13 00:00", "03-17 00:00", "03-19 00:00"):
            assert left_behind(build_journey(demo_plan(), events, at(now))) == []
            assert behind_at(now, events) == []
    # once one box is reported loaded, the carrier reports box by box: the other one stayed
    (alert,) = behind_at("03-13 00:00", [*RAIL, *off_the_train, LOAD_1, SAILED])
    assert alert.containers == (BOX_2,)


def test_planned_and_estimated_events_do_not_count() -> None:
    expected_departure = event(
        "vsl-etd", "DEPA", "03-12 12:30", "CNQZH", classifier="EST", mode="VESSEL"
    )
    assert behind_at("03-13 00:00", [*RAIL, *GATED_IN, LOAD_1, expected_departure]) == []
    planned = event("pln-vsl-dep", "DEPA", "03-12 12:30", "CNQZH", classifier="PLN", mode="VESSEL")
    assert behind_at("03-13 00:00", [*RAIL, *GATED_IN, LOAD_1, planned]) == []
    # a loading that is only planned or estimated is not a loading
    for classifier in ("PLN", "EST"):
        maybe = event(
            f"load-{BOX_2}-{classifier}",
            "LOAD",
            "03-12 07:17",
            "CNQZH",
            classifier=classifier,
            box=BOX_2,
            mode="VESSEL",
        )
        (alert,) = behind_at("03-13 00:00", [*QUAY, maybe])
        assert alert.containers == (BOX_2,)


def test_a_box_not_on_the_bill_is_never_left_behind() -> None:
    stranger = event("gtin-stranger", "GTIN", "03-11 13:00", "CNQZH", box=STRANGER_BOX)
    stranger_load = event("load-stranger", "LOAD", "03-12 08:00", "CNQZH", box=STRANGER_BOX)
    loaded = [*RAIL, *GATED_IN, LOAD_1, LOAD_2, SAILED]
    assert behind_at("03-13 00:00", [*loaded, stranger]) == []
    # nor does a stranger's loading make a box of the bill look left behind
    assert behind_at("03-13 00:00", [*RAIL, stranger_load, SAILED]) == []


def test_one_container_followed_is_judged_by_its_own_events() -> None:
    assert behind_at("03-13 00:00", QUAY, BOX_1) == []
    # followed alone, the others' loadings are not seen: its gate-in alone does not show that
    # the carrier reports its vessel box by box, nor does the others' loading count
    assert behind_at("03-13 00:00", QUAY, BOX_2) == []
    assert behind_at("03-13 00:00", [*RAIL, LOAD_1, SAILED], BOX_2) == []
    # its own loading undone does
    (alert,) = behind_at("03-13 00:00", SHUT_OUT_QUAY, BOX_2)
    assert alert.containers == (BOX_2,)
    assert alert.message == behind_at("03-13 00:00", SHUT_OUT_QUAY)[0].message


def test_a_loading_reported_late_settles_it() -> None:
    late = event(
        f"load-{BOX_2}",
        "LOAD",
        "03-12 07:17",
        "CNQZH",
        box=BOX_2,
        mode="VESSEL",
        updated="03-12 16:00",
    )
    events = [*QUAY, late]
    assert behind_at("03-12 15:59", events) == []  # within the grace: nobody is told yet
    assert behind_at("03-12 18:30", events) == []
    much_later = event(
        f"load-{BOX_2}", "LOAD", "03-12 07:17", "CNQZH", box=BOX_2, updated="03-14 09:00"
    )
    events = [*QUAY, much_later]
    assert len(behind_at("03-14 08:59", events)) == 1
    assert behind_at("03-14 09:00", events) == []


def test_news_of_the_box_further_on_shows_it_sailed() -> None:
    discharged = event(f"disc-{BOX_2}", "DISC", "03-18 20:00", "SGSIN", box=BOX_2)
    assert behind_at("03-19 00:00", [*QUAY, discharged]) == []


def test_any_news_of_the_box_elsewhere_after_the_departure_clears_it() -> None:
    assert len(behind_at("03-19 00:00", [*QUAY, VESSEL_ARRIVED])) == 1
    gated_out = event(f"gtot-{BOX_2}", "GTOT", "03-19 10:00", "SGSIN", box=BOX_2)
    elsewhere = event(f"gtin-hph-{BOX_2}", "GTIN", "03-14 10:00", "VNHPH", box=BOX_2)
    stripped = event(f"gtot-empty-{BOX_2}", "GTOT", "03-21 10:00", "SGSIN", box=BOX_2, empty=True)
    for news in (gated_out, elsewhere, stripped):
        events = [*QUAY, VESSEL_ARRIVED, news]
        journey = build_journey(demo_plan(), events, at("03-22 00:00"))
        assert [e.event_id for e in journey.unmatched] == [news["eventID"]]  # no leg takes it
        assert left_behind(journey) == []
        assert behind_at("03-22 00:00", events) == []
    # news at the departure point, of another box, or naming no box does not show it went on
    not_news = [
        event(f"gtin-again-{BOX_2}", "GTIN", "03-13 10:00", "CNQZH", box=BOX_2),
        event(f"gtot-qzh-{BOX_2}", "GTOT", "03-14 10:00", "CNQZH", box=BOX_2),
        event(f"gtot-{BOX_1}", "GTOT", "03-19 10:00", "SGSIN", box=BOX_1),
        event("gtot-unnamed", "GTOT", "03-19 10:00", "SGSIN"),
        event("vsl-arr-hph", "ARRI", "03-14 10:00", "VNHPH", mode="VESSEL"),
    ]
    for other in not_news:
        (alert,) = behind_at("03-22 00:00", [*QUAY, VESSEL_ARRIVED, other])
        assert alert.containers == (BOX_2,)
    # elsewhere but before the departure: the box's earlier places on the route
    at_chongqing = event(f"rgtin-{BOX_2}", "GTIN", "03-08 16:00", "CNCQI", box=BOX_2)
    assert len(behind_at("03-22 00:00", [*QUAY, at_chongqing])) == 1
    # planned or estimated news elsewhere is no news
    expected = event(
        f"gtot-est-{BOX_2}", "GTOT", "03-19 10:00", "SGSIN", box=BOX_2, classifier="EST"
    )
    assert len(behind_at("03-22 00:00", [*QUAY, expected])) == 1


def test_a_box_loaded_then_gated_out_again_did_not_sail() -> None:
    gated_out = event(f"gtot-qzh-{BOX_2}", "GTOT", "03-12 09:30", "CNQZH", box=BOX_2)
    (alert,) = behind_at("03-13 00:00", [*RAIL, *GATED_IN, LOAD_1, LOAD_2, gated_out, SAILED])
    assert alert.containers == (BOX_2,)
    assert alert.message.endswith(
        "without it (loaded 2026-03-12 07:17 UTC, then gated out there 2026-03-12 09:30 UTC)"
    )
    # a gate-out before the loading is not an undoing; nor one in the short codes' spelling
    before = event(f"gtot-early-{BOX_2}", "GTOT", "03-12 07:00", "CNQZH", box=BOX_2)
    assert behind_at("03-13 00:00", [*RAIL, *GATED_IN, LOAD_1, LOAD_2, before, SAILED]) == []
    short = event(f"gtot-qzh-{BOX_2}", "GTOT", "03-12 09:30", "CNQZH", box=BOX_2, short_codes=True)
    (same,) = behind_at("03-13 00:00", [*RAIL, *GATED_IN, LOAD_1, LOAD_2, short, SAILED])
    assert same.message == alert.message


def test_the_left_behind_box_is_also_missing_at_singapore() -> None:
    arrived = [VESSEL_ARRIVED, event(f"disc-{BOX_1}", "DISC", "03-18 20:00", "SGSIN", box=BOX_1)]
    alerts = alerts_at("03-20 00:00", [*QUAY, *arrived])
    assert [(a.kind, a.milestone, a.containers) for a in alerts] == [
        (AlertKind.CONTAINER_LEFT_BEHIND, MilestoneKind.LOAD, (BOX_2,)),
        (AlertKind.OVERDUE_MILESTONE, MilestoneKind.DISCHARGE, (BOX_2,)),
    ]


def test_a_box_left_at_chongqing_is_not_left_behind_again_at_qinzhou() -> None:
    rail = [
        *(event(f"rgtin-{b}", "GTIN", "03-08 16:00", "CNCQI", box=b) for b in (BOX_1, BOX_2)),
        event(f"rload-{BOX_1}", "LOAD", "03-09 09:00", "CNCQI", box=BOX_1, mode="RAIL"),
        *RAIL,
        event(f"gtin-{BOX_1}", "GTIN", "03-11 13:00", "CNQZH", box=BOX_1),
        LOAD_1,
        SAILED,
    ]
    (alert,) = behind_at("03-13 00:00", rail)
    assert alert.containers == (BOX_2,)
    assert (alert.leg.role, alert.place.code) == ("PRE_CARRIAGE", "CNCQI")
    assert alert.planned == at("03-09 12:00")  # the train's planned departure
    assert alert.message == (
        f"Container {BOX_2} left behind at Chongqing (CNCQI): the train departed "
        "2026-03-09 13:00 UTC without it (no loading reported; last gated in there "
        "2026-03-08 16:00 UTC)"
    )


def test_a_box_left_at_the_transshipment_point_before_on_carriage() -> None:
    plan = demo_plan(
        onCarriageBy="RAIL",
        placeOfDelivery={"locationName": "Kuala Lumpur", "UNLocationCode": "MYKUL"},
    )
    events = [
        *on_time_events(),
        event(f"rload-{BOX_1}", "LOAD", "03-19 09:00", "SGSIN", box=BOX_1, mode="RAIL"),
        event("train-dep", "DEPA", "03-19 12:00", "SGSIN", mode="RAIL"),
    ]
    alerts = alerts_at("03-19 18:00", events, plan=plan)
    (alert,) = [a for a in alerts if a.kind is AlertKind.CONTAINER_LEFT_BEHIND]
    assert alert.containers == (BOX_2,)
    assert (alert.leg.role, alert.place.code) == ("ON_CARRIAGE", "SGSIN")
    assert alert.message == (
        f"Container {BOX_2} left behind at Singapore (SGSIN): the train departed "
        "2026-03-19 12:00 UTC without it (no loading reported; last discharged there "
        "2026-03-18 20:00 UTC)"
    )


def test_left_behind_alerts_alone_and_their_grace() -> None:
    journey = build_journey(demo_plan(), QUAY, at("03-12 14:30"))
    assert left_behind_alerts(journey, at("03-12 14:30")) == []
    (alert,) = left_behind_alerts(journey, at("03-12 14:30"), grace=2 * H)
    assert alert.containers == (BOX_2,)
    with pytest.raises(ValueError, match="negative"):
        left_behind_alerts(journey, at("03-12 14:30"), grace=-H)
    with pytest.raises(ValueError, match="negative"):
        overdue_alerts(journey, at("03-12 14:30"), left_behind_grace=-H)
    (finding,) = left_behind(journey)
    assert finding.noticed == at("03-12 12:30")
    assert finding.last_seen is not None
    assert finding.last_seen.event_id == f"gtin-{BOX_2}"
    assert finding.loaded == (BOX_1,)


def test_a_departure_reported_late_is_counted_from_its_report() -> None:
    reported_late = event(
        "vsl-dep", "DEPA", "03-12 12:30", "CNQZH", mode="VESSEL", updated="03-13 08:00"
    )
    events = [*RAIL, *GATED_IN, LOAD_1, reported_late]
    assert behind_at("03-13 13:59", events) == []
    assert len(behind_at("03-13 14:00", events)) == 1


def test_a_gate_in_or_discharge_naming_no_container_undoes_no_loading() -> None:
    load_2 = event(f"load-{BOX_2}", "LOAD", "03-12 07:17", "CNQZH", box=BOX_2, mode="VESSEL")
    loaded = [*RAIL, *GATED_IN, LOAD_1, load_2]
    for unnamed in (
        event("gtin-anon", "GTIN", "03-12 08:00", "CNQZH"),
        event("disc-anon", "DISC", "03-12 08:00", "CNQZH", mode="RAIL"),
    ):
        journey = build_journey(demo_plan(), [*loaded, unnamed, SAILED], at("03-13 00:00"))
        assert left_behind(journey) == []
