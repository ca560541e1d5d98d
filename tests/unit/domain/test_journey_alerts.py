"""Overdue milestone alerts (``corridor.domain.journey_alerts``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.unit.domain.test_journey_fixtures import (
    BOX_1,
    BOX_2,
    VOYAGE,
    at,
    demo_plan,
    event,
    on_time_events,
)

from corridor.domain.journey import build_journey
from corridor.domain.journey_alerts import DEFAULT_GRACE, Alert, overdue_alerts
from corridor.domain.tracking_event import MilestoneKind

H = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)

# The train arrives, both containers are gated in and loaded; the vessel does not sail.
AT_QINZHOU = [
    event("rail-dep", "DEPA", "03-09 13:00", "CNCQI", mode="RAIL"),
    event("rail-arr", "ARRI", "03-11 10:00", "CNQZH", mode="RAIL"),
    *(event(f"gtin-{b}", "GTIN", "03-11 13:00", "CNQZH", box=b) for b in (BOX_1, BOX_2)),
    *(event(f"load-{b}", "LOAD", "03-12 07:00", "CNQZH", box=b) for b in (BOX_1, BOX_2)),
]
SAILED = event(
    "vsl-dep", "DEPA", "03-13 15:00", "CNQZH", mode="VESSEL", voyage=VOYAGE, updated="03-13 15:10"
)


def alerts_at(
    now: dt.datetime | str, events: list[dict[str, Any]], box: str | None = None, **kw: Any
) -> list[Alert]:
    moment = at(now) if isinstance(now, str) else now
    return overdue_alerts(build_journey(demo_plan(), events, moment, box), moment, **kw)


def test_the_qinzhou_departure_alert_appears_exactly_after_plan_plus_24_h() -> None:
    due = at("03-12 12:00") + DEFAULT_GRACE
    assert DEFAULT_GRACE == 24 * H
    assert alerts_at(due - SECOND, AT_QINZHOU) == []
    (alert,) = alerts_at(due, AT_QINZHOU)
    assert alert.milestone is MilestoneKind.DEPARTURE
    assert alert.leg.role == "SEA"
    assert alert.place.code == "CNQZH"
    assert alert.planned == at("03-12 12:00")
    assert alert.overdue_by == 24 * H
    assert alert.containers == (BOX_1, BOX_2)
    assert alert.document_reference == "WLSM26CQSG0001"
    later = alerts_at("03-13 14:00", AT_QINZHOU)[0]
    assert later.message == (
        "No vessel departure from Qinzhou (CNQZH) 26 h after the planned 2026-03-12 12:00 UTC"
    )
    assert later.overdue_by == 26 * H


def test_the_alert_disappears_once_the_departure_is_reported() -> None:
    events = [*AT_QINZHOU, SAILED]
    assert len(alerts_at("03-13 15:09", events)) == 1  # it sailed, but nobody has said so yet
    assert alerts_at("03-13 15:10", events) == []
    assert alerts_at("03-14 00:00", events) == []


def test_an_alert_keeps_its_id_so_nobody_is_told_twice() -> None:
    first = alerts_at("03-13 12:00", AT_QINZHOU)[0]
    later = alerts_at("03-16 02:00", AT_QINZHOU)[0]
    assert first.id == later.id
    assert first.id.startswith("overdue-")
    assert len(first.id) == len("overdue-") + 32
    assert first != later  # the value differs: how late it is
    assert later.message.startswith("No vessel departure from Qinzhou (CNQZH) 3 d 14 h after")
    one_box = alerts_at("03-13 12:00", AT_QINZHOU, BOX_1)[0]
    assert one_box.id != first.id  # another journey: one container's
    other_plan = build_journey(
        demo_plan(plannedDepartureDate="2026-03-13"), AT_QINZHOU, at("03-15 00:00")
    )
    assert overdue_alerts(other_plan, at("03-15 00:00"))[0].id != first.id


def test_a_journey_with_no_news_alerts_from_the_first_missed_departure() -> None:
    alerts = alerts_at("03-10 12:00", [])
    assert [a.message for a in alerts] == [
        "No rail departure from Chongqing (CNCQI) 24 h after the planned 2026-03-09 12:00 UTC"
    ]
    many = alerts_at("03-13 12:00", [])
    assert [(a.leg.role, a.milestone) for a in many] == [
        ("PRE_CARRIAGE", MilestoneKind.DEPARTURE),
        ("PRE_CARRIAGE", MilestoneKind.ARRIVAL),
        ("SEA", MilestoneKind.GATE_IN),
        ("SEA", MilestoneKind.LOAD),
        ("SEA", MilestoneKind.DEPARTURE),
    ]
    assert many[1].message == (
        "No rail arrival at Qinzhou (CNQZH) 48 h after the planned 2026-03-11 12:00 UTC"
    )
    assert many[2].message.startswith("No gate-in at Qinzhou (CNQZH) 48 h")
    assert many[3].message.startswith("No loading onto the vessel at Qinzhou (CNQZH) 30 h")


def test_later_evidence_settles_earlier_milestones() -> None:
    # Only the vessel's departure is reported: the train, gate-in and loading must have happened.
    assert (
        alerts_at("03-14 00:00", [event("d", "DEPA", "03-12 13:00", "CNQZH", mode="VESSEL")]) == []
    )


def test_one_container_missing_is_named() -> None:
    events = [e for e in AT_QINZHOU if e["eventID"] != f"load-{BOX_2}"]
    (alert,) = alerts_at("03-13 06:00", events)
    assert alert.milestone is MilestoneKind.LOAD
    assert alert.containers == (BOX_2,)
    assert alert.message == (
        "No loading onto the vessel at Qinzhou (CNQZH) 24 h after the planned "
        f"2026-03-12 06:00 UTC for 1 of 2 containers ({BOX_2})"
    )
    assert alerts_at("03-13 06:00", events, BOX_1) == []


def test_the_carrier_estimate_is_quoted_but_does_not_silence() -> None:
    etd = event(
        "etd",
        "DEPA",
        "03-14 06:00",
        "CNQZH",
        classifier="EST",
        mode="VESSEL",
        updated="03-12 20:00",
    )
    (alert,) = alerts_at("03-13 12:00", [*AT_QINZHOU, etd])
    assert alert.estimated == at("03-14 06:00")
    assert alert.message.endswith("; the carrier now estimates 2026-03-14 06:00 UTC")


def test_arrival_and_discharge_at_singapore() -> None:
    sailing = on_time_events()[:3]
    alerts = alerts_at("03-19 12:00", sailing)
    assert [a.message for a in alerts] == [
        "No vessel arrival at Singapore (SGSIN) 24 h after the planned 2026-03-18 12:00 UTC"
    ]
    arrived = [*sailing, event("a", "ARRI", "03-18 11:00", "SGSIN", mode="VESSEL")]
    (discharge,) = alerts_at("03-20 00:00", arrived)
    assert discharge.message == (
        "No discharge from the vessel at Singapore (SGSIN) 24 h after the planned "
        "2026-03-19 00:00 UTC"
    )
    assert alerts_at("03-30 00:00", on_time_events()) == []


def test_the_grace_can_be_changed_but_not_negative() -> None:
    assert alerts_at("03-12 18:00", AT_QINZHOU, grace=6 * H)[0].overdue_by == 6 * H
    assert alerts_at("03-12 17:59", AT_QINZHOU, grace=6 * H) == []
    with pytest.raises(ValueError, match="negative"):
        alerts_at("03-12 18:00", AT_QINZHOU, grace=-H)
