"""Ingesting and reading tracking events: the use cases behind the TNT APIs and ``corridor events``.

``EventStore.ingest(records)`` takes what the readers yield (``interop.event_records``) and works
in chunks of ``chunk_size`` records:

1. each event passes ``check_tnt_event`` (dialect, structure, rules); a refused one is counted
   with its place and reason, and the rest go on (a bad record never stops the others);
2. each event becomes its stored form: the TNT 3.0.0 JSON with sorted keys (a retraction: a
   marker holding ``eventID``, ``isRetracted`` and, if given, ``eventUpdatedDateTime`` and
   ``eventRouting``), the SHA-256 of those bytes, and its key as the store indexes it
   (``storage.events.key_of``);
3. one writing transaction per chunk reads the stored versions of the chunk's keys, decides for
   each event (``domain.tnt_event.decide``: store, update, retract, duplicate, superseded or a
   conflict), writes with ``executemany``, and queues the TNT 2.2 callbacks the stored events
   match (``event_subscriptions``) in the same transaction. A chunk is written whole or not at
   all; a database failure stops the ingest with the chunks before it committed.

Steps 1 and 2 run outside the transaction, so the write lock is held only for step 3. They run
on each record as the reader yields it, and only the stored form is kept: the parsed event is
freed before the next is read, so its memory serves the next (a chunk of parsed events kept
whole cost 3 µs an event of fresh memory). Subscriptions parse the stored JSON of the events
they match again (``Accepted.event``). Chunks are
large (``DEFAULT_CHUNK``) because every chunk rewrites most pages of the key index, whose keys
are random: the larger the chunk, the fewer times each page is written. The cyclic garbage
collector is paused during an ingest (``collector.collector_paused``): the parsed file is a large
heap of objects without cycles that it would otherwise walk again and again.

Reads (``page``, ``by_id``) return stored events for the API layer to render as 2.2 or 3.0.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import orjson

from corridor.domain.tnt_event import Decision, EventFacts, EventRuleError, Version, decide
from corridor.domain.tnt_query import EventFilter
from corridor.interop.dcsa.tnt.validate import check_tnt_event
from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord
from corridor.services.collector import collector_paused
from corridor.services.event_subscriptions import Subscriptions
from corridor.services.node import Node
from corridor.storage import event_subscriptions as subscription_rows
from corridor.storage import events as rows
from corridor.storage.engine import writing

__all__ = ["Accepted", "EventStore", "IngestSummary", "Rejection"]

DEFAULT_CHUNK = 20_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_MARKER_KEEPS = ("eventID", "isRetracted", "eventUpdatedDateTime", "eventRouting")
_SORTED = orjson.OPT_SORT_KEYS
_dumps = orjson.dumps
_sha256 = hashlib.sha256
_version = Version._make
_WRITES_LIVE = (Decision.STORE, Decision.UPDATE)
_RETRACTED, _UPDATED, _HASH, _JSON = (
    rows.EVENT_COLUMNS.index(name)
    for name in ("retracted", "updated_at_us", "content_hash", "event_json")
)


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

    def add(self, counts: Mapping[Decision, int]) -> None:
        """Count ``counts[decision]`` more records decided so (``CONFLICT`` is a rejection)."""
        for decision, n in counts.items():
            name = decision.value
            setattr(self, name, getattr(self, name) + n)

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


class Accepted:
    """An event version that was written: its facts, and its TNT 3.0.0 form parsed from the
    stored JSON when first asked for (subscriptions render only the events they match)."""

    __slots__ = ("_event", "body", "facts")

    def __init__(self, body: str, facts: EventFacts) -> None:
        self.body = body
        self.facts = facts
        self._event: Mapping[str, Any] | None = None

    @property
    def event(self) -> Mapping[str, Any]:
        if self._event is None:
            self._event = orjson.loads(self.body)
        return self._event


@dataclass(slots=True)
class _Candidate:
    where: str
    facts: EventFacts
    body: str
    version: Version
    key: tuple[int, int]
    position: int = 0


@dataclass(slots=True)
class _Slot:
    """One key's state while a chunk is written: what the database holds and what will change."""

    seq: int
    event_id: str
    version: Version
    db_refs: tuple[tuple[str, str], ...]
    refs: tuple[tuple[str, str], ...]
    row: list[Any] | None = None
    is_new: bool = False
    marker: tuple[bool, int | None, bytes, str, int] | None = None


@functools.lru_cache(maxsize=65536)
def _documents_json(documents: tuple[tuple[str, str], ...]) -> str:
    """The ``document_refs`` column (cached: a bill's events all name the same documents)."""
    return _dumps(documents).decode()


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
        body = _dumps(stored, option=_SORTED)
    except TypeError as error:
        raise EventRuleError("", f"cannot be written as JSON: {error}") from None
    version = _version((facts.retracted, facts.updated_at, _sha256(body).digest()))
    key = rows.key_of(facts.event_id, facts.origin)
    return _Candidate(where, facts, body.decode("utf-8"), version, key)


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
        with collector_paused():
            iterator = iter(records)
            while True:
                refused: list[tuple[int, Rejection]] = []
                candidates, read = self._prepare_chunk(islice(iterator, chunk_size), refused)
                if not read:
                    break
                if candidates:
                    self._write_chunk(candidates, summary, refused)
                refused.sort(key=lambda item: item[0])
                summary.rejected.extend(rejection for _, rejection in refused)
                if progress is not None:
                    progress(read)
        return summary

    def ingest_events(self, events: Sequence[object], where: str = "events") -> IngestSummary:
        """Ingest a pushed batch; each event's place is ``events[i]``."""
        return self.ingest(_as_records(events, where))

    @staticmethod
    def _prepare_chunk(
        chunk: Iterable[ParsedRecord], refused: list[tuple[int, Rejection]]
    ) -> tuple[list[_Candidate], int]:
        """The candidates of up to a chunk of records, and how many records were read. Each
        record is checked as it is read and only its stored form is kept, so the parsed events
        are freed one by one and their memory serves the next (module docstring)."""
        candidates = []
        position = -1
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
        return candidates, position + 1

    def _write_chunk(
        self,
        candidates: list[_Candidate],
        summary: IngestSummary,
        refused: list[tuple[int, Rejection]],
    ) -> None:
        received = _micros(self.node.clock())
        assert received is not None
        with writing(self.node.engine) as conn:
            rows.lock_for_ingest(conn)
            stored = rows.stored_versions(conn, [c.key[0] for c in candidates])
            plan = _Plan(rows.next_seq(conn), stored, received)
            decisions = [plan.apply(candidate) for candidate in candidates]
            plan.write(conn)
            if subscription_rows.list_subscriptions(conn, None):
                accepted = [
                    Accepted(c.body, c.facts)
                    for c, decision in zip(candidates, decisions, strict=True)
                    if decision in _WRITES_LIVE and not c.facts.retracted
                ]
                self.subscriptions.enqueue_matches(conn, accepted)
        counts = Counter(decisions)
        if counts.pop(Decision.CONFLICT, 0):
            refused += [
                (c.position, plan.refusal(c))
                for c, decision in zip(candidates, decisions, strict=True)
                if decision is Decision.CONFLICT
            ]
        summary.add(counts)

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


class _Plan:
    """The writes of one chunk, decided event by event (later events see earlier ones)."""

    def __init__(
        self, first_seq: int, stored: Mapping[tuple[int, int], rows.StoredVersion], received: int
    ) -> None:
        self.next_seq = first_seq
        self.received = received
        self.slots: dict[tuple[int, int], _Slot] = {}
        self.clashes: set[int] = set()
        for key, version in stored.items():
            refs = _refs(version.document_refs)
            held = Version(version.retracted, _moment(version.updated_at_us), version.content_hash)
            self.slots[key] = _Slot(version.seq, version.event_id, held, refs, refs)

    def apply(self, candidate: _Candidate) -> Decision:
        slot = self.slots.get(candidate.key)
        if slot is None:  # a new event: the common case
            seq = self.next_seq
            self.next_seq = seq + 1
            facts = candidate.facts
            self.slots[candidate.key] = _Slot(
                seq,
                facts.event_id,
                candidate.version,
                (),
                facts.documents,
                self._row(seq, candidate),
                True,
            )
            return Decision.STORE
        if slot.event_id != candidate.facts.event_id:  # another eventID with the same key
            self.clashes.add(id(candidate))
            return Decision.CONFLICT
        decision = decide(slot.version, candidate.version)
        if decision is Decision.UPDATE:
            slot.version = candidate.version
            slot.refs = candidate.facts.documents
            slot.marker = None
            slot.row = self._row(slot.seq, candidate)
        elif decision is Decision.RETRACT:
            self._retract(slot, candidate)
        return decision

    def refusal(self, candidate: _Candidate) -> Rejection:
        """Why a ``CONFLICT`` was refused."""
        if id(candidate) in self.clashes:
            return Rejection(
                candidate.where,
                "eventID",
                f"{candidate.facts.event_id!r} shares its 64-bit key with another stored eventID "
                "of the same originating parties; this node cannot store both: send it under "
                "another eventID",
            )
        return _conflict(candidate)

    def _row(self, seq: int, candidate: _Candidate) -> list[Any]:
        """The ``tracking_events`` row of ``candidate`` (``rows.EVENT_COLUMNS``)."""
        (event_id, _, retracted, updated_at, event_type, classifier, subtype, event_at) = (
            candidate.facts[:8]
        )
        (location, equipment, documents, call, imo, voyage, service, mode) = candidate.facts[8:]
        event_key, origin_key = candidate.key
        return [
            seq,
            event_key,
            origin_key,
            event_id,
            retracted,
            event_type,
            classifier,
            subtype,
            None if event_at is None else (event_at - _EPOCH) // _MICROSECOND,
            None if updated_at is None else (updated_at - _EPOCH) // _MICROSECOND,
            self.received,
            location,
            equipment,
            call,
            imo,
            voyage,
            service,
            mode,
            documents[0][0] if documents and event_type == "SHIPMENT" else None,
            _documents_json(documents) if documents else None,
            candidate.version.content_hash,
            candidate.body,
        ]

    def _retract(self, slot: _Slot, candidate: _Candidate) -> None:
        updated = candidate.version.updated_at or slot.version.updated_at
        slot.version = Version(True, updated, candidate.version.content_hash)
        hashed, body = candidate.version.content_hash, candidate.body
        if slot.row is not None:  # the live version was written in this chunk: mark that row
            row = slot.row
            row[_RETRACTED], row[_UPDATED], row[_HASH], row[_JSON] = (
                True,
                _micros(updated),
                hashed,
                body,
            )
        else:
            slot.marker = (True, _micros(updated), hashed, body, slot.seq)

    def write(self, conn: Any) -> None:
        inserts: list[list[Any]] = []
        updates: list[list[Any]] = []
        markers = []
        removed: list[tuple[str, str, int]] = []
        added: list[tuple[str, str, int]] = []
        for slot in self.slots.values():
            if slot.row is not None:
                (inserts if slot.is_new else updates).append(slot.row)
            elif slot.marker is not None:
                markers.append(slot.marker)
            if slot.refs != slot.db_refs:
                seq = slot.seq
                removed += [(r, k, seq) for k, r in slot.db_refs if (k, r) not in slot.refs]
                added += [(r, k, seq) for k, r in slot.refs if (k, r) not in slot.db_refs]
        rows.insert_events(conn, inserts)
        rows.update_events(conn, updates)
        rows.mark_retracted(conn, markers)
        rows.delete_documents(conn, removed)
        rows.insert_documents(conn, added)


def _conflict(candidate: _Candidate) -> Rejection:
    return Rejection(
        candidate.where,
        "eventUpdatedDateTime",
        f"event {candidate.facts.event_id!r} is already stored with other content and the same "
        "eventUpdatedDateTime; send the change with a later eventUpdatedDateTime",
    )
