"""DCSA Track & Trace over HTTP: ``POST /events``, ``GET /events``, ``GET /v2/events[/{id}]``.

Every body these endpoints answer, errors included, is checked against the vendored TNT specs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.api.alert_support import demo_api
from tests.api.conftest import Api
from tests.api.tnt_support import assert_v22_error, assert_v22_events, assert_v30, quiet_api
from tests.tnt_samples import (
    BOOKING,
    TD,
    container,
    equipment_event,
    example,
    retraction,
    shipment_event,
    transport_event,
    v22_examples,
)

from corridor.api.tnt_paging import Cursors
from corridor.domain.party import Role
from corridor.domain.tnt_event import origin_of
from corridor.interop.dcsa.tnt.reader import read_dcsa_json
from corridor.interop.edifact import read_iftsta
from corridor.interop.event_records import ParsedEvent
from corridor.interop.rail_csv import read_rail_csv
from corridor.services import event_pages
from corridor.services.access import Access
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.storage import events as stored_rows

VECTORS = Path(__file__).parents[1] / "vectors"


@pytest.fixture
def api(node: Node) -> Iterator[Api]:
    with quiet_api(node) as made:
        yield made


def push(api: Api, events: list[Any], who: str = "carrier") -> Any:
    return api.post("/events", who, {"events": events})


def own_code(api: Api, who: str) -> dict[str, str]:
    """The code this node records as originating party of ``who``'s events without routing."""
    party = api.node.party(api.ids[who])
    return {"codeListProvider": party.platform, "partyCode": party.party_id}


def corridor_events() -> list[dict[str, Any]]:
    return [
        shipment_event("issued"),
        transport_event("depart-cqi"),
        transport_event(
            "arrive-qzh", kind="ARRIVED", where="CNQZH", updated="2026-03-04T02:00:00Z"
        ),
        equipment_event("load-1", equipment=container(1)),
        equipment_event("load-2", equipment=container(2), updated="2026-03-04T10:06:00Z"),
    ]


# POST /events --------------------------------------------------------------------------------


def test_a_carrier_pushes_events_and_learns_how_each_went(api: Api) -> None:
    body = assert_v30(push(api, corridor_events()), 200, "PostEventsResponse")
    [info] = body["feedbackElements"]
    assert info["severity"] == "INFO"
    assert "stored 5" in info["message"]
    again = assert_v30(push(api, corridor_events()), 200, "PostEventsResponse")
    assert "duplicate 5" in again["feedbackElements"][0]["message"]


def test_the_dcsa_3_0_examples_are_accepted_as_pushed(api: Api) -> None:
    for name in ("tnt300-request-shipment.json", "tnt300-request-transport.json"):
        response = api.post("/events", "operator", example(name))
        assert (
            "stored 1"
            in assert_v30(response, 200, "PostEventsResponse")["feedbackElements"][0]["message"]
        )


def test_a_bad_event_is_refused_with_its_path_and_the_others_stored(api: Api) -> None:
    bad = equipment_event("bad")
    bad["eventClassification"]["eventClassifier"] = "XYZ"
    body = assert_v30(push(api, [equipment_event("good"), bad]), 200, "PostEventsResponse")
    errors = [e for e in body["feedbackElements"] if e["severity"] == "ERROR"]
    assert errors == [
        {
            "severity": "ERROR",
            "message": "'XYZ' is not one of ACTUAL, ESTIMATED, PLANNED",
            "propertyPath": "$.events[1].eventClassification.eventClassifier",
        }
    ]
    assert "stored 1" in body["feedbackElements"][0]["message"]


def test_when_no_event_can_be_taken_the_answer_is_an_error(api: Api) -> None:
    bad = equipment_event(equipment="CQLU0000018")
    body = assert_v30(push(api, [bad]), 400, "PostEventsError")
    assert body["feedbackElements"][1]["propertyPath"] == (
        "$.events[0].equipmentDetails.equipmentReference"
    )


@pytest.mark.parametrize(
    ("raw", "why"),
    [(b"{not json", "not JSON"), (b"[]", "PostEventsRequest"), (b'{"events": 5}', "array")],
)
def test_a_body_that_is_not_a_request_is_a_400(api: Api, raw: bytes, why: str) -> None:
    response = api.client.post(
        "/events",
        content=raw,
        headers=api.headers("carrier", **{"Content-Type": "application/json"}),
    )
    body = assert_v30(response, 400, "PostEventsError")
    assert why in body["feedbackElements"][0]["message"]


def test_only_the_operator_or_a_reporting_role_may_push(api: Api) -> None:
    body = assert_v30(push(api, corridor_events(), who="exporter"), 403, "PostEventsError")
    assert "carrier, customs, terminal" in body["feedbackElements"][0]["message"]
    assert_v30(push(api, corridor_events(), who="operator"), 200, "PostEventsResponse")
    anonymous = api.client.post("/events", json={"events": []})
    assert_v30(anonymous, 401, "PostEventsError")
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")


# GET /events ---------------------------------------------------------------------------------


def test_get_events_filters_by_the_base_filters(api: Api) -> None:
    push(api, corridor_events())

    def ids(**params: str) -> list[str]:
        body = assert_v30(api.get("/events", "carrier", params=params), 200, "GetEventsResponse")
        return [e["eventID"] for e in body["events"]]

    assert ids(transportDocumentReference=TD) == [e["eventID"] for e in corridor_events()]
    assert ids(carrierBookingReference=BOOKING) == ["load-1", "load-2"]
    assert ids(carrierBookingReference=BOOKING, equipmentReference=container(2)) == ["load-2"]
    assert ids(equipmentReference=container(1)) == ["load-1"]
    assert ids(transportDocumentReference=TD, eventTypes="TRANSPORT,SHIPMENT") == [
        "issued",
        "depart-cqi",
        "arrive-qzh",
    ]
    assert ids(
        transportDocumentReference=TD,
        eventUpdatedDateTimeMin="2026-03-04T02:00:00Z",
        eventUpdatedDateTimeMax="2026-03-04T10:05:00+00:00",
    ) == ["arrive-qzh", "load-1"]
    assert ids(transportDocumentReference="NOSUCHTD") == []


def test_get_events_pages_with_next_page_cursor(api: Api) -> None:
    push(api, corridor_events())
    seen: list[str] = []
    params = {"transportDocumentReference": TD, "limit": "2"}
    while True:
        response = api.get("/events", "carrier", params=params)
        seen += [e["eventID"] for e in assert_v30(response, 200, "GetEventsResponse")["events"]]
        cursor = response.headers.get("Next-Page-Cursor")
        if cursor is None:
            break
        params = {"transportDocumentReference": TD, "limit": "2", "cursor": cursor}
    assert seen == [e["eventID"] for e in corridor_events()]
    first = api.get("/events", "carrier", params={"limit": "2"})
    changed_query = {"limit": "2", "eventTypes": "SHIPMENT"}
    changed_query["cursor"] = first.headers["Next-Page-Cursor"]
    refused = assert_v30(api.get("/events", "carrier", params=changed_query), 400, "GetEventsError")
    assert refused["feedbackElements"][0]["propertyPath"] == "cursor"


def test_get_events_shows_retractions(api: Api) -> None:
    push(api, corridor_events())
    push(api, [retraction("load-1")])
    body = assert_v30(
        api.get("/events", "carrier", params={"equipmentReference": container(1)}),
        200,
        "GetEventsResponse",
    )
    routing = {"originatingParties": [own_code(api, "carrier")]}  # the node recorded the carrier
    assert body["events"] == [{"eventID": "load-1", "isRetracted": True, "eventRouting": routing}]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "eventDateTime"},
        {"eventTypes": "CUSTOMS"},
        {"eventUpdatedDateTimeMin": "yesterday"},
        {"limit": "0"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_get_events_refuses_bad_parameters(api: Api, params: dict[str, str]) -> None:
    assert_v30(api.get("/events", "carrier", params=params), 400, "GetEventsError")


def test_reading_needs_a_token(api: Api) -> None:
    assert_v30(api.get("/events"), 401, "GetEventsError")
    assert_v22_error(api.get("/v2/events"), 401)


# GET /v2/events ------------------------------------------------------------------------------


def test_v2_events_serves_the_2_2_examples_as_they_were_sent(api: Api) -> None:
    examples = v22_examples()
    EventStore(api.node).ingest(read_dcsa_json(json.dumps(examples)))
    response = api.get("/v2/events", "carrier")
    assert response.status_code == 200
    served = response.json()
    assert_v22_events(served)
    assert [e["eventID"] for e in served] == [e["eventID"] for e in examples]
    assert served[1] == examples[1]  # a shipment event comes back exactly
    one = api.get(f"/v2/events/{examples[0]['eventID']}", "carrier")
    assert one.status_code == 200
    assert one.headers["API-Version"] == "2.2.0"
    assert_v22_events([one.json()])


def ids_of(api: Api, **params: str) -> list[str]:
    response = api.get("/v2/events", "carrier", params=params)
    assert response.status_code == 200, response.text
    assert_v22_events(response.json())
    return [e["eventID"] for e in response.json()]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"eventType": "SHIPMENT,TRANSPORT"}, ["issued", "depart-cqi", "arrive-qzh"]),
        ({"shipmentEventTypeCode": "ISSU"}, ["issued"]),
        ({"shipmentEventTypeCode": "DRFT"}, []),
        ({"shipmentEventTypeCode": "ISSU", "equipmentEventTypeCode": "LOAD"}, []),
        ({"transportEventTypeCode": "ARRI"}, ["arrive-qzh"]),
        ({"equipmentEventTypeCode": "LOAD,DISC"}, ["load-1", "load-2"]),
        ({"documentTypeCode": "TRD"}, ["issued"]),
        ({"carrierBookingReference": BOOKING}, ["load-1", "load-2"]),
        ({"bookingReference": BOOKING}, ["load-1", "load-2"]),
        (
            {"transportDocumentReference": TD, "eventType": "TRANSPORT"},
            ["depart-cqi", "arrive-qzh"],
        ),
        ({"transportCallID": "TC-CNCQI-RAIL"}, ["depart-cqi"]),
        ({"vesselIMONumber": "9321483", "exportVoyageNumber": "2610S"}, ["load-1", "load-2"]),
        ({"carrierServiceCode": "QZS"}, ["load-1", "load-2"]),
        ({"UNLocationCode": "CNQZH"}, ["arrive-qzh", "load-1", "load-2"]),
        ({"equipmentReference": container(2)}, ["load-2"]),
        ({"eventCreatedDateTime": "2026-03-04T10:05:00Z"}, ["load-1"]),
        ({"eventCreatedDateTime:gt": "2026-03-04T10:05:00Z"}, ["load-2"]),
        ({"eventCreatedDateTime:gte": "2026-03-04T18:05:00+08:00"}, ["load-1", "load-2"]),
        ({"eventCreatedDateTime:lt": "2026-03-02T08:05:00Z"}, ["issued"]),
        ({"eventCreatedDateTime:lte": "2026-03-02T08:05:00Z"}, ["issued", "depart-cqi"]),
        ({"eventCreatedDateTime:eq": "2026-03-02T16:05:00+08:00"}, ["depart-cqi"]),
    ],
)
def test_v2_events_filters(api: Api, params: dict[str, str], expected: list[str]) -> None:
    push(api, corridor_events())
    assert ids_of(api, **params) == expected


def test_v2_events_hides_what_2_2_cannot_say(api: Api) -> None:
    pending = shipment_event("pending", kind="PENDING_SURRENDER_FOR_DELIVERY")
    push(api, [*corridor_events(), pending, retraction("load-1")])
    assert ids_of(api) == ["issued", "depart-cqi", "arrive-qzh", "load-2"]
    assert_v22_error(api.get("/v2/events/load-1", "carrier"), 404)
    assert_v22_error(api.get("/v2/events/pending", "carrier"), 404)


def _cursor_of(link: str) -> dict[str, str]:
    query = parse_qs(urlsplit(link).query)
    assert list(query) == ["cursor"]
    return {"cursor": query["cursor"][0]}


def test_v2_cursor_pagination_walks_every_page_both_ways(api: Api) -> None:
    push(api, corridor_events())
    first = api.get("/v2/events", "carrier", params={"limit": "2"})
    assert first.status_code == 200
    assert all(name in first.headers for name in ("Current-Page", "Next-Page", "Last-Page"))
    assert "Prev-Page" not in first.headers
    assert "First-Page" not in first.headers
    seen = [e["eventID"] for e in first.json()]
    page = first
    while "Next-Page" in page.headers:
        page = api.get("/v2/events", "carrier", params=_cursor_of(page.headers["Next-Page"]))
        assert_v22_events(page.json())
        assert all(name in page.headers for name in ("Current-Page", "Prev-Page", "First-Page"))
        seen += [e["eventID"] for e in page.json()]
    assert seen == [e["eventID"] for e in corridor_events()]
    assert "Last-Page" not in page.headers
    back = api.get("/v2/events", "carrier", params=_cursor_of(page.headers["Prev-Page"]))
    assert [e["eventID"] for e in back.json()] == ["arrive-qzh", "load-1"]
    last = api.get("/v2/events", "carrier", params=_cursor_of(first.headers["Last-Page"]))
    assert [e["eventID"] for e in last.json()] == ["load-1", "load-2"]
    again = api.get("/v2/events", "carrier", params=_cursor_of(last.headers["Current-Page"]))
    assert again.json() == last.json()
    start = api.get("/v2/events", "carrier", params=_cursor_of(last.headers["First-Page"]))
    assert start.json() == first.json()


def _pages(api: Api, params: dict[str, str], *, back: bool = False) -> list[list[str]]:
    """The eventIDs of every page, following Next-Page links (or Prev-Page from the last page)."""
    response = api.get("/v2/events", "carrier", params=params)
    if back:
        response = api.get(
            "/v2/events", "carrier", params=_cursor_of(response.headers["Last-Page"])
        )
    pages: list[list[str]] = []
    while True:
        assert response.status_code == 200, response.text
        assert_v22_events(response.json())
        page = [e["eventID"] for e in response.json()]
        pages.insert(0, page) if back else pages.append(page)
        link = response.headers.get("Prev-Page" if back else "Next-Page")
        if link is None:
            return pages
        response = api.get("/v2/events", "carrier", params=_cursor_of(link))


def _unserved(n: int) -> list[dict[str, Any]]:
    """Events TNT 2.2 cannot express, one of each kind (the last is no query's to leave out)."""
    no_call = transport_event(f"no-call-{n}")
    del no_call["transportDetails"]["transportCall"]["transportCallReference"]
    no_empty = equipment_event(f"no-empty-{n}", equipment=container(900 + n))
    del no_empty["equipmentDetails"]["emptyIndicator"]
    return [
        shipment_event(f"pending-{n}", kind="PENDING_SURRENDER_FOR_DELIVERY"),
        transport_event(f"multimodal-{n}", mode="MULTIMODAL"),
        transport_event(f"approaching-{n}", kind="APPROACHING"),
        no_call,
        equipment_event(f"released-{n}", kind="CUSTOMS_RELEASED"),
        equipment_event(f"gone-{n}", equipment=container(800 + n)),
        retraction(f"gone-{n}"),
        no_empty,
    ]


def test_v2_pages_are_full_when_events_2_2_cannot_express_lie_between(api: Api) -> None:
    events: list[dict[str, Any]] = []
    for n in range(7):
        events += [equipment_event(f"ok-{n}", equipment=container(100 + n)), *_unserved(n)]
    assert_v30(push(api, events), 200, "PostEventsResponse")
    served = [f"ok-{n}" for n in range(7)]
    forward = _pages(api, {"limit": "3"})
    assert forward == [served[0:3], served[3:6], served[6:]]
    assert _pages(api, {"limit": "3"}, back=True) == [served[0:1], served[1:4], served[4:]]
    assert _pages(api, {"limit": "3", "eventType": "EQUIPMENT"}) == forward


def test_v2_sorts_by_event_created_date_time_both_ways(api: Api) -> None:
    created = {"e1": "10:30", "e2": "09:00", "e3": "10:30", "e4": "08:15", "e5": "11:00"}
    push(
        api,
        [
            equipment_event(name, equipment=container(n), updated=f"2026-03-04T{time}:00Z")
            for n, (name, time) in enumerate(created.items(), start=1)
        ],
    )
    oldest_first = ["e4", "e2", "e1", "e3", "e5"]  # e1 and e3 tie: stored order
    assert ids_of(api) == list(created)
    assert ids_of(api, sort="eventCreatedDateTime") == oldest_first
    assert ids_of(api, sort="eventCreatedDateTime:ASC") == oldest_first
    newest_first = ["e5", "e3", "e1", "e2", "e4"]
    assert ids_of(api, sort="eventCreatedDateTime:DESC") == newest_first
    window = {"sort": "eventCreatedDateTime:DESC", "eventCreatedDateTime:lt": "2026-03-04T11:00Z"}
    assert ids_of(api, **window) == newest_first[1:]
    paged = {"sort": "eventCreatedDateTime:DESC", "limit": "2"}
    assert _pages(api, paged) == [["e5", "e3"], ["e1", "e2"], ["e4"]]
    assert _pages(api, paged, back=True) == [["e5"], ["e3", "e1"], ["e2", "e4"]]


def test_v2_serves_the_train_and_vessel_moves_of_iftsta_and_the_rail_csv(api: Api) -> None:
    edi = (VECTORS / "edifact" / "iftsta_d99b_chongqing_singapore.edi").read_text()
    csv = (VECTORS / "rail_csv" / "chongqing_qinzhou_rail.csv").read_bytes().decode("utf-8")
    read = [*read_iftsta(edi), *read_rail_csv(csv)]
    EventStore(api.node).ingest(read)
    moves = [
        r.event
        for r in read
        if isinstance(r, ParsedEvent) and r.event["eventClassification"]["eventType"] == "TRANSPORT"
    ]
    assert sorted(ids_of(api, eventType="TRANSPORT", limit="1000")) == sorted(
        e["eventID"] for e in moves
    )
    at_qinzhou = next(
        e["transportDetails"]["transportCall"]["transportCallReference"]
        for e in moves
        if e["eventLocation"]["UNLocationCode"] == "CNQZH"
        and e["transportDetails"]["transportCall"]["modeOfTransport"] == "RAIL"
    )
    body = api.get("/v2/events", "carrier", params={"transportCallID": at_qinzhou}).json()
    assert_v22_events(body)
    kinds = {e.get("transportEventTypeCode") or e.get("equipmentEventTypeCode") for e in body}
    assert kinds == {"ARRI", "DISC"}  # train X8001 at Qinzhou, read from both files
    assert {e["transportCall"]["transportCallID"] for e in body} == {at_qinzhou}


def test_v2_serves_the_demos_train_and_vessel_moves(node: Node) -> None:
    with demo_api(node) as api:
        params = {"transportDocumentReference": "WLSM26CQSG0103", "eventType": "TRANSPORT"}
        body = api.get("/v2/events", "carrier", params=params).json()
        assert_v22_events(body)
        moves = {
            (
                e["transportCall"]["modeOfTransport"],
                e["transportEventTypeCode"],
                e["eventClassifierCode"],
            )
            for e in body
        }
        assert moves == {
            ("RAIL", "DEPA", "ACT"),
            ("RAIL", "ARRI", "ACT"),
            ("VESSEL", "DEPA", "ACT"),
            ("VESSEL", "ARRI", "EST"),
        }


def test_v2_filters_travel_in_the_cursor(api: Api) -> None:
    push(api, corridor_events())
    first = api.get("/v2/events", "carrier", params={"UNLocationCode": "CNQZH", "limit": "1"})
    second = api.get("/v2/events", "carrier", params=_cursor_of(first.headers["Next-Page"]))
    assert [e["eventID"] for e in second.json()] == ["load-1"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"sort": "eventDateTime"}, "sort"),
        ({"sort": "eventCreatedDateTime:DESC,eventID"}, "sort"),
        ({"sort": "eventCreatedDateTime:UP"}, "sort"),
        ({"sort": "eventCreatedDateTime:"}, "sort"),
        ({"eventType": "IOT"}, "eventType"),
        ({"shipmentEventTypeCode": "PSDL"}, "shipmentEventTypeCode"),
        ({"eventCreatedDateTime:after": "2026-03-01T00:00:00Z"}, "eventCreatedDateTime:after"),
        ({"eventCreatedDateTime:gte": "2026-03-01"}, "eventCreatedDateTime:gte"),
        ({"limit": "0"}, "limit"),
        ({"limit": "١٢"}, "limit"),  # Arabic-Indic digits are digits, but not an integer
        ({"scheduleID": "9679a405-3316-42a5-8533-aba000f5689c"}, "scheduleID"),
        ({"cursor": "abc.def"}, "cursor"),
        ({"vesselIMONumber": "93214831"}, "vesselIMONumber"),
    ],
)
def test_v2_bad_parameters_are_400_naming_them(
    api: Api, params: dict[str, str], named: str
) -> None:
    body = assert_v22_error(api.get("/v2/events", "carrier", params=params), 400)
    assert body["errors"][0]["message"].startswith(f"{named}:")


def test_v2_a_limit_above_the_page_size_gives_a_full_page(api: Api) -> None:
    """TNT 2.2 sets no maximum: a large limit is served as the node's largest page."""
    push(api, corridor_events())
    response = api.get("/v2/events", "carrier", params={"limit": "100000"})
    assert response.status_code == 200, response.text
    assert_v22_events(response.json())


def test_v2_a_cursor_travels_alone(api: Api) -> None:
    push(api, corridor_events())
    first = api.get("/v2/events", "carrier", params={"limit": "2"})
    params = {**_cursor_of(first.headers["Next-Page"]), "eventType": "SHIPMENT"}
    assert_v22_error(api.get("/v2/events", "carrier", params=params), 400)


@pytest.mark.parametrize(
    ("position", "params"),
    [
        ({"a": 5}, {}),  # a seq as a number: the cursors of an earlier version
        ({"b": [True]}, {}),
        ({"a": [5]}, {"sort": "eventCreatedDateTime"}),  # a seq where the order needs a time too
        ({"a": [1, 5]}, {}),
    ],
)
def test_v2_a_signed_cursor_whose_position_does_not_fit_is_refused(
    api: Api, position: dict[str, Any], params: dict[str, str]
) -> None:
    cursor = Cursors(api.node, "v22-events").encode({**position, "f": params, "l": 2})
    body = assert_v22_error(api.get("/v2/events", "carrier", params={"cursor": cursor}), 400)
    assert body["errors"][0]["message"].startswith("cursor:")


def test_v2_event_not_found(api: Api) -> None:
    assert_v22_error(api.get("/v2/events/no-such-event", "carrier"), 404)


def test_no_one_may_report_under_the_nodes_title_event_ids(api: Api) -> None:
    forged = shipment_event("corridor-title-" + "ab" * 32)
    response = push(api, [shipment_event("fine-1"), forged])
    body = assert_v30(response, 400, "PostEventsError")
    assert "events[1].eventID" in json.dumps(body)
    assert api.get("/events", "carrier").json()["events"] == []  # nothing of the batch stored


def test_a_bank_reads_the_events_of_the_bills_it_may_see_only(node: Node) -> None:
    """TNT 3.0: the producer filters by the consumer's authorisation."""
    with demo_api(node) as api:  # the demo's bills and their events
        assert api.get("/v2/events", "cq_bank").status_code == 403
        assert api.get("/events", "cq_bank").status_code == 403
        held = {"transportDocumentReference": "WLSM26CQSG0102"}  # with the Chongqing bank
        mine = api.get("/v2/events", "cq_bank", params=held)
        assert mine.status_code == 200, mine.text
        assert_v22_events(mine.json())
        assert api.get("/events", "cq_bank", params=held).json()["events"]
        other = {"transportDocumentReference": "WLSM26CQSG0101"}  # never with the bank
        assert_v22_error(api.get("/v2/events", "cq_bank", params=other), 404)
        assert api.get("/events", "cq_bank", params=other).status_code == 404
        assert api.get("/v2/events", "carrier").status_code == 200  # a reporting party
        assert api.get("/events", "operator").status_code == 200


# Producer identity: a reporter pushes only its own events ------------------------------------

MAERSK = {"partyCode": "MAEU", "codeListProvider": "NMFTA", "codeListName": "SCAC"}


def routed(event: dict[str, Any], *parties: dict[str, Any]) -> dict[str, Any]:
    return {**event, "eventRouting": {"originatingParties": list(parties)}}


def add_terminal(api: Api) -> str:
    """A second reporting party (a terminal) with its own API token; returns its key."""
    terminal = api.node.add_party("Qinzhou Port Terminal", frozenset({Role.TERMINAL}))
    api.ids["terminal"] = terminal.party_id
    api.tokens["terminal"] = Access(api.node).create_token(terminal.party_id).token
    return "terminal"


def stored(api: Api, event_id: str) -> list[dict[str, Any]]:
    """Every stored version of ``event_id`` (one per producer), as ``GET /events`` serves them."""
    return [json.loads(row.event_json) for row in EventStore(api.node).by_id(event_id)]


def test_an_event_without_routing_is_recorded_as_the_reporters(api: Api) -> None:
    assert_v30(push(api, [equipment_event("mine-1")]), 200, "PostEventsResponse")
    [event] = stored(api, "mine-1")
    assert event["eventRouting"] == {"originatingParties": [own_code(api, "carrier")]}
    assert origin_of(event) == origin_of(routed({}, own_code(api, "carrier")))


def test_an_event_of_another_producer_is_refused_at_its_party_and_the_rest_stored(
    api: Api,
) -> None:
    forged = routed(equipment_event("theirs-1"), MAERSK)
    body = assert_v30(push(api, [equipment_event("mine-1"), forged]), 200, "PostEventsResponse")
    [error] = [e for e in body["feedbackElements"] if e["severity"] == "ERROR"]
    assert error["propertyPath"] == "$.events[1].eventRouting.originatingParties[0]"
    assert "names a party other than you" in error["message"]
    assert own_code(api, "carrier")["partyCode"] in error["message"]  # how to name itself
    assert "stored 1" in body["feedbackElements"][0]["message"]
    assert stored(api, "theirs-1") == []
    only = assert_v30(push(api, [forged]), 400, "PostEventsError")
    assert only["feedbackElements"][1]["propertyPath"] == (
        "$.events[0].eventRouting.originatingParties[0]"
    )


def test_a_reporter_cannot_update_or_retract_another_producers_event(api: Api) -> None:
    """The attack the binding closes: the key is (eventID, originating parties)."""
    original = routed(equipment_event("maersk-load-1"), MAERSK)
    assert_v30(api.post("/events", "operator", {"events": [original]}), 200, "PostEventsResponse")
    later = routed(
        equipment_event("maersk-load-1", kind="DISCHARGED", updated="2026-03-05T00:00:00Z"), MAERSK
    )
    for attempt in (later, routed(retraction("maersk-load-1"), MAERSK)):
        assert_v30(push(api, [attempt]), 400, "PostEventsError")
    # Without routing the same eventID is the carrier's own event, another key.
    assert_v30(push(api, [retraction("maersk-load-1")]), 200, "PostEventsResponse")
    versions = {
        json.dumps(e["eventRouting"], sort_keys=True): e for e in stored(api, "maersk-load-1")
    }
    theirs = versions[json.dumps({"originatingParties": [MAERSK]}, sort_keys=True)]
    assert theirs == original  # untouched, not retracted
    mine = versions[json.dumps({"originatingParties": [own_code(api, "carrier")]}, sort_keys=True)]
    assert mine["isRetracted"] is True
    events = api.get("/events", "carrier", params={"equipmentReference": container(1)}).json()
    assert original in events["events"]


def test_two_reporters_with_the_same_event_id_keep_two_events(api: Api) -> None:
    terminal = add_terminal(api)
    assert_v30(push(api, [equipment_event("load-1")]), 200, "PostEventsResponse")
    gate_in = equipment_event("load-1", kind="GATED_IN", updated="2026-03-06T00:00:00Z")
    body = assert_v30(push(api, [gate_in], who=terminal), 200, "PostEventsResponse")
    assert "stored 1" in body["feedbackElements"][0]["message"]  # not an update of the carrier's
    kinds = sorted(e["eventClassification"]["equipmentEventType"] for e in stored(api, "load-1"))
    assert kinds == ["GATED_IN", "LOADED"]
    retracted = push(api, [retraction("load-1")], who=terminal)
    assert (
        "retracted 1"
        in assert_v30(retracted, 200, "PostEventsResponse")["feedbackElements"][0]["message"]
    )
    live = api.get("/v2/events/load-1", "carrier")
    assert live.status_code == 200, live.text
    assert live.json()["equipmentEventTypeCode"] == "LOAD"  # the carrier's event stands


@pytest.mark.parametrize(
    "code",
    [
        "own",
        {"codeListProvider": "ZZZ", "codeListName": "USCC", "partyCode": "91500000MA5U7XQ20Y"},
    ],
)
def test_a_reporter_may_name_itself(api: Api, code: Any) -> None:
    named = own_code(api, "carrier") if code == "own" else code
    body = assert_v30(
        push(api, [routed(equipment_event("named-1"), named)]), 200, "PostEventsResponse"
    )
    assert "stored 1" in body["feedbackElements"][0]["message"]
    [event] = stored(api, "named-1")
    assert event["eventRouting"] == {"originatingParties": [named]}


def test_itself_and_another_is_refused_naming_the_other(api: Api) -> None:
    both = routed(equipment_event("joint-1"), own_code(api, "carrier"), MAERSK)
    body = assert_v30(push(api, [both]), 400, "PostEventsError")
    assert body["feedbackElements"][1]["propertyPath"] == (
        "$.events[0].eventRouting.originatingParties[1]"
    )


def test_the_code_dialects_originating_party_is_checked_too(api: Api) -> None:
    [dialect] = example("tnt300-request-transport.json")["events"]
    forged = {**dialect, "eventRouting": {"originatingParty": MAERSK}}
    body = assert_v30(push(api, [forged]), 400, "PostEventsError")
    assert (
        body["feedbackElements"][1]["propertyPath"] == "$.events[0].eventRouting.originatingParty"
    )
    mine = {**dialect, "eventRouting": {"originatingParty": own_code(api, "carrier")}}
    assert_v30(push(api, [mine]), 200, "PostEventsResponse")
    [event] = stored(api, dialect["eventID"])
    assert event["eventRouting"] == {"originatingParties": [own_code(api, "carrier")]}


def test_the_operator_loads_any_producers_events_as_sent(api: Api) -> None:
    theirs = routed(equipment_event("maersk-2"), MAERSK)
    bare = equipment_event("bare-1")
    response = api.post("/events", "operator", {"events": [theirs, bare]})
    assert (
        "stored 2"
        in assert_v30(response, 200, "PostEventsResponse")["feedbackElements"][0]["message"]
    )
    assert stored(api, "maersk-2") == [theirs]
    assert stored(api, "bare-1") == [bare]  # no routing added: the operator speaks for no one


def _budget_of(monkeypatch: pytest.MonkeyPatch, budget: int) -> list[int]:
    """A scan budget of ``budget`` rows, and the rows each read of the store returned."""
    monkeypatch.setattr(event_pages, "SCAN_BUDGET", budget)
    counts: list[int] = []
    real = stored_rows.walk_events

    def counted(*args: Any, **kwargs: Any) -> list[stored_rows.PagedEvent]:
        found = real(*args, **kwargs)
        counts.append(len(found))
        return found

    monkeypatch.setattr(stored_rows, "walk_events", counted)
    return counts


def _runs_without_empty_indicator() -> list[dict[str, Any]]:
    """``ok-0`` to ``ok-5`` (created 10:00, 11:01, 12:02, 10:03, 11:04, 12:05), each followed by
    3 or 10 EQUIPMENT events TNT 2.2 cannot render (no ``emptyIndicator``; created 10:05)."""
    events = []
    for n in range(6):
        updated = f"2026-03-04T1{n % 3}:{n:02d}:00Z"
        events.append(equipment_event(f"ok-{n}", equipment=container(100 + n), updated=updated))
        for k in range(3 if n % 2 == 0 else 10):
            no_empty = equipment_event(f"no-empty-{n}-{k}", equipment=container(500 + 20 * n + k))
            del no_empty["equipmentDetails"]["emptyIndicator"]
            events.append(no_empty)
    return events


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "ok-5"]),
        ("eventCreatedDateTime:ASC", ["ok-0", "ok-3", "ok-1", "ok-4", "ok-2", "ok-5"]),
        ("eventCreatedDateTime:DESC", ["ok-5", "ok-2", "ok-4", "ok-1", "ok-3", "ok-0"]),
    ],
)
def test_v2_a_page_stops_at_the_scan_budget_and_its_links_read_on(
    api: Api, monkeypatch: pytest.MonkeyPatch, sort: str | None, expected: list[str]
) -> None:
    assert_v30(push(api, _runs_without_empty_indicator()), 200, "PostEventsResponse")
    read = _budget_of(monkeypatch, 8)
    params = {"limit": "2", "eventType": "EQUIPMENT"} | ({"sort": sort} if sort else {})
    for back in (False, True):
        pages = _pages(api, params, back=back)
        assert [event for page in pages for event in page] == expected
        not_the_end = pages[1:] if back else pages[:-1]
        assert any(len(page) < 2 for page in not_the_end), pages  # short, links on
    read.clear()
    whole = api.get("/v2/events", "carrier", params={**params, "limit": "1000"})
    assert 0 < len(whole.json()) < len(expected)
    assert all(name in whole.headers for name in ("Next-Page", "Last-Page"))
    assert sum(read) == 8, read  # the budget, then no look back (the first page has no earlier)
