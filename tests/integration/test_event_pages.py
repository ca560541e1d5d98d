"""TNT 2.2 pages from the event store on SQLite and PostgreSQL: the query leaves out what TNT 2.2
cannot express (all but one kind, which the pages skip while reading on), pages are full, and
pages in ``eventCreatedDateTime`` order are keyset pages too."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from tests.tnt_samples import (
    changed,
    container,
    equipment_event,
    retraction,
    shipment_event,
    transport_event,
)

from corridor.domain.tnt_query import EventFilter
from corridor.interop.dcsa.tnt.v22_out import to_v22
from corridor.interop.event_records import ParsedEvent
from corridor.services.event_pages import EventPages, PageOrder, Position
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.storage import events as rows

SERVED, SKIPPED, EXCLUDED = "served", "skipped by the pages", "excluded by the query"


def ingest(node: Node, *events: dict[str, Any]) -> None:
    records = [ParsedEvent(f"events[{i}]", event) for i, event in enumerate(events)]
    summary = EventStore(node).ingest(records)
    assert summary.rejected == []


def without(event: dict[str, Any], *path: str) -> dict[str, Any]:
    """A copy of ``event`` without the member at ``path``."""
    copied = copy.deepcopy(event)
    node = copied
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return copied


def device_event(event_id: str, event_type: str, subtype: str) -> dict[str, Any]:
    return {
        "eventID": event_id,
        "eventDateTime": "2026-03-04T10:00:00Z",
        "eventUpdatedDateTime": "2026-03-04T10:01:00Z",
        "eventClassification": {
            "eventType": event_type,
            "eventClassifier": "ACTUAL",
            f"{event_type.lower()}EventType": subtype,
        },
        "equipmentDetails": {"equipmentReference": container(7)},
    }


def kinds() -> dict[str, tuple[dict[str, Any], str]]:
    """Every kind of event TNT 2.2 can or cannot express, and what becomes of it."""
    invoice = shipment_event("invoice")
    invoice["shipmentDetails"]["documentReference"]["type"] = "INVOICE"
    cases = {
        "issued": (shipment_event("issued"), SERVED),
        "pending": (shipment_event("pending", kind="PENDING_SURRENDER_FOR_DELIVERY"), EXCLUDED),
        "invoice": (invoice, EXCLUDED),
        "departed": (transport_event("departed"), SERVED),
        "no-call-ref": (
            without(
                transport_event("no-call-ref"),
                "transportDetails",
                "transportCall",
                "transportCallReference",
            ),
            EXCLUDED,
        ),
        "no-call": (without(transport_event("no-call"), "transportDetails"), EXCLUDED),
        "multimodal": (transport_event("multimodal", mode="MULTIMODAL"), EXCLUDED),
        "approaching": (transport_event("approaching", kind="APPROACHING"), EXCLUDED),
        "loaded": (equipment_event("loaded"), SERVED),
        "released": (equipment_event("released", kind="CUSTOMS_RELEASED"), EXCLUDED),
        "no-empty": (
            without(equipment_event("no-empty"), "equipmentDetails", "emptyIndicator"),
            SKIPPED,
        ),
        "retracted": (equipment_event("retracted"), EXCLUDED),
        "iot": (device_event("iot", "IOT", "DOOR_OPENED"), EXCLUDED),
        "reefer": (device_event("reefer", "REEFER", "MEASURED"), EXCLUDED),
    }
    return {name: (changed(event, eventID=name), fate) for name, (event, fate) in cases.items()}


def test_the_query_leaves_out_what_2_2_cannot_express_but_one_kind(node: Node) -> None:
    cases = kinds()
    ingest(node, *(event for event, _ in cases.values()))
    ingest(node, retraction("retracted"))
    with node.engine.connect() as conn:
        found = rows.walk_events(conn, EventFilter(), PageOrder(), limit=100, v22=True)
    selected = {json.loads(row.event_json)["eventID"]: json.loads(row.event_json) for row in found}
    assert sorted(selected) == sorted(n for n, (_, fate) in cases.items() if fate != EXCLUDED)
    for name, (_, fate) in cases.items():
        stored = EventStore(node).by_id(name)[0]
        rendered = to_v22(json.loads(stored.event_json))
        assert (rendered is not None) == (fate == SERVED), name


def served_and_skipped(count: int) -> list[dict[str, Any]]:
    """``count`` events 2.2 serves (``ok-<n>``), each followed by events it does not, and a run
    of 12 that the query cannot leave out in the middle."""
    cases = kinds()
    others = [event for event, fate in cases.values() if fate != SERVED]
    residue = cases["no-empty"][0]
    events: list[dict[str, Any]] = []
    for n in range(count):
        events.append(equipment_event(f"ok-{n}", equipment=container(100 + n)))
        events += [changed(other, eventID=f"{other['eventID']}-{n}") for other in others]
        events.append(retraction(f"retracted-{n}"))
        if n == count // 2:
            events += [changed(residue, eventID=f"run-{k}") for k in range(12)]
    return events


def walk(pages: EventPages, limit: int) -> list[list[str]]:
    """Every page from the first, following ``after_last`` (and checking the flags)."""
    page = pages.after((), limit)
    assert not page.earlier
    seen = [[event["eventID"] for event in page.events]]
    while page.later:
        page = pages.after(page.after_last, limit)
        assert page.earlier
        seen.append([event["eventID"] for event in page.events])
    return seen


def walk_back(pages: EventPages, limit: int) -> list[list[str]]:
    """Every page from the last, following ``before_first``."""
    page = pages.before((), limit)
    assert not page.later
    seen = [[event["eventID"] for event in page.events]]
    while page.earlier:
        page = pages.before(page.before_first, limit)
        assert page.later
        seen.insert(0, [event["eventID"] for event in page.events])
    return seen


def test_pages_are_full_whatever_lies_between_the_events_served(node: Node) -> None:
    ingest(node, *served_and_skipped(7))
    pages = EventPages(node, EventFilter(), PageOrder(), to_v22, v22=True)
    forward = walk(pages, 2)
    assert forward == [["ok-0", "ok-1"], ["ok-2", "ok-3"], ["ok-4", "ok-5"], ["ok-6"]]
    assert walk_back(pages, 2) == [["ok-0"], ["ok-1", "ok-2"], ["ok-3", "ok-4"], ["ok-5", "ok-6"]]
    assert walk(pages, 7) == [[f"ok-{n}" for n in range(7)]]


def test_an_empty_page_still_leads_back(node: Node) -> None:
    ingest(node, *served_and_skipped(3))
    pages = EventPages(node, EventFilter(), PageOrder(), to_v22, v22=True)
    full = pages.after((), 3)
    assert not full.later
    beyond = pages.after(full.after_last, 3)
    assert (beyond.events, beyond.earlier, beyond.later) == ([], True, False)
    back = pages.before(beyond.before_first, 2)
    assert [event["eventID"] for event in back.events] == ["ok-1", "ok-2"]
    assert (back.earlier, back.later) == (True, False)
    first = pages.before(pages.after((), 1).after_last, 2)  # before ok-0: nothing
    assert (first.events, first.earlier, first.later) == ([], False, True)
    assert [e["eventID"] for e in pages.after(first.after_last, 1).events] == ["ok-0"]


def timed(event_id: str, updated: str) -> dict[str, Any]:
    return equipment_event(event_id, updated=f"2026-03-04T{updated}:00Z")


@pytest.mark.parametrize("descending", [False, True])
def test_pages_by_event_created_time_are_keyset_pages(node: Node, descending: bool) -> None:
    updated = {"a": "10:30", "b": "09:00", "c": "10:30", "d": "08:15", "e": "11:00", "f": "09:00"}
    ingest(node, *(timed(name, time) for name, time in updated.items()))
    ingest(node, without(timed("g", "07:00"), "equipmentDetails", "emptyIndicator"))
    order = PageOrder(by_updated=True, descending=descending)
    pages = EventPages(node, EventFilter(), order, to_v22, v22=True)
    expected = sorted(updated, key=lambda name: updated[name])  # ties in stored order
    if descending:
        expected.reverse()
    assert [name for page in walk(pages, 4) for name in page] == expected
    assert [name for page in walk_back(pages, 4) for name in page] == expected
    assert [len(page) for page in walk(pages, 2)] == [2, 2, 2]
    last = pages.before((), 2)
    assert [event["eventID"] for event in last.events] == expected[-2:]


def test_a_position_must_fit_its_order(node: Node) -> None:
    with node.engine.connect() as conn:
        order = PageOrder(by_updated=True)
        with pytest.raises(Exception, match="position of 1 values"):
            rows.walk_events(conn, EventFilter(), order, limit=1, start=(5,))


def _plan(conn: Any, order: PageOrder, start: Position, where: EventFilter) -> str:
    statement = rows.walk_statement(conn, where, order, limit=21, start=start, v22=True)
    compiled = statement.compile(conn, compile_kwargs={"render_postcompile": True})
    values = tuple(compiled.params[name] for name in compiled.positiontup or ())
    steps = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values).all()
    return " / ".join(step[3] for step in steps)


def test_a_page_by_event_created_time_reads_its_index_in_order_on_sqlite(
    sqlite_node: Node,
) -> None:
    """No sort of all matching events per page: the ``updated_at_us`` index holds the order."""
    with sqlite_node.engine.connect() as conn:
        for descending in (False, True):
            order = PageOrder(by_updated=True, descending=descending)
            for start in ((), (1_772_000_000_000_000, 5)):
                plan = _plan(conn, order, start, EventFilter())
                assert "ix_tracking_events_updated" in plan, plan
                assert "TEMP B-TREE" not in plan, plan
