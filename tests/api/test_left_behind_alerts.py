"""A container left behind reaches alert subscribers as the overdue alerts do.

On the demo corridor, on SQLite and PostgreSQL: ``WLSM26CQSG0103``'s vessel left Qinzhou three
days ago with both containers loaded. The terminal then reports that its second container was
discharged again at Qinzhou before the vessel sailed (shut out): the box did not sail, and the
holder's subscription is told once, with ``alertType`` ``CONTAINER_LEFT_BEHIND``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.api.alert_support import OVERDUE, demo_api
from tests.api.callback_receiver import Subscriber
from tests.api.conftest import Api
from tests.api.test_alert_subscriptions_api import deliverer, subscribe, watcher

from corridor.domain.journey_alerts import AlertKind
from corridor.services.demo_events import corridor_journeys
from corridor.services.events import EventStore
from corridor.services.node import Node

ON_THE_VESSEL = "WLSM26CQSG0103"


@pytest.fixture
def api(node: Node) -> Iterator[Api]:
    with demo_api(node) as made:
        yield made


def _second_box_load(now: dt.datetime) -> dict[str, Any]:
    [journey] = [j for j in corridor_journeys(now) if j.reference == ON_THE_VESSEL]
    box = journey.containers[1]
    [load] = [
        e
        for e in journey.events
        if e["eventID"].endswith("vessel-load-" + box + "-ACT")
        and e["equipmentDetails"]["equipmentReference"] == box
    ]
    return load


def _moved(load: dict[str, Any], suffix: str, kind: str, later: dt.timedelta) -> dict[str, Any]:
    """``load`` turned into another equipment event of the same box, ``later`` after it."""
    event = copy.deepcopy(load)
    at = dt.datetime.fromisoformat(load["eventDateTime"]) + later
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event["eventID"] = load["eventID"] + suffix
    event["eventClassification"]["equipmentEventType"] = kind
    event["eventDateTime"] = event["eventUpdatedDateTime"] = stamp
    return event


def test_a_shut_out_container_is_told_once_then_gone_when_loaded_again(api: Api) -> None:
    load = _second_box_load(api.node.clock())
    box = load["equipmentDetails"]["equipmentReference"]
    subscription, secret = subscribe(api, "sg_bank", reference=ON_THE_VESSEL)  # its holder
    subscriber = Subscriber(secret)
    assert watcher(api).check().queued == 0  # both boxes loaded: nothing to tell

    shut_out = _moved(load, "-SHUT-OUT", "DISCHARGED", dt.timedelta(minutes=90))
    assert EventStore(api.node).ingest_events([shut_out]).as_dict()["stored"] == 1
    run = watcher(api).check()
    kinds = {(a.document_reference, a.kind) for a in run.scan.alerts}
    assert kinds == {
        (OVERDUE, AlertKind.OVERDUE_MILESTONE),
        (ON_THE_VESSEL, AlertKind.CONTAINER_LEFT_BEHIND),
    }
    assert run.queued == 1
    assert deliverer(api, subscriber).deliver_due() == 1
    assert watcher(api).check().queued == 0  # told once
    assert deliverer(api, subscriber).deliver_due() == 0

    [(body, headers)] = subscriber.accepted
    alert = json.loads(body)
    [expected] = [a for a in run.scan.alerts if a.document_reference == ON_THE_VESSEL]
    assert alert["alertType"] == "CONTAINER_LEFT_BEHIND"
    assert alert["alertID"] == expected.id
    assert alert["alertID"].startswith("left-behind-")
    assert alert["transportDocumentReference"] == ON_THE_VESSEL
    assert alert["equipmentReferences"] == [box]
    assert (alert["milestone"], alert["location"]["UNLocationCode"]) == ("LOAD", "CNQZH")
    assert alert["leg"]["role"] == "SEA"
    assert alert["message"] == expected.message
    assert alert["message"].startswith(f"Container {box} left behind at Qinzhou (CNQZH): ")
    assert "then discharged there again" in alert["message"]
    assert headers["subscription-id"] == subscription["subscriptionID"]

    reloaded = _moved(load, "-RELOADED", "LOADED", dt.timedelta(hours=2))
    assert EventStore(api.node).ingest_events([reloaded]).as_dict()["stored"] == 1
    after = watcher(api).check()
    assert [a.document_reference for a in after.scan.alerts] == [OVERDUE]
    assert after.queued == 0
