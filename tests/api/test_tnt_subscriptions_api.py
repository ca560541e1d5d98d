"""TNT 2.2 subscriptions over HTTP, and the signed callbacks a subscriber receives.

The subscriber is a small app that checks ``Notification-Signature`` the way the spec says (HMAC
SHA-256 over the raw body, keyed with the shared secret) and answers 204, or 401 if it does not
verify; the node's deliverer posts to it through a test client.

The importer (a consignee, not a reporting party) holds the bill ``TD`` that the sample events
name, so it may subscribe to that bill's events; the carrier reports and may follow every event.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from tests.api.callback_receiver import Subscriber
from tests.api.conftest import Api
from tests.api.tnt_support import assert_v22_error, assert_v22_events, quiet_api
from tests.tnt_samples import (
    BOOKING,
    TD,
    container,
    equipment_event,
    shipment_event,
    transport_event,
)

from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT22_SPEC_FILE
from corridor.services.callback_policy import ALLOW_ENV
from corridor.services.event_subscriptions import MAX_ATTEMPTS, Subscriptions
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.storage import event_subscriptions as rows
from corridor.storage import queries
from corridor.storage.engine import writing

CALLBACK = "http://subscriber.test/tnt/callback"


@pytest.fixture
def api(node: Node) -> Iterator[Api]:
    with quiet_api(node) as made:
        made.issue(TD, to="importer")
        yield made


def new_secret() -> tuple[bytes, str]:
    raw = secrets.token_bytes(32)
    return raw, base64.b64encode(raw).decode()


def subscribe(api: Api, who: str = "importer", **filters: Any) -> tuple[dict[str, Any], bytes]:
    """Subscribe ``who`` with ``filters``; the importer's to its bill ``TD`` unless told."""
    raw, encoded = new_secret()
    if who == "importer":
        filters.setdefault("transportDocumentReference", TD)
    response = api.post(
        "/v2/event-subscriptions", who, {"callbackUrl": CALLBACK, "secret": encoded, **filters}
    )
    assert response.status_code == 201, response.text
    assert response.headers["API-Version"] == "2.2.0"
    body: dict[str, Any] = response.json()
    assert schema_errors(TNT22_SPEC_FILE, "subscription", body) == []
    assert "secret" not in body
    return body, raw


def deliverer(api: Api, subscriber: Subscriber) -> Subscriptions:
    return Subscriptions(api.node, http=subscriber.client)


def push(api: Api, *events: dict[str, Any]) -> None:
    response = api.post("/events", "carrier", {"events": list(events)})
    assert response.status_code == 200, response.text


def test_a_subscriber_receives_signed_callbacks_and_a_changed_byte_fails(api: Api) -> None:
    subscription, secret = subscribe(api, equipmentReference=container(1))
    subscriber = Subscriber(secret)
    push(api, equipment_event("load-1", equipment=container(1)), transport_event("depart"))
    assert deliverer(api, subscriber).deliver_due() == 1
    [(body, headers)] = subscriber.accepted
    events = json.loads(body)
    assert_v22_events(events)
    assert [e["eventID"] for e in events] == ["load-1"]
    assert events[0]["equipmentEventTypeCode"] == "LOAD"
    assert headers["subscription-id"] == subscription["subscriptionID"]
    assert headers["api-version"] == "2.2.0"
    subscriber.check_signature_and_tampering(body, headers["notification-signature"])
    assert subscriber.refused == 1
    state = deliverer(api, subscriber).deliveries(subscription["subscriptionID"])
    assert [d.status for d in state] == [rows.DELIVERED]


def test_filters_choose_the_events_and_2_2_codes_are_understood(api: Api) -> None:
    subscribe(api, eventType=["SHIPMENT"], shipmentEventTypeCode=["ISSU"])
    subscription, secret = subscribe(api, UNLocationCode="CNCQI")
    subscriber = Subscriber(secret)
    push(api, shipment_event("issued"), transport_event("depart"), equipment_event("load"))
    deliver = deliverer(api, subscriber)
    deliver.deliver_due()
    mine = deliver.deliveries(subscription["subscriptionID"])
    assert [json.loads(d.body)[0]["eventID"] for d in mine] == ["depart"]


def test_a_failing_subscriber_is_retried_then_served(api: Api) -> None:
    subscription, secret = subscribe(api)
    subscriber = Subscriber(secret)
    subscriber.answers = [503]
    push(api, equipment_event("load-1"))
    deliver = deliverer(api, subscriber)
    assert deliver.deliver_due() == 1
    [pending] = deliver.deliveries(subscription["subscriptionID"])
    assert (pending.status, pending.attempts, pending.last_status) == (rows.PENDING, 1, 503)
    assert deliver.deliver_due() == 0  # not due yet: backoff
    api.node.clock.now += timedelta(seconds=3)  # type: ignore[attr-defined]
    assert deliver.deliver_due() == 1
    [done] = deliver.deliveries(subscription["subscriptionID"])
    assert (done.status, done.attempts) == (rows.DELIVERED, 2)
    assert len(subscriber.accepted) == 1


def test_a_final_refusal_and_giving_up(api: Api) -> None:
    subscription, secret = subscribe(api)
    subscriber = Subscriber(b"not the secret")  # every callback fails the signature: 401
    push(api, equipment_event("load-1"))
    deliver = deliverer(api, subscriber)
    deliver.deliver_due()
    [failed] = deliver.deliveries(subscription["subscriptionID"])
    assert (failed.status, failed.last_status) == (rows.FAILED, 401)
    push(api, equipment_event("load-2", equipment=container(2)))
    subscriber.answers = [500] * MAX_ATTEMPTS
    for _ in range(MAX_ATTEMPTS):
        api.node.clock.now += timedelta(hours=2)  # type: ignore[attr-defined]
        deliver.deliver_due()
    last = deliver.deliveries(subscription["subscriptionID"])[-1]
    assert (last.status, last.attempts) == (rows.FAILED, MAX_ATTEMPTS)
    assert secret


def test_a_new_secret_signs_the_callbacks_still_pending(api: Api) -> None:
    subscription, _old = subscribe(api)
    push(api, equipment_event("load-1"))
    raw, encoded = new_secret()
    path = f"/v2/event-subscriptions/{subscription['subscriptionID']}/secret"
    response = api.client.put(path, json={"secret": encoded}, headers=api.headers("importer"))
    assert response.status_code == 204
    assert response.headers["API-Version"] == "2.2.0"
    subscriber = Subscriber(raw)
    deliverer(api, subscriber).deliver_due()
    assert len(subscriber.accepted) == 1


def test_crud_and_who_sees_what(api: Api) -> None:
    mine, _ = subscribe(api, "importer")
    theirs, _ = subscribe(api, "carrier")
    path = f"/v2/event-subscriptions/{mine['subscriptionID']}"
    listed = api.get("/v2/event-subscriptions", "importer")
    assert listed.status_code == 200
    assert [s["subscriptionID"] for s in listed.json()] == [mine["subscriptionID"]]
    assert all(schema_errors(TNT22_SPEC_FILE, "subscription", s) == [] for s in listed.json())
    assert listed.headers["API-Version"] == "2.2.0"
    assert "Current-Page" in listed.headers
    everyone = api.get("/v2/event-subscriptions", "operator").json()
    assert {s["subscriptionID"] for s in everyone} == {
        mine["subscriptionID"],
        theirs["subscriptionID"],
    }
    assert api.get(path, "importer").json() == mine
    assert_v22_error(api.get(path, "carrier"), 404)
    change = {**mine, "callbackUrl": "https://importer.example/tnt", "eventType": ["EQUIPMENT"]}
    changed = api.client.put(path, json=change, headers=api.headers("importer"))
    assert changed.status_code == 200, changed.text
    assert changed.json()["eventType"] == ["EQUIPMENT"]
    assert schema_errors(TNT22_SPEC_FILE, "subscription", changed.json()) == []
    with_secret = {**change, "secret": new_secret()[1]}
    assert_v22_error(api.client.put(path, json=with_secret, headers=api.headers("importer")), 400)
    other_id = {**change, "subscriptionID": theirs["subscriptionID"]}
    assert_v22_error(api.client.put(path, json=other_id, headers=api.headers("importer")), 400)
    deleted = api.client.delete(path, headers=api.headers("importer"))
    assert deleted.status_code == 204
    assert_v22_error(api.get(path, "importer"), 404)


def test_deleting_cancels_pending_callbacks(api: Api) -> None:
    subscription, secret = subscribe(api)
    push(api, equipment_event("load-1"))
    path = f"/v2/event-subscriptions/{subscription['subscriptionID']}"
    assert api.client.delete(path, headers=api.headers("importer")).status_code == 204
    deliver = deliverer(api, Subscriber(secret))
    assert deliver.deliver_due() == 0
    assert [d.status for d in deliver.deliveries(subscription["subscriptionID"])] == [
        rows.CANCELLED
    ]


def test_list_pages(api: Api) -> None:
    for _ in range(3):
        subscribe(api)
    first = api.get("/v2/event-subscriptions", "importer", params={"limit": "2"})
    assert len(first.json()) == 2
    link = first.headers["Next-Page"]
    second = api.client.get(link, headers=api.headers("importer"))
    assert len(second.json()) == 1
    assert "Next-Page" not in second.headers


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"secret": "c2VjcmV0c2VjcmV0c2VjcmV0"}, "callbackUrl"),
        ({"callbackUrl": CALLBACK}, "secret"),
        (
            {"callbackUrl": "ftp://x/y", "secret": base64.b64encode(b"k" * 32).decode()},
            "callbackUrl",
        ),
        ({"callbackUrl": CALLBACK, "secret": "c2hvcnQ="}, "secret"),
        ({"callbackUrl": CALLBACK, "secret": "***"}, "secret"),
        (
            {
                "callbackUrl": CALLBACK,
                "secret": base64.b64encode(b"k" * 32).decode(),
                "shipmentEventTypeCode": ["PSDL"],
            },
            "shipmentEventTypeCode",
        ),
        (
            {
                "callbackUrl": CALLBACK,
                "secret": base64.b64encode(b"k" * 32).decode(),
                "transportDocumentID": "9679a405-3316-42a5-8533-aba000f5689c",
            },
            "transportDocumentID",
        ),
    ],
)
def test_bad_subscription_bodies_are_400_naming_the_field(
    api: Api, body: dict[str, Any], named: str
) -> None:
    response = api.post("/v2/event-subscriptions", "importer", body)
    error = assert_v22_error(response, 400)
    assert named in error["errors"][0]["message"]


def test_subscribing_needs_a_token(api: Api) -> None:
    response = api.client.post("/v2/event-subscriptions", json={"callbackUrl": CALLBACK})
    assert_v22_error(response, 401)


def test_a_callback_into_the_nodes_network_is_refused(api: Api) -> None:
    """SSRF: the metadata address, loopback and private networks are not subscribers."""
    _, encoded = new_secret()
    for url in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/admin"):
        response = api.post(
            "/v2/event-subscriptions", "importer", {"callbackUrl": url, "secret": encoded}
        )
        assert response.status_code == 400, response.text
        assert "inside this node's network" in response.text


def test_a_callback_that_turned_private_is_not_called(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked again before each delivery: what was allowed then is refused now."""
    monkeypatch.setenv(ALLOW_ENV, "allow")
    subscriptions = Subscriptions(api.node)
    body = {"callbackUrl": "http://10.9.8.7/hook", "secret": new_secret()[1]}
    made = subscriptions.create(api.ids["importer"], {**body, "transportDocumentReference": TD})
    EventStore(api.node).ingest_events([equipment_event("ssrf-1")])
    monkeypatch.delenv(ALLOW_ENV)
    subscriptions.deliver_due()
    (refused,) = subscriptions.deliveries(made["subscriptionID"])
    assert refused.status == "FAILED"
    assert refused.last_error is not None
    assert "inside this node's network" in refused.last_error


def test_a_cursor_of_another_listing_is_refused(api: Api) -> None:
    EventStore(api.node).ingest_events([equipment_event("c-1"), equipment_event("c-2")])
    page = api.get("/v2/events", "carrier", params={"limit": "1"})
    assert page.status_code == 200, page.text
    cursor = page.headers["Next-Page"].split("cursor=", 1)[1]
    response = api.get("/v2/event-subscriptions", "importer", params={"cursor": cursor})
    error = assert_v22_error(response, 400)
    assert "cursor" in json.dumps(error)


# Who is sent what: the readers' rule -----------------------------------------------------------

OTHER = "WLSM26CQSG0105"  # a bill of the exporter: the importer may not see it


def refused_field(response: Any) -> str:
    message: str = assert_v22_error(response, 400)["errors"][0]["message"]
    assert message.startswith("transportDocumentReference: "), message
    return message


def test_a_party_that_does_not_report_subscribes_to_a_bill_it_may_see(api: Api) -> None:
    api.issue(OTHER, to="exporter")
    _, encoded = new_secret()
    body = {"callbackUrl": CALLBACK, "secret": encoded}
    path = "/v2/event-subscriptions"
    assert "is required" in refused_field(api.post(path, "importer", body))
    for reference in (OTHER, "NO-SUCH-BILL"):
        named = {**body, "transportDocumentReference": reference}
        assert reference in refused_field(api.post(path, "importer", named))
    assert "is required" in refused_field(
        api.post(path, "sg_bank", {**body, "eventType": ["SHIPMENT"]})
    )
    refused_field(api.post(path, "sg_bank", {**body, "transportDocumentReference": TD}))
    assert api.post(path, "carrier", body).status_code == 201  # a reporting party reads all
    assert api.post(path, "operator", body).status_code == 201
    mine, _ = subscribe(api, "importer")
    one = f"{path}/{mine['subscriptionID']}"
    widened = {k: v for k, v in mine.items() if k != "transportDocumentReference"}
    for who in ("importer", "operator"):  # the owner's rights count, whoever changes it
        refused_field(api.client.put(one, json=widened, headers=api.headers(who)))
    elsewhere = {**mine, "transportDocumentReference": OTHER}
    refused_field(api.client.put(one, json=elsewhere, headers=api.headers("operator")))
    assert api.get(one, "importer").json() == mine  # unchanged


def test_callbacks_carry_only_the_events_the_subscriber_may_read(api: Api) -> None:
    api.issue(OTHER, to="exporter")
    importer, importer_secret = subscribe(api, "importer")
    everything, everything_secret = subscribe(api, "carrier")
    legacy = widened_to_everything(api, subscribe(api, "importer")[0])
    push(
        api,
        equipment_event("td-load", document=TD),
        equipment_event("other-load", document=OTHER, equipment=container(2)),
        shipment_event("other-issued", document=OTHER),
        transport_event("td-depart"),
    )
    subscriptions = Subscriptions(api.node)

    def sent(subscription: dict[str, Any]) -> list[str]:
        deliveries = subscriptions.deliveries(subscription["subscriptionID"])
        return sorted(e["eventID"] for d in deliveries for e in json.loads(d.body))

    assert sent(importer) == ["td-depart", "td-load"]
    assert sent(legacy) == ["td-depart", "td-load"]  # no filter, still only its bill
    assert sent(everything) == ["other-issued", "other-load", "td-depart", "td-load"]
    receiver = Subscriber(importer_secret)
    deliverer(api, receiver).deliver_due()
    assert everything_secret
    received = [e["eventID"] for body, _ in receiver.accepted for e in json.loads(body)]
    assert sorted(received) == ["td-depart", "td-load"]


def widened_to_everything(api: Api, subscription: dict[str, Any]) -> dict[str, Any]:
    """A subscription stored without filters, as one made before the readers' rule was."""
    with writing(api.node.engine) as conn:
        rows.update_subscription(
            conn, subscription["subscriptionID"], filters="{}", updated_at=api.node.clock()
        )
    return subscription


def test_what_a_party_may_see_is_looked_up_once_per_bill_in_a_batch(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.issue(OTHER, to="exporter")
    for _ in range(2):
        subscribe(api, "importer")
    widened_to_everything(api, subscribe(api, "importer")[0])
    subscribe(api, "carrier")
    looked_up: Counter[tuple[str, str]] = Counter()
    may_see = queries.may_see

    def counting(conn: Any, party_id: str, reference: str) -> bool:
        looked_up[party_id, reference] += 1
        return may_see(conn, party_id, reference)

    monkeypatch.setattr(queries, "may_see", counting)
    batch = [
        equipment_event(f"e-{n}", document=TD if n % 2 else OTHER, equipment=container(n))
        for n in range(40)
    ]
    push(api, *batch)
    importer = api.ids["importer"]
    assert set(looked_up) <= {(importer, TD), (importer, OTHER), (importer, BOOKING)}
    assert (importer, TD) in looked_up
    assert set(looked_up.values()) == {1}
