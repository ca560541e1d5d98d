"""Builders of DCSA TNT 3.0 events for the Chongqing -> Qinzhou -> Singapore journey.

The other ``test_journey_*`` modules import these. The transport document is the corridor's demo
(``src/corridor/demo/chongqing_singapore_td.json``): rail CNCQI -> CNQZH, vessel BEIBU GULF
PIONEER voyage 2611S CNQZH -> SGSIN, containers WLMU4582011 and WLMU4582177. Its planned dates
(sea departure 2026-03-12, arrival 2026-03-18) give, at 12:00 UTC and with the corridor's typical
durations: rail 03-09 12:00 -> 03-11 12:00; gate-in 03-11 12:00, loading 03-12 06:00, vessel
departure 03-12 12:00, arrival 03-18 12:00, discharge 03-19 00:00.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from corridor.domain.equipment import is_valid_container_number
from corridor.domain.legs import JourneyPlan, plan_journey

ROOT = Path(__file__).resolve().parents[3]
DEMO_TD = ROOT / "src/corridor/demo/chongqing_singapore_td.json"
VECTORS = ROOT / "tests/vectors/dcsa"

BOX_1, BOX_2 = "WLMU4582011", "WLMU4582177"
STRANGER_BOX = "CSQU3054383"
VOYAGE = "2611S"


def at(text: str) -> dt.datetime:
    """``"03-12 12:00"`` -> 2026-03-12 12:00 UTC."""
    return dt.datetime.fromisoformat(f"2026-{text}:00+00:00")


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def demo_td() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DEMO_TD.read_text())
    return loaded


def demo_plan(**changes: Any) -> JourneyPlan:
    td = copy.deepcopy(demo_td())
    td["transports"].update(changes)
    return plan_journey(td)


_SPEC_CODES = {
    "ACT": "ACTUAL",
    "EST": "ESTIMATED",
    "PLN": "PLANNED",
    "DEPA": "DEPARTED",
    "ARRI": "ARRIVED",
    "GTIN": "GATED_IN",
    "LOAD": "LOADED",
    "DISC": "DISCHARGED",
    "GTOT": "GATED_OUT",
}
_TRANSPORT = {"DEPA", "ARRI"}


def event(
    event_id: str,
    code: str,
    when: str | dt.datetime,
    where: str,
    *,
    classifier: str = "ACT",
    mode: str | None = None,
    box: str | None = None,
    updated: str | dt.datetime | None = None,
    voyage: str | None = None,
    short_codes: bool = False,
    empty: bool = False,
) -> dict[str, Any]:
    """A TNT 3.0 ``Event``: ``code`` is DEPA/ARRI (transport) or GTIN/LOAD/DISC/GTOT (equipment).

    Spelled as the TNT 3.0.0 schema does (``eventType``, ``ACTUAL``, ``DEPARTED``), or with
    ``short_codes`` as DCSA's published examples do (``eventTypeCode``, ``ACT``, ``DEPA``).
    """
    when_at = at(when) if isinstance(when, str) else when
    kind = "TRANSPORT" if code in _TRANSPORT else "EQUIPMENT"
    sub = "transportEventType" if kind == "TRANSPORT" else "equipmentEventType"
    if short_codes:
        classification = {
            "eventTypeCode": kind,
            "eventClassifierCode": classifier,
            f"{sub}Code": code,
        }
    else:
        classification = {
            "eventType": kind,
            "eventClassifier": _SPEC_CODES[classifier],
            sub: _SPEC_CODES[code],
        }
    raw: dict[str, Any] = {
        "eventID": event_id,
        "eventDateTime": iso(when_at),
        "eventUpdatedDateTime": iso(
            (at(updated) if isinstance(updated, str) else updated) if updated else when_at
        ),
        "eventLocation": {"UNLocationCode": where},
        "eventClassification": classification,
    }
    if mode is not None or voyage is not None:
        call: dict[str, Any] = {"modeOfTransport": mode} if mode else {}
        if voyage is not None:
            call["exportVoyageNumberOrReference"] = {"carrierVoyageNumber": voyage}
        raw["transportDetails"] = {"transportCall": call}
    if box is not None:
        raw["equipmentDetails"] = {
            "equipmentReference": box,
            "emptyIndicator": "EMPTY" if empty else "LADEN",
        }
    return raw


def retraction(event_id: str, updated: str | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = {"eventID": event_id, "isRetracted": True}
    if updated is not None:
        raw["eventUpdatedDateTime"] = iso(at(updated))
    return raw


def on_time_events(boxes: tuple[str, ...] = (BOX_1, BOX_2)) -> list[dict[str, Any]]:
    """A journey that keeps to the plan, reported by train, terminal and vessel."""
    events = [
        event("rail-dep", "DEPA", "03-09 13:00", "CNCQI", mode="RAIL"),
        event("rail-arr", "ARRI", "03-11 10:00", "CNQZH", mode="RAIL"),
        event("vsl-dep", "DEPA", "03-12 12:30", "CNQZH", mode="VESSEL", voyage=VOYAGE),
        event("vsl-arr", "ARRI", "03-18 09:00", "SGSIN", mode="VESSEL", voyage=VOYAGE),
    ]
    for box in boxes:
        events += [
            event(f"gtin-{box}", "GTIN", "03-11 13:00", "CNQZH", box=box),
            event(f"load-{box}", "LOAD", "03-12 07:00", "CNQZH", box=box, mode="VESSEL"),
            event(f"disc-{box}", "DISC", "03-18 20:00", "SGSIN", box=box),
        ]
    return events


def test_the_scenario_uses_valid_iso_6346_container_numbers() -> None:
    for box in (BOX_1, BOX_2, STRANGER_BOX):
        assert is_valid_container_number(box), box
    assert demo_plan().equipment_references == (BOX_1, BOX_2)


def test_the_builder_speaks_both_vocabularies() -> None:
    spec = event("e", "DEPA", "03-12 12:00", "CNQZH", mode="VESSEL")
    short = event("e", "DEPA", "03-12 12:00", "CNQZH", mode="VESSEL", short_codes=True)
    assert spec["eventClassification"] == {
        "eventType": "TRANSPORT",
        "eventClassifier": "ACTUAL",
        "transportEventType": "DEPARTED",
    }
    assert short["eventClassification"] == {
        "eventTypeCode": "TRANSPORT",
        "eventClassifierCode": "ACT",
        "transportEventTypeCode": "DEPA",
    }
