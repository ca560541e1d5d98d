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
from corridor.services import event_pages
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


# The bound on the rows a walk reads (``SCAN_BUDGET``), made small -----------------------------

BUDGET = 10


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A budget of ``BUDGET`` rows, and the count of rows each read of the store returned."""
    monkeypatch.setattr(event_pages, "SCAN_BUDGET", BUDGET)
    counts: list[int] = []
    real = rows.walk_events

    def counted(*args: Any, **kwargs: Any) -> list[rows.PagedEvent]:
        found = real(*args, **kwargs)
        counts.append(len(found))
        return found

    monkeypatch.setattr(rows, "walk_events", counted)
    return counts


def unservable(name: str, serial: int, minute: int = 0) -> dict[str, Any]:
    """An EQUIPMENT event the query keeps and TNT 2.2 cannot render (no ``emptyIndicator``)."""
    event = equipment_event(
        name, equipment=container(serial), updated=f"2026-03-04T10:{minute:02d}:00Z"
    )
    return without(event, "equipmentDetails", "emptyIndicator")


def served(name: str, serial: int, minute: int = 0) -> dict[str, Any]:
    return equipment_event(
        name, equipment=container(serial), updated=f"2026-03-04T10:{minute:02d}:00Z"
    )


STORED = PageOrder()


def positions(node: Node, order: PageOrder = STORED) -> dict[str, Position]:
    """Each eventID the pages read and its position in ``order``."""
    with node.engine.connect() as conn:
        found = rows.walk_events(conn, EventFilter(), order, limit=10_000, v22=True)
    return {json.loads(row.event_json)["eventID"]: row.position for row in found}


def ids(page: Any) -> list[str]:
    return [event["eventID"] for event in page.events]


def test_a_page_stops_at_the_budget_and_reads_on_from_the_last_row_read(
    node: Node, rows_read: list[int]
) -> None:
    ingest(
        node,
        served("ok-0", 1),
        *(unservable(f"u-{n}", 100 + n) for n in range(25)),
        served("ok-1", 2),
    )
    at = positions(node)
    rows_read.clear()
    pages = EventPages(node, EventFilter(), PageOrder(), to_v22, v22=True)
    first = pages.after((), 3)  # ok-0, u-0 ... u-8: the budget is spent on rows rendering nothing
    assert (ids(first), first.earlier, first.later) == (["ok-0"], False, True)
    assert first.after_last == at["u-8"]
    assert sum(rows_read) == BUDGET
    second = pages.after(first.after_last, 3)  # u-9 ... u-18
    assert (ids(second), second.earlier, second.later) == ([], True, True)
    assert second.after_last == at["u-18"]
    third = pages.after(second.after_last, 3)
    assert (ids(third), third.earlier, third.later) == (["ok-1"], True, False)
    back = pages.before(third.before_first, 3)  # u-24 ... u-15
    assert (ids(back), back.earlier, back.later) == ([], True, True)
    assert back.before_first == at["u-15"]
    assert ids(pages.before(back.before_first, 3)) == []
    last = pages.before((), 3)
    assert (ids(last), last.earlier, last.later) == (["ok-1"], True, False)
    assert last.before_first == at["u-16"]  # ok-1 and 9 rows rendering nothing


def test_is_there_more_answers_maybe_when_the_budget_runs_out(
    node: Node, rows_read: list[int]
) -> None:
    ingest(
        node,
        *(unservable(f"head-{n}", 200 + n) for n in range(15)),
        served("ok-0", 1),
        served("ok-1", 2),
        *(unservable(f"tail-{n}", 100 + n) for n in range(25)),
    )
    at = positions(node)
    pages = EventPages(node, EventFilter(), PageOrder(), to_v22, v22=True)
    full = pages.after(at["head-14"], 2)  # the page is full, then 8 rows rendering nothing
    assert (ids(full), full.later) == (["ok-0", "ok-1"], True)
    assert full.after_last == at["tail-7"]
    assert full.earlier  # 15 rows back, none rendering: maybe
    beyond = pages.after(full.after_last, 2)
    assert (ids(beyond), beyond.later) == ([], True)
    end = pages.after(beyond.after_last, 2)
    assert (ids(end), end.earlier, end.later) == ([], True, False)
    before = pages.before(at["ok-0"], 2)
    assert (ids(before), before.earlier, before.later) == ([], True, True)
    start = pages.before(before.before_first, 2)
    assert (ids(start), start.earlier, start.later) == ([], False, True)


def mixed_store(node: Node) -> list[str]:
    """Served events between runs of events rendering nothing, shorter and longer than the
    budget; ``eventUpdatedDateTime`` minutes scattered, with ties. The served eventIDs."""
    runs = [3, 0, 25, 12, 0, 0, 9, 10, 1, 47, 0, 30]
    events, names, serial = [], [], 0
    for run_number, run in enumerate(runs):
        for _ in range(run):
            serial += 1
            events.append(unservable(f"u-{serial}", serial, minute=serial * 7 % 23))
        serial += 1
        name = f"ok-{run_number}"
        events.append(served(name, serial, minute=serial * 7 % 23))
        names.append(name)
    ingest(node, *events)
    return names


def walk_pages(
    pages: EventPages, limit: int, rows_read: list[int], *, back: bool = False
) -> list[list[str]]:
    """Every page from the first (or the last, going back), each request reading at most two
    budgets of rows."""
    seen: list[list[str]] = []
    page, more = None, True
    while more:
        rows_read.clear()
        if back:
            page = pages.before(page.before_first if page else (), limit)
            seen.insert(0, ids(page))
            more = page.earlier
        else:
            page = pages.after(page.after_last if page else (), limit)
            seen.append(ids(page))
            more = page.later
        assert len(page.events) <= limit
        assert sum(rows_read) <= 2 * BUDGET, rows_read
        assert len(seen) < 100, "the pages do not move on"
    return seen


@pytest.mark.parametrize(
    "order",
    [PageOrder(), PageOrder(by_updated=True), PageOrder(by_updated=True, descending=True)],
    ids=["stored", "created-asc", "created-desc"],
)
@pytest.mark.parametrize("limit", [1, 3, 20])
def test_following_the_pages_both_ways_serves_every_event_once_in_order(
    node: Node, rows_read: list[int], order: PageOrder, limit: int
) -> None:
    names = mixed_store(node)
    at = positions(node, order)
    expected = sorted(names, key=lambda name: at[name], reverse=order.descending)
    pages = EventPages(node, EventFilter(), order, to_v22, v22=True)
    for back in (False, True):
        seen = walk_pages(pages, limit, rows_read, back=back)
        assert [name for page in seen for name in page] == expected
        not_the_end = seen[1:] if back else seen[:-1]
        assert any(len(page) < limit for page in not_the_end)  # the budget ran out on the way
