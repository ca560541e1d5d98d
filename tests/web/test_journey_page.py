"""The journey on the document page, and the corridor page, from injected event sources.

The node is seeded as ``seed_corridor`` will be once it uses ``services.demo_events``: the five
demo bills with their planned dates around the node's clock, their own containers and title
histories, and the demo's tracking events and past journeys behind ``app.state.journey_sources``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from tests.web.conftest import Web

from corridor.api.app import create_app
from corridor.services.demo import DEMO_DOCUMENTS, seed_parties
from corridor.services.demo_events import corridor_journeys, history_journeys
from corridor.services.journeys import (
    JourneyRecord,
    JourneySources,
    document_journey,
)
from corridor.services.node import Node

SVG = "{http://www.w3.org/2000/svg}"
OVERDUE = "WLSM26CQSG0102"


@pytest.fixture
def journey_web(sqlite_node: Node) -> Iterator[Web]:
    node = sqlite_node
    ids = seed_parties(node)
    now = node.clock()
    journeys = {j.reference: j for j in corridor_journeys(now)}
    for demo in DEMO_DOCUMENTS:
        node.issue(journeys[demo.reference].document, carrier=ids["carrier"], to=ids["exporter"])
        for code, actor, recipient in demo.steps:
            to = None if recipient is None else ids[recipient]
            node.act(demo.reference, code, actor=ids[actor], recipient=to)
    events = {ref: list(j.events) for ref, j in journeys.items()}
    history = [JourneyRecord(j.document, j.events) for j in history_journeys(now)]
    app = create_app(node)
    app.state.journey_sources = JourneySources(
        events=lambda ref, _boxes: events.get(ref, []), history=lambda: history
    )
    with TestClient(app) as client:
        yield Web(node, ids, client)


def _sources(web: Web) -> JourneySources:
    sources: JourneySources = web.client.app.state.journey_sources  # type: ignore[attr-defined]
    return sources


def _svgs(text: str) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML (so each must be well-formed)."""
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", text, re.S)]


def _section(text: str) -> str:
    match = re.search(r'<section class="card journey".*?</section>', text, re.S)
    assert match is not None
    return match.group(0)


def test_the_document_page_shows_the_legs_the_eta_and_the_timeline(journey_web: Web) -> None:
    client = journey_web.sign_in("carrier")
    text = client.get("/documents/WLSM26CQSG0101").text
    journey = _section(text)
    view = document_journey(journey_web.node, "WLSM26CQSG0101", _sources(journey_web))
    for expected in (
        "Chongqing (CNCQI) → Qinzhou (CNQZH)",
        "Qinzhou (CNQZH) → Singapore (SGSIN)",
        "Beibu Gulf Pioneer 2611S",
        "Under way",
        "Planned",
        "Estimated arrival",
        "Train departs Chongqing (CNCQI)",
        "Vessel arrives at Singapore (SGSIN)",
        "Learned from 30 past journeys on this node.",
        "The cargo is on the train from Chongqing (CNCQI) to Qinzhou (CNQZH)",
    ):
        assert escape(expected) in journey, expected
    assert escape(view.eta.explanation) in journey
    assert "likely between" in view.eta.explanation
    assert 'data-testid="journey-alerts"' not in journey
    assert "Bill of lading (electronic" in text  # the rest of the page is still there


def test_the_overdue_container_shows_the_alert_sentence(journey_web: Web) -> None:
    client = journey_web.sign_in("cq_bank")
    view = document_journey(journey_web.node, OVERDUE, _sources(journey_web))
    text = client.get(f"/documents/{OVERDUE}").text
    [alert] = view.alerts
    assert alert.message.startswith("No vessel departure from Qinzhou (CNQZH) ")
    journey = _section(text)
    alerts = re.search(r'data-testid="journey-alerts".*?</div>', journey, re.S)
    assert alerts is not None
    assert escape(alert.message) in alerts.group(0)
    overdue = re.findall(r'<li class="jt-cargo jt-overdue">(.*?)</li>', journey, re.S)
    assert len(overdue) == 1
    assert "Vessel departs Qinzhou (CNQZH)" in overdue[0]
    assert "carrier&#39;s estimate" in overdue[0]
    assert "Waiting to depart" in journey


def test_the_map_is_well_formed_svg_with_a_title_and_a_text_alternative(journey_web: Web) -> None:
    text = journey_web.sign_in("sg_bank").get("/documents/WLSM26CQSG0103").text
    [svg] = _svgs(_section(text))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Schematic map of the journey of WLSM26CQSG0103"
    assert desc is not None
    assert desc.text is not None
    assert "Rail Chongqing (CNCQI) to Qinzhou (CNQZH) (dashed line)" in desc.text
    assert "on the vessel from Qinzhou (CNQZH) to Singapore (SGSIN)" in desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    lines = svg.findall(f".//{SVG}polyline")
    assert [line.get("stroke-dasharray") for line in lines] == ["8 6", None]  # rail, sea
    names = {t.text.strip() for t in svg.findall(f".//{SVG}text") if t.text}
    assert {"Chongqing", "Qinzhou", "Singapore"} <= names
    assert svg.find(f".//{SVG}g[@data-testid='journey-position']") is not None
    assert "http" not in ET.tostring(svg, encoding="unicode").replace(SVG[1:-1], "")
    outside = re.sub(r"<svg\b.*?</svg>", "", _section(text), flags=re.S)
    assert "The cargo is on the vessel" in outside  # the text alternative, outside the picture


def test_title_actions_fed_as_shipment_events_join_the_timeline(journey_web: Web) -> None:
    ref = "WLSM26CQSG0104"
    base = _sources(journey_web)
    shipment = {
        "eventID": "title-1",
        "eventDateTime": "2026-02-21T10:00:00Z",
        "eventUpdatedDateTime": "2026-02-21T10:00:00Z",
        "eventClassification": {
            "eventType": "SHIPMENT",
            "eventClassifier": "ACTUAL",
            "shipmentEventType": "ISSUED",
        },
        "shipmentDetails": {"documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": ref}},
    }
    surrender = {
        "eventID": "title-2",
        "eventDateTime": "2026-03-01T09:00:00Z",
        "eventType": "SHIPMENT",
        "eventClassifierCode": "ACT",
        "shipmentEventTypeCode": "SURR",
        "documentTypeCode": "TRD",
        "documentID": ref,
    }

    def events(reference: str, boxes: list[str]) -> list[dict[str, Any]]:
        return [*base.events(reference, boxes), shipment, surrender]

    journey_web.client.app.state.journey_sources = JourneySources(  # type: ignore[attr-defined]
        events=events, history=base.history
    )
    journey = _section(journey_web.sign_in("importer").get(f"/documents/{ref}").text)
    titles = re.findall(r'<li class="jt-title jt-title">.*?<strong>(.*?)</strong>', journey, re.S)
    assert titles == ["Bill of lading issued", "Bill of lading surrendered"]
    steps = (  # merged into the cargo's milestones by time, before "now"
        "Train departs Chongqing",  # 02-19 12:30
        "Bill of lading issued",  # 02-21 10:00
        "Vessel departs Qinzhou",  # 02-22 14:00
        "Bill of lading surrendered",  # 03-01 09:00
        "<strong>Now</strong>",  # 03-02 08:00
    )
    order = [journey.index(step) for step in steps]
    assert order == sorted(order)


def test_a_failing_event_source_leaves_the_rest_of_the_page(journey_web: Web) -> None:
    def broken(reference: str, boxes: list[str]) -> list[dict[str, Any]]:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    journey_web.client.app.state.journey_sources = JourneySources(events=broken)  # type: ignore[attr-defined]
    page = journey_web.sign_in("exporter").get("/documents/WLSM26CQSG0101")
    assert page.status_code == 200
    assert "Tracking events are unavailable right now" in page.text
    assert "SELECT" not in page.text
    assert "Bill of lading (electronic" in page.text


def test_unreadable_events_are_left_out_with_the_reason(journey_web: Web) -> None:
    base = _sources(journey_web)
    bad = {"eventID": "garbled", "eventDateTime": "yesterday", "eventClassification": {}}
    journey_web.client.app.state.journey_sources = JourneySources(  # type: ignore[attr-defined]
        events=lambda ref, boxes: [*base.events(ref, boxes), bad], history=base.history
    )
    journey = _section(journey_web.sign_in("exporter").get("/documents/WLSM26CQSG0101").text)
    assert "1 event(s) left out: garbled: " in journey
    assert "is not an RFC 3339 date-time" in journey


def test_the_app_reads_the_event_store_and_the_title_register(web: Web) -> None:
    """``seed_corridor`` loads the demo's events into the store; the app's own sources read them
    back, with the title actions of the signed log as SHIPMENT events."""
    client = web.sign_in("carrier")
    on_train = _section(client.get("/documents/WLSM26CQSG0101").text)
    assert on_train.count('class="leg-status status-in-progress"') == 1
    assert on_train.count('class="leg-status status-planned"') == 1
    assert "Bill of lading issued" in on_train
    assert len(_svgs(on_train)) == 1
    delivered = _section(client.get("/documents/WLSM26CQSG0105").text)
    assert delivered.count('class="leg-status status-completed"') == 2
    for said in ("Bill of lading issued", "surrender for delivery requested"):
        assert said in delivered
    assert "Bill of lading surrendered" in delivered
    overdue = _section(client.get(f"/documents/{OVERDUE}").text)
    assert "No vessel departure from Qinzhou (CNQZH)" in overdue


def test_the_corridor_page_charts_the_demo_history(journey_web: Web) -> None:
    page = journey_web.sign_in("sg_bank").get("/corridor")
    assert page.status_code == 200
    text = page.text
    charts = {}
    for chart_id in ("chart-transit", "chart-on-time", "chart-dwell"):
        figure = re.search(rf'data-testid="{chart_id}".*?</figure>', text, re.S)
        assert figure is not None, chart_id
        [svg] = _svgs(figure.group(0))
        title = svg.find(f"{SVG}title")
        assert title is not None
        charts[chart_id] = (title.text, svg)
    assert charts["chart-transit"][0] == "Transit time per leg"
    assert charts["chart-dwell"][0] == "Dwell at Qinzhou"
    assert len(charts["chart-transit"][1].findall(f".//{SVG}g[@class='row']")) == 2
    columns = charts["chart-dwell"][1].findall(f".//{SVG}g[@class='column']")
    assert len(columns) >= 5
    figures = re.search(r'data-testid="corridor-figures".*?</table>', text, re.S)
    assert figures is not None
    for expected in ("Rail Chongqing → Qinzhou", "Sea Qinzhou → Singapore", "Dwell at Qinzhou"):
        assert expected in figures.group(0)
    assert figures.group(0).count("<td>30</td>") == 3
    assert "Over 30 journeys stored on this node" in text
    assert "No finished journeys" not in text


def test_the_corridor_page_lists_the_partys_documents_with_the_overdue_one(
    journey_web: Web,
) -> None:
    text = journey_web.sign_in("carrier").get("/corridor").text
    listed = re.search(r'data-testid="corridor-documents".*?</section>', text, re.S)
    assert listed is not None
    for demo in DEMO_DOCUMENTS:
        assert f">{demo.reference}</a>" in listed.group(0)
    assert listed.group(0).count('class="overdue-row"') == 1
    assert "No vessel departure from Qinzhou (CNQZH)" in listed.group(0)
    exporter_text = journey_web.sign_in("importer").get("/corridor").text
    exporter_list = re.search(r'data-testid="corridor-documents".*?</section>', exporter_text, re.S)
    assert exporter_list is not None
    assert ">WLSM26CQSG0101</a>" not in exporter_list.group(0)  # never involved the importer
    assert ">WLSM26CQSG0105</a>" in exporter_list.group(0)


def test_the_corridor_page_without_history_says_what_to_do(sqlite_node: Node) -> None:
    ids = seed_parties(sqlite_node)  # parties only: no bills, no tracking events
    with TestClient(create_app(sqlite_node)) as client:
        page = Web(sqlite_node, ids, client).sign_in("cq_bank").get("/corridor")
    assert page.status_code == 200
    empty = re.search(r'data-testid="corridor-empty".*?</div>', page.text, re.S)
    assert empty is not None
    assert "No finished journeys are stored yet" in empty.group(0)
    assert "corridor events import FILE" in empty.group(0)
    assert "<svg" not in page.text


def test_the_corridor_page_is_for_signed_in_parties(web: Web) -> None:
    page = web.client.get("/corridor")
    assert page.status_code == 401
    assert "Sign in to see the corridor" in page.text
    assert 'href="/corridor"' not in page.text
    assert 'href="/corridor"' in web.sign_in("exporter").get("/").text
