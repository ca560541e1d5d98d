"""Overdue journey alerts delivered to subscribers (``/api/v1/alert-subscriptions``).

On the demo corridor (one overdue bill, ``WLSM26CQSG0102``), on SQLite and PostgreSQL: the
subscriber is the TNT tests' receiver, which checks ``Notification-Signature`` over the raw body
and answers 401 when it does not verify; the node's deliverer posts to it through a test client.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api.alert_support import OVERDUE, demo_api, demo_departure, quiet_app
from tests.api.callback_receiver import Subscriber
from tests.api.conftest import Api

from corridor.api.app import create_app
from corridor.api.ratelimit import RateLimiter
from corridor.errors import NodeError
from corridor.services.access import Principal
from corridor.services.alert_subscriptions import AlertSubscriptions
from corridor.services.alert_watch import ALERT_TYPE, INTERVAL_ENV, AlertWatcher
from corridor.services.callback_policy import ALLOW_ENV
from corridor.services.demo import seed_corridor
from corridor.services.event_subscriptions import MAX_ATTEMPTS
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.storage import event_subscriptions as rows
from corridor.storage.alert_subscriptions import ALERTS

CALLBACK = "http://subscriber.test/tnt/callback"  # the path the TNT tests' receiver serves
PATH = "/api/v1/alert-subscriptions"


@pytest.fixture
def api(node: Node) -> Iterator[Api]:
    with demo_api(node) as made:
        yield made


def new_secret() -> tuple[bytes, str]:
    raw = secrets.token_bytes(32)
    return raw, base64.b64encode(raw).decode()


def subscribe(api: Api, who: str, reference: str | None = OVERDUE) -> tuple[dict[str, Any], bytes]:
    raw, encoded = new_secret()
    body = {"callbackUrl": CALLBACK, "secret": encoded}
    if reference is not None:
        body["transportDocumentReference"] = reference
    response = api.post(PATH, who, body)
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    assert "secret" not in view
    assert view["transportDocumentReference"] == reference
    return view, raw


def watcher(api: Api) -> AlertWatcher:
    found: AlertWatcher = api.client.app.state.alert_watcher  # type: ignore[attr-defined]
    return found


def deliverer(api: Api, subscriber: Subscriber) -> AlertSubscriptions:
    return AlertSubscriptions(api.node, http=subscriber.client)


def test_the_demo_alert_reaches_a_subscriber_once_across_runs_and_a_restart(api: Api) -> None:
    subscription, secret = subscribe(api, "cq_bank")
    subscriber = Subscriber(secret)
    first = watcher(api).check()
    assert [a.document_reference for a in first.scan.alerts] == [OVERDUE]
    assert first.queued == 1
    assert deliverer(api, subscriber).deliver_due() == 1
    assert watcher(api).check().queued == 0  # the second run: nothing new
    assert deliverer(api, subscriber).deliver_due() == 0
    restarted = Node.open(api.node.home, clock=api.node.clock)
    try:
        app = quiet_app(restarted)
        assert app.state.alert_watcher.check().queued == 0
        assert AlertSubscriptions(restarted, http=subscriber.client).deliver_due() == 0
    finally:
        restarted.close()
    [(body, headers)] = subscriber.accepted
    alert = json.loads(body)
    [expected] = first.scan.alerts
    assert alert["alertType"] == ALERT_TYPE
    assert alert["alertID"] == expected.id
    assert alert["transportDocumentReference"] == OVERDUE
    assert (alert["milestone"], alert["location"]["UNLocationCode"]) == ("DEPARTURE", "CNQZH")
    assert alert["leg"] == {
        "index": 1,
        "role": "SEA",
        "modeOfTransport": "VESSEL",
        "from": "CNQZH",
        "to": "SGSIN",
    }
    assert alert["overdueMinutes"] >= 24 * 60
    assert alert["message"] == expected.message
    assert alert["platform"] == api.node.config.platform
    assert alert["link"] == f"/documents/{OVERDUE}"
    assert headers["subscription-id"] == subscription["subscriptionID"]
    [delivered] = deliverer(api, subscriber).deliveries(subscription["subscriptionID"])
    assert (delivered.status, delivered.attempts) == (rows.DELIVERED, 1)


def test_the_signature_verifies_and_a_changed_byte_is_refused(api: Api) -> None:
    _, secret = subscribe(api, "operator")
    subscriber = Subscriber(secret)
    watcher(api).check()
    deliverer(api, subscriber).deliver_due()
    [(body, headers)] = subscriber.accepted
    subscriber.check_signature_and_tampering(body, headers["notification-signature"])
    assert subscriber.refused == 1
    assert len(subscriber.accepted) == 1


def test_who_is_told_follows_what_each_party_may_see(api: Api) -> None:
    everything, _ = subscribe(api, "operator", reference=None)
    banker, _ = subscribe(api, "cq_bank", reference=None)  # holds the overdue bill
    outsider, _ = subscribe(api, "sg_bank", reference=None)  # has never seen it
    other_bill, _ = subscribe(api, "operator", reference="WLSM26CQSG0101")  # not overdue
    assert watcher(api).check().queued == 2
    told = {
        name: len(AlertSubscriptions(api.node).deliveries(view["subscriptionID"]))
        for name, view in (
            ("operator", everything),
            ("cq_bank", banker),
            ("sg_bank", outsider),
            ("other bill", other_bill),
        )
    }
    assert told == {"operator": 1, "cq_bank": 1, "sg_bank": 0, "other bill": 0}


def test_a_party_cannot_follow_a_document_it_may_not_see(api: Api) -> None:
    hidden = api.get(f"/api/v1/documents/{OVERDUE}", "sg_bank")
    assert hidden.status_code == 404
    _, encoded = new_secret()
    for reference in (OVERDUE, "NO-SUCH-BILL"):
        body = {"callbackUrl": CALLBACK, "secret": encoded, "transportDocumentReference": reference}
        response = api.post(PATH, "sg_bank", body)
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == f"no eBL with reference {reference} on this node"
    assert response.json()["type"] == hidden.json()["type"]
    assert api.get(PATH, "sg_bank").json() == []


_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"secret": _KEY}, "#/callbackUrl"),
        ({"callbackUrl": CALLBACK}, "#/secret"),
        ({"callbackUrl": "ftp://x/y", "secret": _KEY}, "#/callbackUrl"),
        ({"callbackUrl": "not a url", "secret": _KEY}, "#/callbackUrl"),
        ({"callbackUrl": CALLBACK, "secret": "c2hvcnQ="}, "#/secret"),
        ({"callbackUrl": CALLBACK, "secret": "***"}, "#/secret"),
        ({"callbackUrl": CALLBACK, "secret": 12345}, "#/secret"),
        ({"callbackUrl": CALLBACK, "secret": _KEY, "eventType": ["SHIPMENT"]}, "#/eventType"),
        (
            {"callbackUrl": CALLBACK, "secret": _KEY, "transportDocumentReference": "X" * 21},
            "#/transportDocumentReference",
        ),
        (
            {"callbackUrl": CALLBACK, "secret": _KEY, "transportDocumentReference": " padded"},
            "#/transportDocumentReference",
        ),
    ],
)
def test_bad_bodies_are_problems_naming_the_field(
    api: Api, body: dict[str, Any], pointer: str
) -> None:
    response = api.post(PATH, "cq_bank", body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert [e["pointer"] for e in problem["errors"]] == [pointer]
    assert api.get(PATH, "cq_bank").json() == []


def test_not_json_and_no_token(api: Api) -> None:
    broken = api.client.post(
        PATH, content=b"{", headers={**api.headers("cq_bank"), "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.headers["content-type"] == "application/problem+json"
    anonymous = api.client.post(PATH, json={"callbackUrl": CALLBACK, "secret": _KEY})
    assert anonymous.status_code == 401


def test_the_alert_is_gone_once_the_departure_is_reported(api: Api) -> None:
    subscription, secret = subscribe(api, "cq_bank")
    check = watcher(api)
    assert [a.document_reference for a in check.current().alerts] == [OVERDUE]
    summary = EventStore(api.node).ingest_events([demo_departure(api.node.clock())])
    assert summary.as_dict()["stored"] == 1
    after = check.check()
    assert after.scan.alerts == ()
    assert after.queued == 0
    assert AlertSubscriptions(api.node).deliveries(subscription["subscriptionID"]) == []
    assert secret


def test_a_failing_subscriber_is_retried_then_served(api: Api) -> None:
    subscription, secret = subscribe(api, "cq_bank")
    subscriber = Subscriber(secret)
    subscriber.answers = [503]
    watcher(api).check()
    deliver = deliverer(api, subscriber)
    assert deliver.deliver_due() == 1
    [pending] = deliver.deliveries(subscription["subscriptionID"])
    assert (pending.status, pending.attempts, pending.last_status) == (rows.PENDING, 1, 503)
    assert deliver.deliver_due() == 0  # not due yet: backoff
    assert watcher(api).check().queued == 0  # still queued once
    api.node.clock.now += timedelta(seconds=3)  # type: ignore[attr-defined]
    assert deliver.deliver_due() == 1
    [done] = deliver.deliveries(subscription["subscriptionID"])
    assert (done.status, done.attempts) == (rows.DELIVERED, 2)
    assert len(subscriber.accepted) == 1


def test_giving_up_after_the_limit(api: Api) -> None:
    subscription, secret = subscribe(api, "cq_bank")
    subscriber = Subscriber(secret)
    subscriber.answers = [500] * MAX_ATTEMPTS
    watcher(api).check()
    deliver = deliverer(api, subscriber)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver.deliver_due() == 1
        [row] = deliver.deliveries(subscription["subscriptionID"])
        assert (row.attempts, row.last_status) == (attempt, 500)
        api.node.clock.now += timedelta(hours=2)  # type: ignore[attr-defined]
    assert row.status == rows.FAILED
    assert row.last_error is not None
    assert row.last_error.startswith(f"gave up after {MAX_ATTEMPTS}")
    assert deliver.deliver_due() == 0
    assert watcher(api).check().queued == 0  # given up is not queued again
    assert subscriber.accepted == []


def test_a_4xx_answer_is_a_final_refusal(api: Api) -> None:
    subscription, _ = subscribe(api, "operator")
    subscriber = Subscriber(b"not the secret")  # every callback fails its signature: 401
    watcher(api).check()
    deliver = deliverer(api, subscriber)
    assert deliver.deliver_due() == 1
    [final] = deliver.deliveries(subscription["subscriptionID"])
    assert (final.status, final.last_status, final.attempts) == (rows.FAILED, 401, 1)
    api.node.clock.now += timedelta(hours=2)  # type: ignore[attr-defined]
    assert deliver.deliver_due() == 0
    assert subscriber.refused == 1


def test_list_read_delete_and_who_sees_which(api: Api) -> None:
    mine, _ = subscribe(api, "cq_bank")
    theirs, _ = subscribe(api, "exporter", reference=None)
    path = f"{PATH}/{mine['subscriptionID']}"
    assert [s["subscriptionID"] for s in api.get(PATH, "cq_bank").json()] == [
        mine["subscriptionID"]
    ]
    everyone = {s["subscriptionID"] for s in api.get(PATH, "operator").json()}
    assert everyone == {mine["subscriptionID"], theirs["subscriptionID"]}
    assert api.get(path, "cq_bank").json() == mine
    assert api.get(path, "exporter").status_code == 404
    assert api.client.delete(path, headers=api.headers("exporter")).status_code == 404
    watcher(api).check()  # queues cq_bank's callback (and the exporter's: it issued to it)
    assert api.client.delete(path, headers=api.headers("cq_bank")).status_code == 204
    assert api.get(path, "cq_bank").status_code == 404
    [cancelled] = AlertSubscriptions(api.node).deliveries(mine["subscriptionID"])
    assert cancelled.status == rows.CANCELLED
    assert deliverer(api, Subscriber(b"x")).deliver_due() == 1  # only the exporter's is due


def test_a_retried_post_with_the_same_idempotency_key_subscribes_once(api: Api) -> None:
    _, encoded = new_secret()
    body = {"callbackUrl": CALLBACK, "secret": encoded}
    first = api.post(PATH, "cq_bank", body, **{"Idempotency-Key": "alerts-1"})
    again = api.post(PATH, "cq_bank", body, **{"Idempotency-Key": "alerts-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(api.get(PATH, "cq_bank").json()) == 1


def test_the_secret_is_sealed_at_rest(api: Api) -> None:
    subscription, secret = subscribe(api, "cq_bank")
    alerts = AlertSubscriptions(api.node)
    assert alerts.secret_of(subscription["subscriptionID"]) == secret
    operator = Principal(None)
    assert alerts.get(operator, subscription["subscriptionID"]) == subscription
    with api.node.engine.connect() as conn:
        row = rows.get_subscription(conn, subscription["subscriptionID"], tables=ALERTS)
    assert row is not None
    assert secret not in row.sealed_secret


def test_the_app_runs_the_watcher_in_the_background(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INTERVAL_ENV, "0.01")
    monkeypatch.setenv(ALLOW_ENV, "allow")  # the discard port is on loopback
    seed_corridor(node)
    alerts = AlertSubscriptions(node)
    body = {"callbackUrl": "http://127.0.0.1:9/alerts", "secret": _KEY}  # nobody answers
    subscription = alerts.create(Principal(None), body)
    app: Any = create_app(node, rate_limiter=RateLimiter(rate=1000, burst=10_000))
    app.state.event_worker.autostart = False
    app.state.dcsa_worker.autostart = False
    assert app.state.alert_worker.autostart
    found: list[rows.DeliveryRow] = []
    with TestClient(app):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (found and found[0].last_error):
            time.sleep(0.05)
            found = alerts.deliveries(subscription["subscriptionID"])
    [attempted] = found
    assert attempted.status == rows.PENDING  # unreachable: retried with backoff
    assert attempted.attempts >= 1
    assert attempted.last_error is not None
    assert "127.0.0.1:9" in attempted.last_error


def test_a_bad_interval_setting_refuses_to_start(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INTERVAL_ENV, "soon")
    with pytest.raises(NodeError, match=INTERVAL_ENV):
        create_app(node)


def test_the_periodic_job_scans_only_when_someone_subscribed(api: Api) -> None:
    scans: list[int] = []
    check = watcher(api)
    original = check.check

    def counted(now: Any = None) -> Any:
        scans.append(1)
        return original(now)

    check.check = counted  # type: ignore[method-assign]
    assert check.watch() == 0
    assert scans == []
    subscribe(api, "cq_bank")
    assert check.watch() == 1
    assert check.watch() == 0
    assert len(scans) == 2
