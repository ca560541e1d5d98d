"""The writer's raw statements store what SQLAlchemy Core would, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, insert

from corridor.domain.title import ActionCode, BillKind, Status, TitleRecord
from corridor.errors import NodeError
from corridor.storage import hot_log, tables
from corridor.storage import repository as repo
from corridor.storage.engine import open_engine, writing
from corridor.storage.migrations import migrate
from corridor.storage.repository import EntryRow, RegisterRow

AT = datetime(2026, 3, 2, 8, 0, 1, 234567, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _entry(index: int, reference: str = "REF1") -> EntryRow:
    return EntryRow(
        leaf_index=index,
        document_reference=reference,
        sequence=index + 1,
        action_code="TRANSFER",
        actor="first-holder",
        recipient="second-holder",
        kid="kid-1",
        jws=f"header.payload{index}.signature",
        entry_hash=f"{index:064x}",
        leaf_hash=bytes([index]) * 32,
        created_at=AT,
    )


def _record(reference: str, version: int = 1) -> RegisterRow:
    record = TitleRecord(
        document_reference=reference,
        document_checksum=f"{reference:0>64}"[-64:],
        carrier="carrier",
        kind=BillKind.TO_ORDER,
        status=Status.ISSUED,
        possessor="first-holder",
        consignee=None,
        endorsee="first-holder",
        may_endorse=True,
        version=version,
    )
    return RegisterRow(record, "0" * 64)


def _add_documents(conn: Connection, count: int) -> list[str]:
    refs = [f"REF{i}" for i in range(count)]
    for ref in refs:
        repo.insert_document(conn, ref, _record(ref).record.document_checksum, b"{}", AT)
        repo.insert_title(conn, _record(ref))
    return refs


def test_entries_are_stored_as_sqlalchemy_stores_them(engine: Engine) -> None:
    via_core, via_driver = _entry(0), _entry(1)
    with writing(engine) as conn:
        values = {k: getattr(via_core, k) for k in hot_log.ENTRY_COLUMNS}
        conn.execute(insert(tables.entries).values(**values))
        hot_log.insert_entries(conn, [via_driver])
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM entries ORDER BY leaf_index").all()
        assert rows[0][-1] == rows[1][-1]  # created_at: the same stored text or timestamp
        assert [type(v) for v in rows[0]] == [type(v) for v in rows[1]]
        read = repo.entries_of(conn, "REF1")
    assert [r.jws for r in read] == [via_core.jws, via_driver.jws]
    assert read[1].leaf_hash == via_driver.leaf_hash
    assert read[1].created_at == read[0].created_at


def test_titles_update_only_at_the_expected_version(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hot_log, "_ROWS_PER_STATEMENT", 2)  # several statements per batch
    with writing(engine) as conn:
        refs = _add_documents(conn, 5)
    moved = [
        RegisterRow(
            replace(
                _record(ref).record,
                possessor="second-holder",
                may_endorse=False,
                status=Status.SURRENDER_PENDING,
                pending_surrenderer="second-holder",
                pending_code=ActionCode.SURRENDER_FOR_DELIVERY,
                version=2,
            ),
            "f" * 64,
        )
        for ref in refs
    ]
    with writing(engine) as conn:
        assert hot_log.update_titles(conn, [(row, 1) for row in moved])
    with writing(engine) as conn:
        stale = [(row, 1) for row in moved[:3]]
        assert not hot_log.update_titles(conn, stale)  # they are at version 2 now
    with engine.connect() as conn:
        for row in moved:
            assert repo.get_title(conn, row.record.document_reference) == row


def test_the_head_is_locked_read_and_moved(engine: Engine) -> None:
    with writing(engine) as conn:
        size, _root = hot_log.lock_head(conn)
        hot_log.set_head(conn, size + 3, b"\x01" * 32)
    with engine.connect() as conn:
        assert repo.read_log_head(conn) == (size + 3, b"\x01" * 32)


def test_statements_refuse_to_run_outside_a_transaction(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(NodeError, match="inside a transaction"):
        hot_log.lock_head(conn)
