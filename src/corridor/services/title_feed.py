"""Title actions into the event store, so TNT readers and subscribers see them as SHIPMENT events.

``TitleFeed.sync()`` reads the log after its watermark (the node setting ``title_events_leaf``:
the next leaf index not yet read), turns each title action TNT has a word for into its TNT 3.0.0
SHIPMENT event (``domain.title_events``: ISSUED, PENDING_SURRENDER_FOR_DELIVERY,
SURRENDERED_FOR_DELIVERY, DECLINED, VOIDED, ...), ingests them, and then moves the watermark.
Event ids come from entry hashes, so reading an entry twice (a crash between the ingest and the
watermark, two nodes' processes) stores nothing twice.

The running node syncs at start (catching up actions taken from the CLI or before an upgrade) and
after every action that has a SHIPMENT word (``Node.after_commit``). A failure is logged and
never fails the action, which is already durable; the next sync catches up.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from corridor.domain.title import SURRENDERS, ActionCode
from corridor.domain.title_events import SHIPMENT_EVENT_TYPES, title_event
from corridor.services.entry_codec import payload_of
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.services.writer import Receipt
from corridor.storage import repository as repo
from corridor.storage.engine import writing

__all__ = ["TitleFeed"]

_log = logging.getLogger("corridor.events")
_WATERMARK = "title_events_leaf"
_BATCH = 2000
_TRIGGERS = frozenset({*SHIPMENT_EVENT_TYPES, ActionCode.SACC})


class TitleFeed:
    """Feeds the node's title actions to its event store (module docstring)."""

    def __init__(self, node: Node, store: EventStore) -> None:
        self.node = node
        self._store = store
        self._lock = threading.Lock()

    def sync(self) -> int:
        """Ingest the SHIPMENT events of the entries after the watermark; return how many."""
        with self._lock:
            with self.node.engine.connect() as conn:
                start = int(repo.get_setting(conn, _WATERMARK) or 0)
                entries = repo.entries_from(conn, start, _BATCH)
                events = [e for e in (self._event(conn, entry) for entry in entries) if e]
            if not entries:
                return 0
            if events:
                self._store.ingest_events(events, "title")
            with writing(self.node.engine) as conn:
                repo.put_setting(conn, _WATERMARK, str(entries[-1].leaf_index + 1))
            more = len(entries) == _BATCH
        return len(events) + (self.sync() if more else 0)

    def after_commit(self, receipt: Receipt) -> None:
        """``Node.after_commit``: sync after an action with a SHIPMENT word; never raise."""
        if receipt.action_code not in _TRIGGERS:
            return
        try:
            self.sync()
        except Exception as error:  # the action is durable; the next sync catches up
            _log.warning("title events not synced after %s: %s", receipt.entry_hash, error)

    def _event(self, conn: Any, entry: repo.EntryRow) -> dict[str, Any] | None:
        code = ActionCode(entry.action_code)
        if code not in _TRIGGERS:
            return None
        surrendered_for = None
        if code is ActionCode.SACC:
            earlier = repo.entries_of(conn, entry.document_reference)
            surrenders = [
                ActionCode(e.action_code)
                for e in earlier
                if e.sequence < entry.sequence and ActionCode(e.action_code) in SURRENDERS
            ]
            surrendered_for = surrenders[-1] if surrenders else None
        return title_event(
            reference=entry.document_reference,
            code=code,
            action_date_time=payload_of(entry.jws).action_date_time,
            entry_hash=entry.entry_hash,
            platform=self.node.config.platform,
            surrendered_for=surrendered_for,
        )
