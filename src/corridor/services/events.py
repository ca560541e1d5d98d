"""Ingesting and reading tracking events: the use cases behind the TNT APIs and ``corridor events``.

``EventStore.ingest(records)`` takes what the readers yield (``interop.event_records``) and works
in chunks of ``chunk_size`` records:

1. each event passes ``check_tnt_event`` (dialect, structure, rules); a refused one is counted
   with its place and reason, and the rest go on (a bad record never stops the others);
2. each event becomes its stored form: the TNT 3.0.0 JSON with sorted keys (a retraction: a
   marker holding ``eventID``, ``isRetracted`` and, if given, ``eventUpdatedDateTime`` and
   ``eventRouting``) and the SHA-256 of those bytes;
3. one writing transaction per chunk reads the stored versions of the chunk's keys, decides for
   each event (``domain.tnt_event.decide``: store, update, retract, duplicate, superseded or a
   conflict), writes with ``executemany``, and queues the TNT 2.2 callbacks the stored events
   match (``event_subscriptions``) in the same transaction. A chunk is written whole or not at
   all; a database failure stops the ingest with the chunks before it committed.

Reads (``page``, ``by_id``) return stored events for the API layer to render as 2.2 or 3.0.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import orjson

from corridor.domain.tnt_event import Decision, EventFacts, EventRuleError, Version, decide
from corridor.domain.tnt_query import EventFilter
from corridor.interop.dcsa.tnt.validate import check_tnt_event
from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord
from corridor.services.event_subscriptions import Subscriptions
from corridor.services.node import Node
from corridor.storage import events as rows
from corridor.storage.engine import writing

__all__ = ["Accepted", "EventStore", "IngestSummary", "Rejection"]

DEFAULT_CHUNK = 2000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MARKER_KEEPS = ("eventID", "isRetracted", "eventUpdatedDateTime", "eventRouting")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that was not stored: where it was, which field, why."""

    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        what = f"{self.field}: {self.reason}" if self.field else self.reason
        return f"{self.where}: {what}" if self.where else what


@dataclass
class IngestSummary:
    """How an ingest went; ``read`` counts every record, refused or not."""

    stored: int = 0
    updated: int = 0
    retracted: int = 0
    duplicate: int = 0
    superseded: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def read(self) -> int:
        accepted = self.stored + self.updated + self.retracted
        return accepted + self.duplicate + self.superseded + len(self.rejected)

    def count(self, decision: Decision) -> None:
        name = decision.value
        setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "stored": self.stored,
            "updated": self.updated,
            "retracted": self.retracted,
            "duplicate": self.duplicate,
            "superseded": self.superseded,
            "rejected": len(self.rejected),
        }


@dataclass(frozen=True, slots=True)
class Accepted:
    """An event version that was written: its TNT 3.0.0 form and facts (for subscriptions)."""

    event: Mapping[str, Any]
    facts: EventFacts


@dataclass(slots=True)
class _Candidate:
    where: str
    event: Mapping[str, Any]
    facts: EventFacts
    body: str
    version: Version
    position: int = 0


@dataclass(slots=True)
class _Slot:
    """One key's state while a chunk is written: what the database holds and what will change."""

    seq: int
    version: Version
    db_refs: tuple[tuple[str, str], ...]
    refs: tuple[tuple[str, str], ...]
    row: list[Any] | None = None
    is_new: bool = False
    marker: tuple[bool, int | None, bytes, str, int] | None = None


def _micros(moment: dt.datetime | None) -> int | None:
    return rows.micros(moment)


def _moment(micros: int | None) -> dt.datetime | None:
    return None if micros is None else _EPOCH + dt.timedelta(microseconds=micros)


def _refs(text: str | None) -> tuple[tuple[str, str], ...]:
    return () if not text else tuple((kind, ref) for kind, ref in orjson.loads(text))


def prepare(where: str, raw: object) -> _Candidate:
    """Check one event and build its stored form; ``EventRuleError`` if it is refused."""
    event, facts = check_tnt_event(raw)
    stored = {k: event[k] for k in _MARKER_KEEPS if k in event} if facts.retracted else event
    try:
        body = orjson.dumps(stored, option=orjson.OPT_SORT_KEYS)
    except TypeError as error:
        raise EventRuleError("", f"cannot be written as JSON: {error}") from None
    content_hash = hashlib.sha256(body).digest()
    version = Version(facts.retracted, facts.updated_at, content_hash)
    return _Candidate(where, event, facts, body.decode("utf-8"), version)


class EventStore:
    """The node's tracking events: ingest in chunks, read with filters."""

    def __init__(self, node: Node, subscriptions: Subscriptions | None = None) -> None:
        self.node = node
        self.subscriptions = subscriptions if subscriptions is not None else Subscriptions(node)

    # Ingest ---------------------------------------------------------------------------------

    def ingest(
        self,
        records: Iterable[ParsedRecord],
        *,
        chunk_size: int = DEFAULT_CHUNK,
        progress: Callable[[int], None] | None = None,
    ) -> IngestSummary:
        """Store every good record; see the module docstring. ``progress(n)`` after each chunk."""
        summary = IngestSummary()
        iterator = iter(records)
        while chunk := list(islice(iterator, chunk_size)):
            refused: list[tuple[int, Rejection]] = []
            candidates = self._prepare_chunk(chunk, refused)
            if candidates:
                self._write_chunk(candidates, summary, refused)
            refused.sort(key=lambda item: item[0])
            summary.rejected.extend(rejection for _, rejection in refused)
            if progress is not None:
                progress(len(chunk))
        return summary

    def ingest_events(self, events: Sequence[object], where: str = "events") -> IngestSummary:
        """Ingest a pushed batch; each event's place is ``events[i]``."""
        return self.ingest(_as_records(events, where))

    @staticmethod
    def _prepare_chunk(
        chunk: list[ParsedRecord], refused: list[tuple[int, Rejection]]
    ) -> list[_Candidate]:
        candidates = []
        for position, record in enumerate(chunk):
            if isinstance(record, RejectedRecord):
                refused.append((position, Rejection(record.where, "", record.reason)))
                continue
            try:
                candidate = prepare(record.where, record.event)
            except EventRuleError as error:
                refused.append((position, Rejection(record.where, error.field, error.reason)))
                continue
            candidate.position = position
            candidates.append(candidate)
        return candidates

    def _write_chunk(
        self,
        candidates: list[_Candidate],
        summary: IngestSummary,
        refused: list[tuple[int, Rejection]],
    ) -> None:
        received = _micros(self.node.clock())
        assert received is not None
        accepted: list[Accepted] = []
        outcomes: list[tuple[_Candidate, Decision]] = []
        with writing(self.node.engine) as conn:
            rows.lock_for_ingest(conn)
            stored = rows.stored_versions(conn, [c.facts.event_id for c in candidates])
            plan = _Plan(rows.next_seq(conn), stored, received)
            for candidate in candidates:
                decision = plan.apply(candidate)
                outcomes.append((candidate, decision))
                if decision in (Decision.STORE, Decision.UPDATE) and not candidate.facts.retracted:
                    accepted.append(Accepted(candidate.event, candidate.facts))
            plan.write(conn)
            self.subscriptions.enqueue_matches(conn, accepted)
        for candidate, decision in outcomes:
            if decision is Decision.CONFLICT:
                refused.append((candidate.position, _conflict(candidate)))
            else:
                summary.count(decision)

    # Reads ----------------------------------------------------------------------------------

    def page(
        self,
        where: EventFilter,
        *,
        limit: int,
        after: int | None = None,
        before: int | None = None,
        v22: bool = False,
    ) -> list[rows.StoredEvent]:
        with self.node.engine.connect() as conn:
            return rows.select_events(conn, where, limit=limit, after=after, before=before, v22=v22)

    def more(self, where: EventFilter, *, seq: int, forward: bool, v22: bool = False) -> bool:
        with self.node.engine.connect() as conn:
            return rows.exists_beyond(conn, where, seq=seq, forward=forward, v22=v22)

    def by_id(self, event_id: str) -> list[rows.StoredEvent]:
        with self.node.engine.connect() as conn:
            return rows.get_events(conn, event_id)


def _as_records(events: Sequence[object], where: str) -> Iterator[ParsedRecord]:
    for index, event in enumerate(events):
        yield ParsedEvent(f"{where}[{index}]", event)  # type: ignore[arg-type]


def _conflict(candidate: _Candidate) -> Rejection:
    return Rejection(
        candidate.where,
        "eventUpdatedDateTime",
        f"event {candidate.facts.event_id!r} is already stored with other content and the same "
        "eventUpdatedDateTime; send the change with a later eventUpdatedDateTime",
    )


class _Plan:
    """The writes of one chunk, decided event by event (later events see earlier ones)."""

    def __init__(
        self, first_seq: int, stored: Mapping[tuple[str, str], rows.StoredVersion], received: int
    ) -> None:
        self.next_seq = first_seq
        self.received = received
        self.slots: dict[tuple[str, str], _Slot] = {}
        for key, version in stored.items():
            refs = _refs(version.document_refs)
            held = Version(version.retracted, _moment(version.updated_at_us), version.content_hash)
            self.slots[key] = _Slot(version.seq, held, refs, refs)

    def apply(self, candidate: _Candidate) -> Decision:
        facts = candidate.facts
        key = (facts.event_id, facts.origin)
        slot = self.slots.get(key)
        decision = decide(None if slot is None else slot.version, candidate.version)
        if decision is Decision.STORE:
            slot = self.slots[key] = _Slot(self.next_seq, candidate.version, (), (), is_new=True)
            self.next_seq += 1
            self._full(slot, candidate)
        elif decision is Decision.UPDATE:
            assert slot is not None
            self._full(slot, candidate)
        elif decision is Decision.RETRACT:
            assert slot is not None
            self._retract(slot, candidate)
        return decision

    def _full(self, slot: _Slot, candidate: _Candidate) -> None:
        facts = candidate.facts
        slot.version = candidate.version
        slot.refs = facts.documents
        slot.marker = None
        slot.row = [
            *(slot.seq, facts.event_id, facts.origin, facts.retracted, facts.event_type),
            *(facts.classifier, facts.subtype, _micros(facts.event_at), _micros(facts.updated_at)),
            *(self.received, facts.un_location, facts.equipment_reference),
            *(facts.transport_call_reference, facts.vessel_imo, facts.voyage, facts.service_code),
            *(facts.mode_of_transport, facts.shipment_document_type),
            orjson.dumps(facts.documents).decode() if facts.documents else None,
            candidate.version.content_hash,
            candidate.body,
        ]

    def _retract(self, slot: _Slot, candidate: _Candidate) -> None:
        updated = candidate.version.updated_at or slot.version.updated_at
        slot.version = Version(True, updated, candidate.version.content_hash)
        hashed, body = candidate.version.content_hash, candidate.body
        if slot.row is not None:  # the live version was written in this chunk: mark that row
            slot.row[3], slot.row[8], slot.row[19], slot.row[20] = (
                True,
                _micros(updated),
                hashed,
                body,
            )
        else:
            slot.marker = (True, _micros(updated), hashed, body, slot.seq)

    def write(self, conn: Any) -> None:
        inserts = [s.row for s in self.slots.values() if s.is_new and s.row is not None]
        updates = [s.row for s in self.slots.values() if not s.is_new and s.row is not None]
        markers = [s.marker for s in self.slots.values() if s.marker is not None]
        removed = [
            (ref, kind, s.seq)
            for s in self.slots.values()
            for kind, ref in s.db_refs
            if (kind, ref) not in s.refs
        ]
        added = [
            (ref, kind, s.seq)
            for s in self.slots.values()
            for kind, ref in s.refs
            if (kind, ref) not in s.db_refs
        ]
        rows.insert_events(conn, inserts)
        rows.update_events(conn, updates)
        rows.mark_retracted(conn, markers)
        rows.delete_documents(conn, removed)
        rows.insert_documents(conn, added)
