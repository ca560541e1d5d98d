"""DCSA Track & Trace over HTTP: ``POST /events``, ``GET /events``, ``GET /v2/events[/{id}]``.

Every body these endpoints answer, errors included, is checked against the vendored TNT specs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
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

from corridor.interop.dcsa.tnt.reader import read_dcsa_json
from corridor.services.events import EventStore
from corridor.services.node import Node


@pytest.fixture
def api(node: Node) -> Iterator[Api]:
    with quiet_api(node) as made:
        yield made


def push(api: Api, events: list[Any], who: str = "carrier") -> Any:
    return api.post("/events", who, {"events": events})


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
    assert body["events"] == [{"eventID": "load-1", "isRetracted": True}]


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


def test_v2_filters_travel_in_the_cursor(api: Api) -> None:
    push(api, corridor_events())
    first = api.get("/v2/events", "carrier", params={"UNLocationCode": "CNQZH", "limit": "1"})
    second = api.get("/v2/events", "carrier", params=_cursor_of(first.headers["Next-Page"]))
    assert [e["eventID"] for e in second.json()] == ["load-1"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"sort": "eventCreatedDateTime:DESC"}, "sort"),
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
