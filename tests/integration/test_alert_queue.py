"""The alert outbox queues a (subscription, alert) once: the database refuses a second one.

``AlertWatcher.check`` skips what it finds already queued; these tests go under that check, to
the unique ``(subscription_id, alert_id)`` itself, on SQLite and PostgreSQL: a second insert of
the same pair, sequential or racing from several threads, adds nothing.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from corridor.services.node import Node
from corridor.storage.alert_subscriptions import QueuedAlert, queue_alerts, queued_pairs
from corridor.storage.alert_tables import alert_deliveries
from corridor.storage.engine import writing

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def item(subscription: str, alert: str) -> QueuedAlert:
    return QueuedAlert(subscription, alert, "WLSM26CQSG0102", json.dumps({"alertID": alert}))


def rows_in(node: Node) -> int:
    with node.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(alert_deliveries)).scalar_one())


def test_a_pair_is_queued_once_and_others_still_are(node: Node) -> None:
    with writing(node.engine) as conn:
        assert queue_alerts(conn, [item("s1", "a1"), item("s2", "a1")], NOW) == 2
    with writing(node.engine) as conn:
        again = [item("s1", "a1"), item("s1", "a2"), item("s2", "a1")]
        assert queue_alerts(conn, again, NOW) == 1
    with node.engine.connect() as conn:
        assert queued_pairs(conn, {"a1", "a2", "a3"}) == {("s1", "a1"), ("s2", "a1"), ("s1", "a2")}
    assert rows_in(node) == 3


def test_racing_runs_queue_a_pair_once(node: Node) -> None:
    results: list[int] = []
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def run() -> None:
        try:
            start.wait()
            with writing(node.engine) as conn:
                results.append(queue_alerts(conn, [item("s1", "a1")], NOW))
        except BaseException as failure:  # reported below, not lost in the thread
            failures.append(failure)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert sorted(results) == [0, 0, 0, 1]
    assert rows_in(node) == 1
