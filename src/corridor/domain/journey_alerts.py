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
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from corridor.domain.journey import Journey, MilestoneState, require_aware
from corridor.domain.legs import Place, PlannedLeg
from corridor.domain.tracking_event import MilestoneKind, Mode

__all__ = ["DEFAULT_GRACE", "Alert", "overdue_alerts"]

DEFAULT_GRACE = dt.timedelta(hours=24)

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
    """``now`` minus the planned time."""
    containers: tuple[str, ...]
    """The followed containers still waiting for it (empty when containers are not named)."""
    estimated: dt.datetime | None
    message: str


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
        "corridor-journey-alert/1",
        journey.plan.document_reference,
        ",".join(sorted(journey.equipment)),
        f"{leg.index}:{leg.origin.code}:{leg.destination.code}:{leg.mode}",
        state.planned.kind.name,
        state.planned.planned.astimezone(dt.UTC).isoformat(),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"overdue-{digest[:32]}"


def overdue_alerts(
    journey: Journey, now: dt.datetime, grace: dt.timedelta = DEFAULT_GRACE
) -> list[Alert]:
    """Every expected milestone overdue at ``now`` (see the module docstring), in plan order."""
    require_aware(now)
    if grace < dt.timedelta(0):
        raise ValueError("the grace period cannot be negative")
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
    return sorted(alerts, key=lambda a: (a.planned, a.leg.index, a.milestone))
