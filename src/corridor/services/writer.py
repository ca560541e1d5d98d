"""The unit of work that turns requested actions into durable, signed, logged entries.

One ``LogWriter`` per node process runs behind a ``GroupCommitter``. For each batch it opens one
transaction, locks the log head (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on
PostgreSQL), brings its in-memory Merkle tree up to the stored head (another process may have
appended), then for each request in order: reads the title record, applies the domain rules,
signs the entry with the actor's custodial key (or checks the chain of an entry the client signed
itself), and writes the entry and the new record. A refused request writes nothing and the batch
goes on; a database failure rolls the whole batch back and every submitter hears of it. The
transaction commits (and so fsyncs) before anyone is acknowledged.

Because every writer takes the head lock first, actions on one document are strictly ordered
across threads, processes and machines: of two conflicting actions the second sees the first's
result and is refused (invariant 6). The entries table's unique ``(document, sequence)`` key and
the record's version check are independent second guards.

Pipelining (ADR 0005). When every record and key a batch needs is already in memory, the batch
is *staged*: validated, signed and appended to the tree on top of the batches staged before it,
while the durability thread still commits the previous one. Completing it then locks the head
and checks that it is exactly where the batch was prepared from (``base_size``) and that nothing
staged before it was thrown away (``generation``); otherwise the prepared work is discarded and
the batch is done again, whole, under the lock. So a batch is committed only on the basis the
database really holds, and an action is still acknowledged only after its own commit. A batch
that needs the database (an issue, an unknown record or key) is done whole under the lock, after
everything staged before it has completed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from corridor.crypto.canonical import canonical_bytes, sha256_hex
from corridor.crypto.jws import sign_compact
from corridor.crypto.keys import PrivateKey
from corridor.domain import title
from corridor.domain.entry import ENTRY_TYPE, EntryPayload, format_action_datetime
from corridor.domain.register import next_record
from corridor.domain.title import Action, ActionCode, IssueTerms, TitleRecord, TitleState
from corridor.errors import (
    ConflictError,
    CorridorError,
    NodeError,
    NotFoundError,
    TransitionError,
)
from corridor.ledger.merkle import MerkleTree, leaf_hash
from corridor.services.chain import check_next_entry
from corridor.storage import hot_log
from corridor.storage import repository as repo
from corridor.storage.engine import writer_connection
from corridor.storage.repository import EntryRow, RegisterRow


@dataclass(frozen=True)
class IssueRequest:
    document_reference: str
    document_checksum: str
    canonical_document: bytes
    action: Action
    terms: IssueTerms
    at: datetime


@dataclass(frozen=True)
class ActionRequest:
    document_reference: str
    action: Action
    at: datetime
    reason_code: str | None = None
    comments: str | None = None


@dataclass(frozen=True)
class SignedRequest:
    """An entry the actor signed with a self-custodied key; signature already verified."""

    jws: str
    kid: str
    payload: EntryPayload


@dataclass(frozen=True)
class NodeRequest:
    """An entry the node writes itself when an eBL crosses platforms (IMPORT, EXPORT, RETURN).

    ``also`` runs in the same transaction once the entry is accepted, so what the PINT service
    stores beside the entry (chain entries, the envelope's status) commits with it or not at all.
    """

    document_reference: str
    code: ActionCode
    actor: str
    at: datetime
    pint_checksum: str
    recipient: str | None = None
    state: TitleState | None = None
    document_checksum: str | None = None
    canonical_document: bytes | None = None
    also: Callable[[Connection, Receipt], None] | None = None


Request = IssueRequest | ActionRequest | SignedRequest | NodeRequest


@dataclass(frozen=True)
class Receipt:
    """The acknowledgement of a durable action."""

    document_reference: str
    action_code: ActionCode
    sequence: int
    leaf_index: int
    entry_hash: str
    record: TitleRecord


KeyLookup = Callable[[Any, str], tuple[str, PrivateKey]]


class LogWriter:
    """Commits batches of requests for the group committer (module docstring, ADR 0005).

    ``commit_batch`` is what the ``GroupCommitter`` is given: ``stage`` runs on its writer thread,
    ``complete`` and ``close`` on its durability thread, which owns the database connection.
    ``_state`` guards the tree, the record and key caches and the generation: the writer thread
    holds it while it prepares a batch, the durability thread while it re-does one.
    """

    def __init__(self, engine: Engine, platform: str, signing_key: KeyLookup) -> None:
        self._engine = engine
        self._platform = platform
        self._signing_key = signing_key
        self.tree = MerkleTree()
        self._tree_valid = False
        # Records as of the tree's head (the last batch prepared); valid only while no other
        # process has appended to the log since (checked against the locked log head).
        self._cache: dict[str, RegisterRow] = {}
        self._cache_size = -1
        self._keys: dict[str, tuple[str, PrivateKey]] = {}
        self._generation = 0  # bumped whenever prepared-but-uncommitted state is thrown away
        self._state = threading.Lock()
        self._conn: Connection | None = None
        self.commit_batch = _WriterSession(self)

    def close(self) -> None:
        """Release the writer's connection (called by the thread that used it, as it stops)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = writer_connection(self._engine)
        return self._conn

    def _forget(self) -> None:
        """Drop everything not read back from the database (``_state`` held)."""
        self._generation += 1
        self._tree_valid = False
        self._cache, self._cache_size = {}, -1

    # One batch at a time, under the log-head lock ------------------------------------------

    def commit(self, requests: Sequence[Request]) -> list[Receipt | BaseException]:
        """Validate, sign and write ``requests`` in one transaction; return once it committed."""
        with self._state:
            conn = self._connection()
            try:
                with conn.begin():
                    size, _root = hot_log.lock_head(conn)
                    self._sync_tree(conn, size)
                    if size != self._cache_size:
                        self._cache = {}  # another process appended: what we hold may be stale
                    batch = _Batch(conn, self._cache)
                    outcomes = [self._one(batch, request) for request in requests]
                    batch.flush(conn)
                    if self.tree.size != size:
                        hot_log.set_head(conn, self.tree.size, self.tree.root())
            except BaseException:
                self._forget()
                self.close()  # a failed connection is not reused; the next batch opens another
                raise
            self._cache.update(batch.staged)
            self._cache_size = self.tree.size
            return outcomes

    # Pipelined: prepare from memory, then write and commit ----------------------------------

    def stage(self, requests: Sequence[Request]) -> _Prepared | _FullCommit:
        """Prepare ``requests`` on top of every batch staged so far, if memory suffices."""
        with self._state:
            if not self._in_memory(requests):
                return _FullCommit(self, requests)
            base = self.tree.size
            batch = _Batch(None, self._cache)
            try:
                outcomes = [self._one(batch, request) for request in requests]
            except BaseException:
                self._forget()
                raise
            self._cache.update(batch.staged)
            self._cache_size = self.tree.size
            root = self.tree.root() if self.tree.size != base else None
            return _Prepared(self, requests, batch, outcomes, base, root, self._generation)

    def _in_memory(self, requests: Sequence[Request]) -> bool:
        """True if every record and key the batch needs is known and known to be current."""
        if not self._tree_valid or self._cache_size != self.tree.size:
            return False
        for request in requests:
            if isinstance(request, IssueRequest | NodeRequest):
                return False
            if isinstance(request, ActionRequest):
                if request.action.actor not in self._keys:
                    return False
                reference = request.document_reference
            else:
                reference = request.payload.document_reference
            if reference not in self._cache:
                return False
        return True

    def complete(self, prepared: _Prepared) -> list[Receipt | BaseException]:
        """Write a prepared batch and commit it, or re-do it if its basis did not hold."""
        if prepared.generation != self._generation:
            return self.commit(prepared.requests)  # an earlier batch failed under it
        conn = self._connection()
        try:
            with conn.begin():
                size, _root = hot_log.lock_head(conn)
                if size != prepared.base_size:
                    raise _StaleBasisError
                prepared.batch.flush(conn)
                if prepared.root is not None:
                    hot_log.set_head(conn, prepared.size, prepared.root)
        except _StaleBasisError:  # another process appended: prepare again under the lock
            with self._state:
                self._forget()
            return self.commit(prepared.requests)
        except BaseException:
            with self._state:
                self._forget()
            self.close()
            raise
        return prepared.outcomes

    def _sync_tree(self, conn: Any, size: int) -> None:
        if not self._tree_valid or self.tree.size > size:
            self.tree = MerkleTree(repo.leaf_hashes_from(conn, 0))
            self._tree_valid = True
        elif self.tree.size < size:
            self.tree.extend(repo.leaf_hashes_from(conn, self.tree.size))

    def _one(self, batch: _Batch, request: Request) -> Receipt | BaseException:
        try:
            if isinstance(request, IssueRequest):
                return self._issue(batch, request)
            if isinstance(request, ActionRequest):
                return self._act(batch, request)
            if isinstance(request, NodeRequest):
                return self._node_entry(batch, request)
            return self._signed(batch, request)
        except CorridorError as refusal:
            return refusal

    def _issue(self, batch: _Batch, request: IssueRequest) -> Receipt:
        conn = batch.conn
        ref = request.document_reference
        if repo.get_document(conn, ref) is not None:
            raise TransitionError(f"a document with reference {ref} is already issued")
        other = repo.document_with_checksum(conn, request.document_checksum)
        if other is not None:
            raise TransitionError(f"this exact document is already issued as {other}")
        record = title.issue(ref, request.document_checksum, request.action, request.terms)
        payload = EntryPayload(
            action_code=ActionCode.ISSUE,
            document_reference=ref,
            document_checksum=request.document_checksum,
            sequence=1,
            previous_entry_hash=None,
            actor=request.action.actor,
            recipient=request.action.recipient,
            action_date_time=format_action_datetime(request.at),
            platform=self._platform,
            issue_terms=request.terms,
        )
        kid, jws = self._sign(batch, payload)
        repo.insert_document(
            conn, ref, request.document_checksum, request.canonical_document, request.at
        )
        return self._record(batch, payload, kid, jws, record, None, request.at)

    def _act(self, batch: _Batch, request: ActionRequest) -> Receipt:
        current = batch.current(request.document_reference)
        record = title.apply(current.record, request.action)
        payload = EntryPayload(
            action_code=request.action.code,
            document_reference=request.document_reference,
            document_checksum=current.record.document_checksum,
            sequence=current.record.version + 1,
            previous_entry_hash=current.last_entry_hash,
            actor=request.action.actor,
            recipient=request.action.recipient,
            action_date_time=format_action_datetime(request.at),
            platform=self._platform,
            reason_code=request.reason_code,
            comments=request.comments,
        )
        kid, jws = self._sign(batch, payload)
        return self._record(batch, payload, kid, jws, record, current, request.at)

    def _signed(self, batch: _Batch, request: SignedRequest) -> Receipt:
        payload = request.payload
        if payload.action_code is ActionCode.ISSUE:
            raise TransitionError(
                "issue documents with 'corridor ebl issue', not as a signed entry"
            )
        current = batch.current(payload.document_reference)
        check_next_entry(current, payload)
        record = title.apply(current.record, payload.action)
        at = datetime.fromisoformat(payload.action_date_time)
        return self._record(batch, payload, request.kid, request.jws, record, current, at)

    def _node_entry(self, batch: _Batch, request: NodeRequest) -> Receipt:
        conn = batch.conn
        ref = request.document_reference
        current = batch.find(ref)
        checksum = request.document_checksum
        if current is not None:
            checksum = current.record.document_checksum
        if checksum is None:
            raise NotFoundError(f"no eBL with reference {ref} on this node")
        payload = EntryPayload(
            action_code=request.code,
            document_reference=ref,
            document_checksum=checksum,
            sequence=1 if current is None else current.record.version + 1,
            previous_entry_hash=None if current is None else current.last_entry_hash,
            actor=request.actor,
            recipient=request.recipient,
            action_date_time=format_action_datetime(request.at),
            platform=self._platform,
            title_state=request.state,
            pint_checksum=request.pint_checksum,
        )
        payload.check_shape()
        record = next_record(None if current is None else current.record, payload)
        if current is None:
            if request.canonical_document is None or repo.get_document(conn, ref) is not None:
                raise TransitionError(f"a different document with reference {ref} is held here")
            repo.insert_document(conn, ref, checksum, request.canonical_document, request.at)
        kid, jws = self._sign(batch, payload)
        receipt = self._record(batch, payload, kid, jws, record, current, request.at)
        if request.also is not None:
            request.also(conn, receipt)
        return receipt

    def _sign(self, batch: _Batch, payload: EntryPayload) -> tuple[str, str]:
        known = self._keys.get(payload.actor)
        if known is None:
            known = self._keys[payload.actor] = self._signing_key(batch.conn, payload.actor)
        kid, key = known
        body = canonical_bytes(payload.to_json())
        return kid, sign_compact(body, key, {"typ": ENTRY_TYPE})

    def _record(
        self,
        batch: _Batch,
        payload: EntryPayload,
        kid: str,
        jws: str,
        record: TitleRecord,
        previous: RegisterRow | None,
        at: datetime,
    ) -> Receipt:
        data = jws.encode("ascii")
        entry_hash = sha256_hex(data)
        leaf = leaf_hash(data)
        index = self.tree.size
        batch.stage(
            RegisterRow(record, entry_hash),
            None if previous is None else previous.record.version,
            EntryRow(
                leaf_index=index,
                document_reference=payload.document_reference,
                sequence=payload.sequence,
                action_code=str(payload.action_code),
                actor=payload.actor,
                recipient=payload.recipient,
                kid=kid,
                jws=jws,
                entry_hash=entry_hash,
                leaf_hash=leaf,
                created_at=at,
            ),
        )
        self.tree.append(leaf)
        return Receipt(
            payload.document_reference,
            payload.action_code,
            payload.sequence,
            index,
            entry_hash,
            record,
        )


class _StaleBasisError(Exception):
    """The log head moved since the batch was prepared."""


class _WriterSession:
    """``LogWriter.commit_batch``: a commit function that stages, and that the committer closes."""

    def __init__(self, writer: LogWriter) -> None:
        self._writer = writer

    def __call__(self, requests: Sequence[Request]) -> list[Receipt | BaseException]:
        return self._writer.commit(requests)

    def stage(self, requests: Sequence[Request]) -> _Prepared | _FullCommit:
        return self._writer.stage(requests)

    def close(self) -> None:
        self._writer.close()


@dataclass(frozen=True)
class _FullCommit:
    """A batch that needs the database to be prepared: done whole, under the lock."""

    writer: LogWriter
    requests: Sequence[Request]
    exclusive: bool = True

    def complete(self) -> list[Receipt | BaseException]:
        return self.writer.commit(self.requests)


@dataclass(frozen=True)
class _Prepared:
    """A batch validated, signed and appended to the tree in memory, not yet written."""

    writer: LogWriter
    requests: Sequence[Request]
    batch: _Batch
    outcomes: list[Receipt | BaseException]
    base_size: int
    root: bytes | None  # the new head's root, None if every request was refused
    generation: int
    exclusive: bool = False

    @property
    def size(self) -> int:
        return self.base_size + len(self.batch.entries)

    def complete(self) -> list[Receipt | BaseException]:
        return self.writer.complete(self)


class _Batch:
    """The writes of one batch, staged in memory and flushed together before commit.

    Records changed earlier in the batch are read from the staged state, so two actions on one
    document in one batch see each other; each record is written once, with the version it had
    when the batch first read it as the optimistic check.
    """

    def __init__(self, conn: Connection | None, committed: dict[str, RegisterRow]) -> None:
        self._conn = conn  # None when prepared from memory alone
        self._committed = committed
        self.staged: dict[str, RegisterRow] = {}
        self._read_version: dict[str, int | None] = {}
        self.entries: list[EntryRow] = []

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise NodeError("internal: a batch prepared in memory asked for the database")
        return self._conn

    def current(self, reference: str) -> RegisterRow:
        current = self.find(reference)
        if current is None:
            raise NotFoundError(f"no eBL with reference {reference} on this node")
        return current

    def find(self, reference: str) -> RegisterRow | None:
        known = self.staged.get(reference) or self._committed.get(reference)
        if known is not None:
            return known
        return repo.get_title(self.conn, reference, for_update=True)

    def stage(self, row: RegisterRow, previous_version: int | None, entry: EntryRow) -> None:
        ref = row.record.document_reference
        if ref not in self._read_version:
            self._read_version[ref] = previous_version
        self.staged[ref] = row
        self.entries.append(entry)

    def flush(self, conn: Connection) -> None:
        updates = []
        for ref, row in self.staged.items():
            expected = self._read_version[ref]
            if expected is None:
                repo.insert_title(conn, row)
            else:
                updates.append((row, expected))
        if not hot_log.update_titles(conn, updates):
            raise ConflictError("a record changed under this batch; retry")
        hot_log.insert_entries(conn, self.entries)
