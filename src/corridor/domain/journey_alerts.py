"""Overdue milestones: an expected event that has not happened by its planned time plus a grace.

Every expected milestone of a planned leg (``corridor.domain.legs``: departure and arrival of each
leg; gate-in, loading and discharge too on the sea leg) is watched. It is *overdue* at ``now`` when

* ``now >= planned + grace`` (the issue's example: no vessel departure from Qinzhou 24 h after
  plan), and
* it has not been reached for every followed container: neither it nor anything after it on the
  journey has been seen as an actual (``ACT``) DCSA TNT 3.0 event (``MilestoneState.reached``). A
  departure observed without its gate-in does not leave the gate-in overdue.

An ``Alert`` is a value: the same overdue milestone gives the same ``id`` whenever it is computed
(it hashes the document, the containers followed, the leg, the milestone and its planned time, but
not ``now``), so a subscriber told once can be told no more. When the milestone is reached the
alert disappears from the list. The carrier's estimate, if any, is quoted in the sentence but
does not silence the alert: the plan was missed either way.

A second kind, ``CONTAINER_LEFT_BEHIND``: a container's loading is overdue because its vehicle
has left without it (``corridor.domain.left_behind``: the vessel departed Qinzhou with the
other box loaded, this one still gated in there). The departure settles that leg's milestones
for the status and the overdue rule above, so this kind is found from the container's own
events instead. It is raised once the departure has been known for ``LEFT_BEHIND_GRACE`` (6 h:
a loading reported a little after the departure must not be taken for a box left behind, and a
subscriber cannot be untold), names the container and the place, and is gone as soon as the
container's loading is reported, or any news of it further on (anywhere but the departure
point after the departure, matched to a leg or not). Its ``id`` follows the same scheme (the
document, the containers followed, the leg, the kind, the container, the leg's planned
departure; never ``now`` nor the reported times), prefixed ``left-behind-``.

``overdue_alerts`` returns both kinds, in plan order: it is what the document page and the
alert subscribers are given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from corridor.domain.journey import Journey, MilestoneState, require_aware
from corridor.domain.left_behind import LeftBehind, left_behind
from corridor.domain.legs import Place, PlannedLeg
from corridor.domain.tracking_event import MilestoneKind, Mode

__all__ = [
    "DEFAULT_GRACE",
    "LEFT_BEHIND_GRACE",
    "Alert",
    "AlertKind",
    "left_behind_alerts",
    "overdue_alerts",
]

DEFAULT_GRACE = dt.timedelta(hours=24)
LEFT_BEHIND_GRACE = dt.timedelta(hours=6)
_ID_SCHEME = "corridor-journey-alert/1"


class AlertKind(StrEnum):
    """What an alert says (the ``alertType`` of its callback)."""

    OVERDUE_MILESTONE = "OVERDUE_MILESTONE"
    """An expected milestone not seen ``grace`` after its planned time."""
    CONTAINER_LEFT_BEHIND = "CONTAINER_LEFT_BEHIND"
    """The vehicle of a leg departed without one container of the bill."""


_ADJECTIVE = {
    Mode.VESSEL: "vessel",
    Mode.RAIL: "rail",
    Mode.TRUCK: "truck",
    Mode.BARGE: "barge",
    Mode.MULTIMODAL: "multimodal",
}
_NOUN = {
    Mode.VESSEL: "vessel",
    Mode.RAIL: "train",
    Mode.TRUCK: "truck",
    Mode.BARGE: "barge",
    Mode.MULTIMODAL: "carrier's transport",
}


@dataclass(frozen=True)
class Alert:
    id: str
    document_reference: str
    leg: PlannedLeg
    milestone: MilestoneKind
    place: Place
    planned: dt.datetime
    overdue_by: dt.timedelta
    """``now`` minus the planned time (for a container left behind, never below zero)."""
    containers: tuple[str, ...]
    """The followed containers still waiting for it (empty when containers are not named)."""
    estimated: dt.datetime | None
    message: str
    kind: AlertKind = AlertKind.OVERDUE_MILESTONE
    departed: dt.datetime | None = None
    """``CONTAINER_LEFT_BEHIND``: when the vehicle left without the container."""


def _what(kind: MilestoneKind, leg: PlannedLeg, place: Place) -> str:
    adjective, noun = _ADJECTIVE[leg.mode], _NOUN[leg.mode]
    return {
        MilestoneKind.GATE_IN: f"No gate-in at {place.label}",
        MilestoneKind.LOAD: f"No loading onto the {noun} at {place.label}",
        MilestoneKind.DEPARTURE: f"No {adjective} departure from {place.label}",
        MilestoneKind.ARRIVAL: f"No {adjective} arrival at {place.label}",
        MilestoneKind.DISCHARGE: f"No discharge from the {noun} at {place.label}",
    }[kind]


def _late(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 72:
        return f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _message(journey: Journey, state: MilestoneState, leg: PlannedLeg, late: dt.timedelta) -> str:
    planned = state.planned
    text = f"{_what(planned.kind, leg, planned.place)} {_late(late)} after the planned " + _utc(
        planned.planned
    )
    followed = journey.equipment
    if len(followed) > 1 and len(state.pending) < len(followed):
        text += (
            f" for {len(state.pending)} of {len(followed)} containers ({', '.join(state.pending)})"
        )
    if state.estimated is not None:
        text += f"; the carrier now estimates {_utc(state.estimated)}"
    return text


def _alert_id(journey: Journey, leg: PlannedLeg, state: MilestoneState) -> str:
    parts = (
        _ID_SCHEME,
        journey.plan.document_reference,
        ",".join(sorted(journey.equipment)),
        _leg_id(leg),
        state.planned.kind.name,
        state.planned.planned.astimezone(dt.UTC).isoformat(),
    )
    return f"overdue-{_digest(parts)}"


def _leg_id(leg: PlannedLeg) -> str:
    return f"{leg.index}:{leg.origin.code}:{leg.destination.code}:{leg.mode}"


def _digest(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _milestone_alerts(journey: Journey, now: dt.datetime, grace: dt.timedelta) -> list[Alert]:
    alerts = []
    for progress in journey.legs:
        leg = progress.leg
        for state in progress.milestones:
            planned = state.planned.planned
            if state.reached or now < planned + grace:
                continue
            late = now - planned
            alerts.append(
                Alert(
                    id=_alert_id(journey, leg, state),
                    document_reference=journey.plan.document_reference,
                    leg=leg,
                    milestone=state.planned.kind,
                    place=state.planned.place,
                    planned=planned,
                    overdue_by=late,
                    containers=state.pending,
                    estimated=state.estimated,
                    message=_message(journey, state, leg, late),
                )
            )
    return alerts


def _why(finding: LeftBehind) -> str:
    seen, load = finding.last_seen, finding.last_load
    if seen is not None and seen.event_time is not None:
        if finding.gated_out:
            verb = "gated out"
        else:
            verb = "gated in" if seen.milestone is MilestoneKind.GATE_IN else "discharged"
        if load is not None and load.event_time is not None:
            again = "" if finding.gated_out else " again"
            return (
                f"loaded {_utc(load.event_time)}, then {verb} there{again} {_utc(seen.event_time)}"
            )
        return f"no loading reported; last {verb} there {_utc(seen.event_time)}"
    others = finding.loaded
    verb = "was" if len(others) == 1 else "were"
    return f"no loading reported, while {', '.join(others)} {verb} loaded"


def _left_behind_message(finding: LeftBehind) -> str:
    noun = _NOUN[finding.leg.mode]
    return (
        f"Container {finding.container} left behind at {finding.place.label}: the {noun} "
        f"departed {_utc(finding.departed)} without it ({_why(finding)})"
    )


def _left_behind_alert(journey: Journey, finding: LeftBehind, now: dt.datetime) -> Alert:
    leg = finding.leg
    loading = leg.milestone(MilestoneKind.LOAD)
    planned = loading.planned if loading is not None else leg.planned_departure
    parts = (
        _ID_SCHEME,
        journey.plan.document_reference,
        ",".join(sorted(journey.equipment)),
        _leg_id(leg),
        AlertKind.CONTAINER_LEFT_BEHIND.value,
        finding.container,
        leg.planned_departure.astimezone(dt.UTC).isoformat(),
    )
    return Alert(
        id=f"left-behind-{_digest(parts)}",
        document_reference=journey.plan.document_reference,
        leg=leg,
        milestone=MilestoneKind.LOAD,
        place=finding.place,
        planned=planned,
        # a vehicle that left before the plan still left without it: never negative
        overdue_by=max(now - planned, dt.timedelta(0)),
        containers=(finding.container,),
        estimated=None,
        message=_left_behind_message(finding),
        kind=AlertKind.CONTAINER_LEFT_BEHIND,
        departed=finding.departed,
    )


def _check_grace(name: str, grace: dt.timedelta) -> None:
    if grace < dt.timedelta(0):
        raise ValueError(f"the {name} cannot be negative")


def left_behind_alerts(
    journey: Journey, now: dt.datetime, grace: dt.timedelta = LEFT_BEHIND_GRACE
) -> list[Alert]:
    """The containers left behind (``corridor.domain.left_behind``) whose vehicle's departure
    has been known for ``grace`` at ``now``."""
    require_aware(now)
    _check_grace("left-behind grace period", grace)
    return [
        _left_behind_alert(journey, finding, now)
        for finding in left_behind(journey)
        if now >= finding.noticed + grace
    ]


def overdue_alerts(
    journey: Journey,
    now: dt.datetime,
    grace: dt.timedelta = DEFAULT_GRACE,
    left_behind_grace: dt.timedelta = LEFT_BEHIND_GRACE,
) -> list[Alert]:
    """Every alert of the journey at ``now``, in plan order: expected milestones overdue by
    ``grace`` after plan, and containers left behind (their loading overdue: the vehicle has
    left), ``left_behind_grace`` after the departure was known (see the module docstring)."""
    require_aware(now)
    _check_grace("grace period", grace)
    alerts = _milestone_alerts(journey, now, grace)
    alerts += left_behind_alerts(journey, now, left_behind_grace)
    return sorted(alerts, key=lambda a: (a.planned, a.leg.index, a.milestone, a.kind, a.id))
