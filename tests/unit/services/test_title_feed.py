"""Title actions fed to the event store as TNT SHIPMENT events (``services.title_feed``)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.domain.title import ActionCode
from corridor.domain.tnt_query import EventFilter
from corridor.services.access import Access
from corridor.services.demo import seed_corridor
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.services.title_feed import TitleFeed

DELIVERED = "WLSM26CQSG0105"


def _shipment_types(store: EventStore, reference: str) -> list[str]:
    where = EventFilter(document_reference=reference, event_types=("SHIPMENT",))
    found = store.page(where, limit=50)
    return [row.event_json.split('"shipmentEventType":"')[1].split('"')[0] for row in found]


def test_sync_feeds_every_title_event_once(node: Node) -> None:
    seed_corridor(node)
    store = EventStore(node)
    feed = TitleFeed(node, store)
    # five issues, two surrenders for delivery, one acceptance
    assert feed.sync() == 8
    assert feed.sync() == 0
    assert _shipment_types(store, DELIVERED) == [
        "ISSUED",
        "PENDING_SURRENDER_FOR_DELIVERY",
        "SURRENDERED",
    ]


def test_an_action_is_fed_as_it_lands(node: Node) -> None:
    ids = seed_corridor(node)
    store = EventStore(node)
    feed = TitleFeed(node, store)
    feed.sync()
    node.after_commit.append(feed.after_commit)
    reference = "WLSM26CQSG0103"  # with the Singapore bank, its endorsee
    node.act(
        reference, ActionCode.SURRENDER_FOR_DELIVERY, actor=ids["sg_bank"], recipient=ids["carrier"]
    )
    assert _shipment_types(store, reference) == ["ISSUED", "PENDING_SURRENDER_FOR_DELIVERY"]


def test_the_tnt_api_lists_the_title_events_of_a_bill(node: Node) -> None:
    seed_corridor(node)
    token = Access(node).create_token(None, label="test").token
    with TestClient(create_app(node, web=False)) as client:  # the app syncs at start
        response = client.get(
            "/v2/events",
            params={"transportDocumentReference": DELIVERED, "eventType": "SHIPMENT"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    codes = [event["shipmentEventTypeCode"] for event in response.json()]
    # TNT 2.2 has no code for a pending surrender (see interop.dcsa.tnt.v22_out)
    assert codes == ["ISSU", "SURR"]


def test_a_failing_follower_never_fails_the_action(node: Node) -> None:
    """The entry is durable before the hooks run: a hook's error is logged, not answered."""
    ids = seed_corridor(node)

    def broken(_receipt: object) -> None:
        raise RuntimeError("database is locked")

    node.after_commit.append(broken)
    reference = "WLSM26CQSG0103"
    receipt = node.act(
        reference, ActionCode.SURRENDER_FOR_DELIVERY, actor=ids["sg_bank"], recipient=ids["carrier"]
    )
    assert node.history(reference)[-1].row.entry_hash == receipt.entry_hash
