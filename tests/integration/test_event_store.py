"""The tracking-event store on SQLite and PostgreSQL: idempotent ingest, versions, retraction,
atomic chunks, concurrent ingests, filters and keyset pages."""

from __future__ import annotations

import datetime as dt
import gc
import json
import threading
from typing import Any

import orjson
import pytest
from tests.tnt_samples import (
    BOOKING,
    EXAMPLES,
    TD,
    V22_EXAMPLE,
    V30_EXAMPLES,
    changed,
    container,
    equipment_event,
    retraction,
    shipment_event,
    transport_event,
)

from corridor.domain.tnt_query import EventFilter
from corridor.interop.dcsa.tnt.reader import read_dcsa_json
from corridor.interop.event_records import ParsedEvent, RejectedRecord
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.storage import events as rows


@pytest.fixture
def store(node: Node) -> EventStore:
    return EventStore(node)


def records(*events: Any) -> list[ParsedEvent]:
    return [ParsedEvent(f"events[{i}]", event) for i, event in enumerate(events)]


def stored(store: EventStore, where: EventFilter | None = None) -> list[dict[str, Any]]:
    return [
        orjson.loads(row.event_json)
        for row in store.page(where or EventFilter(include_retracted=True), limit=1000)
    ]


def test_the_dcsa_examples_import_once(store: EventStore) -> None:
    texts = [(EXAMPLES / n).read_text(encoding="utf-8") for n in (V22_EXAMPLE, *V30_EXAMPLES)]
    first = [store.ingest(read_dcsa_json(text)) for text in texts]
    assert sum(s.stored for s in first) == 15
    assert not any(s.rejected for s in first)
    again = [store.ingest(read_dcsa_json(text)) for text in texts]
    assert sum(s.duplicate for s in again) == 15
    assert sum(s.stored + s.updated for s in again) == 0
    assert len(stored(store)) == 15


def test_a_bad_record_never_stops_the_rest(store: EventStore) -> None:
    bad = equipment_event("bad", equipment="CQLU0000018")
    summary = store.ingest(
        [
            *records(equipment_event("a", equipment=container(2))),
            RejectedRecord("line 7", "the CSV row has 3 columns; 9 are needed"),
            ParsedEvent("line 8", bad),
            ParsedEvent("line 9", transport_event("b")),
        ]
    )
    assert (summary.stored, len(summary.rejected)) == (2, 2)
    assert str(summary.rejected[0]) == "line 7: the CSV row has 3 columns; 9 are needed"
    assert str(summary.rejected[1]).startswith(
        "line 8: equipmentDetails.equipmentReference: 'CQLU0000018' fails the ISO 6346"
    )
    assert {e["eventID"] for e in stored(store)} == {"a", "b"}


def test_newer_versions_replace_older_ones_and_conflicts_are_refused(store: EventStore) -> None:
    first = equipment_event("e1", updated="2026-03-04T10:05:00Z")
    store.ingest(records(first))
    newer = changed(first, eventUpdatedDateTime="2026-03-04T11:00:00Z", reason="late")
    older = changed(first, eventUpdatedDateTime="2026-03-04T09:00:00Z", reason="early")
    clash = changed(first, reason="same time, other content")
    refused = store.ingest(records(clash))
    assert len(refused.rejected) == 1
    assert refused.rejected[0].field == "eventUpdatedDateTime"
    assert "later eventUpdatedDateTime" in refused.rejected[0].reason
    summary = store.ingest(records(newer, older, clash))
    assert (summary.updated, summary.superseded, len(summary.rejected)) == (1, 2, 0)
    assert [e.get("reason") for e in stored(store)] == ["late"]


def test_a_newer_version_moves_the_document_index(store: EventStore) -> None:
    store.ingest(records(equipment_event("e1", document="TDOLD")))
    moved = equipment_event("e1", document="TDNEW", updated="2026-03-05T00:00:00Z")
    assert store.ingest(records(moved)).updated == 1
    old = EventFilter(documents=(("TRANSPORT_DOCUMENT", "TDOLD"),))
    new = EventFilter(documents=(("TRANSPORT_DOCUMENT", "TDNEW"),))
    assert stored(store, old) == []
    assert [e["eventID"] for e in stored(store, new)] == ["e1"]
    assert [e["eventID"] for e in stored(store, EventFilter(document_reference=BOOKING))] == ["e1"]


def test_a_retraction_hides_the_event_but_keeps_a_findable_marker(store: EventStore) -> None:
    store.ingest(records(equipment_event("e1"), equipment_event("e2")))
    summary = store.ingest(records(retraction("e1")))
    assert summary.retracted == 1
    live = stored(store, EventFilter())
    assert [e["eventID"] for e in live] == ["e2"]
    by_document = EventFilter(documents=(("TRANSPORT_DOCUMENT", TD),), include_retracted=True)
    markers = [e for e in stored(store, by_document) if e.get("isRetracted")]
    assert markers == [{"eventID": "e1", "isRetracted": True}]
    assert store.ingest(records(retraction("e1"))).duplicate == 1
    assert store.page(EventFilter(), limit=10, v22=True)[0].event_json == stored_json(store, "e2")


def stored_json(store: EventStore, event_id: str) -> str:
    return store.by_id(event_id)[0].event_json


def test_an_older_version_arriving_after_its_retraction_stays_discarded(
    store: EventStore,
) -> None:
    store.ingest(records(retraction("e1", "2026-03-04T12:00:00Z")))
    late_original = equipment_event("e1", updated="2026-03-04T10:05:00Z")
    assert store.ingest(records(late_original)).superseded == 1
    revived = equipment_event("e1", updated="2026-03-04T13:00:00Z")
    assert store.ingest(records(revived)).updated == 1
    assert [e["eventID"] for e in stored(store, EventFilter())] == ["e1"]


def test_versions_within_one_chunk_see_each_other(store: EventStore) -> None:
    first = equipment_event("e1")
    newer = changed(first, eventUpdatedDateTime="2026-03-05T00:00:00Z", reason="newer")
    summary = store.ingest(records(first, first, newer, retraction("e1"), retraction("new")))
    assert (summary.stored, summary.duplicate, summary.updated) == (2, 1, 1)
    assert summary.retracted == 1
    assert stored(store, EventFilter()) == []
    assert len(stored(store)) == 2


def test_the_same_event_id_from_two_producers_is_two_events(store: EventStore) -> None:
    a = {"partyCode": "WLSM", "codeListProvider": "SMDG", "codeListName": "LCL"}
    b = {"partyCode": "QZPT", "codeListProvider": "SMDG", "codeListName": "LCL"}
    ours = changed(equipment_event("evt-1"), eventRouting={"originatingParties": [a]})
    theirs = changed(equipment_event("evt-1"), eventRouting={"originatingParties": [b]})
    assert store.ingest(records(ours, theirs)).stored == 2
    assert len(store.by_id("evt-1")) == 2


def test_a_failed_chunk_writes_nothing_and_stops_the_ingest(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(rows, "insert_documents", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store.ingest(records(equipment_event("e1"), transport_event("e2")))
    assert gc.isenabled(), "the ingest's pause of the cyclic collector ended with it"
    monkeypatch.undo()
    assert stored(store) == []
    assert store.ingest(records(equipment_event("e1"))).stored == 1


def test_concurrent_ingests_of_one_batch_store_each_event_once(store: EventStore) -> None:
    batch = records(*(equipment_event(f"c{i}", equipment=container(i)) for i in range(300)))
    summaries = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            summaries.append(EventStore(store.node).ingest(batch, chunk_size=50))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(s.stored for s in summaries) == 300
    assert sum(s.duplicate for s in summaries) == 600
    assert len(stored(store)) == 300


def test_filters_and_keyset_pages(store: EventStore) -> None:
    events = [
        transport_event("depart-cqi"),
        transport_event(
            "arrive-qzh", kind="ARRIVED", where="CNQZH", updated="2026-03-04T02:00:00Z"
        ),
        equipment_event("load-1", equipment=container(1)),
        equipment_event("load-2", equipment=container(2), updated="2026-03-04T10:06:00Z"),
        shipment_event("issued"),
    ]
    store.ingest(records(*events))

    def ids(where: EventFilter) -> list[str]:
        return [e["eventID"] for e in stored(store, where)]

    assert ids(EventFilter(equipment_reference=container(2))) == ["load-2"]
    assert ids(EventFilter(un_location="CNQZH")) == ["arrive-qzh", "load-1", "load-2"]
    assert ids(EventFilter(subtypes=(("TRANSPORT", ("ARRIVED",)),))) == ["arrive-qzh"]
    assert ids(EventFilter(document_types=("TRANSPORT_DOCUMENT",))) == ["issued"]
    assert ids(EventFilter(vessel_imo="9321483", voyage="2610S")) == ["load-1", "load-2"]
    assert ids(EventFilter(transport_call_reference="TC-CNCQI-RAIL")) == ["depart-cqi"]
    assert ids(EventFilter(service_code="QZS")) == ["load-1", "load-2"]
    late = store.page(EventFilter(), limit=1)[0]
    assert json.loads(late.event_json)["eventID"] == "depart-cqi"
    from_second = [r.seq for r in store.page(EventFilter(), limit=2, after=late.seq)]
    assert len(from_second) == 2
    assert from_second[0] > late.seq
    last_two = store.page(EventFilter(), limit=2, before=2**62)
    assert [json.loads(r.event_json)["eventID"] for r in last_two] == ["load-2", "issued"]
    assert store.more(EventFilter(), seq=last_two[0].seq, forward=False)
    assert not store.more(EventFilter(), seq=last_two[-1].seq, forward=True)


def test_two_event_ids_under_one_key_are_told_apart(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store indexes a 64-bit key of the eventID; if two eventIDs ever share one, the second
    is refused by name and the first is untouched (a weak key stands in for a real collision)."""
    monkeypatch.setattr(rows, "key_of", lambda _event_id, _origin: (7, 0))
    first = store.ingest(records(equipment_event("e1")))
    assert first.stored == 1
    clash = store.ingest(records(equipment_event("e2"), equipment_event("e1")))
    assert (clash.stored, clash.duplicate) == (0, 1)
    assert [r.field for r in clash.rejected] == ["eventID"]
    assert "shares its 64-bit key" in clash.rejected[0].reason
    assert [e["eventID"] for e in stored(store)] == ["e1"]
    assert [json.loads(s.event_json)["eventID"] for s in store.by_id("e1")] == ["e1"]
    assert store.by_id("e2") == []


def test_the_key_index_holds_integers(store: EventStore) -> None:
    store.ingest(records(equipment_event("e1")))
    with store.node.engine.connect() as conn:
        row = conn.execute(
            rows.tables.tracking_events.select().where(rows.events.event_id == "e1")
        ).one()
    assert (row.event_key, row.origin_key) == rows.key_of("e1", "")
    assert isinstance(row.event_key, int)


def test_a_time_window_is_found_through_its_index_on_sqlite(sqlite_node: Node) -> None:
    """Without statistics SQLite would walk the table in ``seq`` order for a page of an
    ``eventCreatedDateTime`` window (ADR 0008); the page's ``seq`` bound must not lead it there."""
    start, end = (
        dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC),
    )
    window = EventFilter(updated=(("gte", start), ("lt", end)))
    with sqlite_node.engine.connect() as conn:
        for position in ({"after": 0}, {"after": 5}, {"before": 2**62}):
            statement = rows.page_statement(conn, window, limit=21, v22=True, **position)
            compiled = statement.compile(conn, compile_kwargs={"render_postcompile": True})
            values = tuple(compiled.params[name] for name in compiled.positiontup or ())
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values).all()
            assert any("ix_tracking_events_updated" in step[3] for step in plan), plan
