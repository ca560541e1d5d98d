"""A container left behind on the document page: in the alert box and on its leg's departure.

``WLSM26CQSG0103`` (the demo bill on the vessel, held by the Singapore bank) with one more event:
its second container discharged again at Qinzhou before the vessel sailed.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from tests.web.conftest import Web

from corridor.api.app import create_app
from corridor.domain.eta import LegDurationHistory
from corridor.domain.journey_alerts import AlertKind
from corridor.services.demo import DEMO_DOCUMENTS, seed_parties
from corridor.services.demo_events import DemoJourney, corridor_journeys
from corridor.services.journeys import JourneySources, document_journey, journey_view
from corridor.services.node import Node
from corridor.web.journey_view import build_section

ON_THE_VESSEL = "WLSM26CQSG0103"
OVERDUE = "WLSM26CQSG0102"
DISCHARGED = "WLSM26CQSG0104"


def _shut_out(journey: DemoJourney) -> dict[str, Any]:
    """The second box's loading, turned into a discharge at Qinzhou 90 minutes later."""
    box = journey.containers[1]
    [load] = [e for e in journey.events if e["eventID"].endswith(f"vessel-load-{box}-ACT")]
    event = copy.deepcopy(load)
    at = dt.datetime.fromisoformat(load["eventDateTime"]) + dt.timedelta(minutes=90)
    event["eventID"] += "-SHUT-OUT"
    event["eventClassification"]["equipmentEventType"] = "DISCHARGED"
    event["eventDateTime"] = event["eventUpdatedDateTime"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return event


@pytest.fixture
def shut_out_web(sqlite_node: Node) -> Iterator[Web]:
    node = sqlite_node
    ids = seed_parties(node)
    [journey] = [j for j in corridor_journeys(node.clock()) if j.reference == ON_THE_VESSEL]
    [demo] = [d for d in DEMO_DOCUMENTS if d.reference == ON_THE_VESSEL]
    node.issue(journey.document, carrier=ids["carrier"], to=ids["exporter"])
    for code, actor, recipient in demo.steps:
        node.act(demo.reference, code, actor=ids[actor], recipient=ids.get(recipient or ""))
    events = [*journey.events, _shut_out(journey)]
    app = create_app(node)
    app.state.journey_sources = JourneySources(events=lambda _ref, _boxes: events)
    with TestClient(app) as client:
        yield Web(node, ids, client)


def _section(text: str) -> str:
    found = re.search(r'<section class="card journey".*?</section>', text, re.S)
    assert found is not None
    return found.group(0)


def test_the_box_left_behind_is_named_in_the_alert_box_and_on_the_departure(
    shut_out_web: Web,
) -> None:
    sources: JourneySources = shut_out_web.client.app.state.journey_sources  # type: ignore[attr-defined]
    view = document_journey(shut_out_web.node, ON_THE_VESSEL, sources)
    [alert] = view.alerts
    assert alert.kind is AlertKind.CONTAINER_LEFT_BEHIND
    box = alert.containers[0]
    text = shut_out_web.sign_in("sg_bank").get(f"/documents/{ON_THE_VESSEL}").text
    journey = _section(text)
    box_html = re.search(r'data-testid="journey-alerts".*?</div>', journey, re.S)
    assert box_html is not None
    assert "<strong>Left behind</strong>" in box_html.group(0)
    assert escape(alert.message) in box_html.group(0)
    assert f"Container {box} left behind at Qinzhou (CNQZH)" in alert.message
    departure = re.search(
        r'<li class="jt-cargo jt-done">(?:(?!</li>).)*Vessel departs Qinzhou(?:(?!</li>).)*</li>',
        journey,
        re.S,
    )
    assert departure is not None
    assert f"Departed without {box} (left behind)" in departure.group(0)
    assert 'class="jt-cargo jt-overdue"' not in journey  # nothing is overdue by the plan


def test_the_heading_names_the_kind_or_says_alerts_for_both() -> None:
    now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    journeys = {j.reference: j for j in corridor_journeys(now)}
    history = LegDurationHistory()
    overdue = journey_view(journeys[OVERDUE].document, journeys[OVERDUE].events, history, now)
    assert build_section(overdue).alert_heading == "Overdue"
    vessel = journeys[ON_THE_VESSEL]
    behind = journey_view(vessel.document, [*vessel.events, _shut_out(vessel)], history, now)
    assert build_section(behind).alert_heading == "Left behind"
    # discharged in Singapore: the box shut out at Qinzhou is also missing from the discharge
    arrived = journeys[DISCHARGED]
    box = arrived.containers[1]
    events = [
        *(e for e in arrived.events if not e["eventID"].endswith(f"discharge-{box}-ACT")),
        _shut_out(arrived),
    ]
    both = journey_view(arrived.document, events, history, now)
    assert [a.kind for a in both.alerts] == [
        AlertKind.CONTAINER_LEFT_BEHIND,
        AlertKind.OVERDUE_MILESTONE,
    ]
    section = build_section(both)
    assert section.alert_heading == "Alerts"
    assert section.alerts == tuple(a.message for a in both.alerts)
