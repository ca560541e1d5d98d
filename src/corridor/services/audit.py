"""``corridor log audit``: recompute everything the node claims from the raw entries.

The audit reads every entry in log order and checks, without trusting any derived column:

* each leaf hash is RFC 9162's hash of the entry's JWS, and the tree recomputed from them has the
  root and size the log head claims, and the root of every stored checkpoint at its size
  (and every stored checkpoint's signature);
* every entry's JWS verifies under the registered key named by its ``kid``, that key belongs to
  the entry's actor, and the entry chains to the previous entry of its document (invariant 2);
* every stored document still hashes to the checksum its entries signed, and each entry row's
  columns say what its signed payload says;
* replaying the entries from empty through the title rules reproduces the register row for row
  (invariant 5), so no record was changed behind the log's back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from corridor.crypto.canonical import parse_json, sha256_hex
from corridor.crypto.jws import verify_compact
from corridor.crypto.keys import PublicKey
from corridor.domain.entry import EntryPayload
from corridor.domain.register import next_record
from corridor.domain.title import TitleRecord
from corridor.errors import CorridorError
from corridor.ledger.checkpoint import NoteVerifier, open_checkpoint
from corridor.ledger.merkle import MerkleTree, leaf_hash
from corridor.services.node import Node
from corridor.storage import repository as repo
from corridor.storage.repository import EntryRow, KeyRow

Progress = Callable[[int], None]


@dataclass
class AuditReport:
    entries: int = 0
    documents: int = 0
    checkpoints: int = 0
    tree_size: int = 0
    root_hash: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Replay:
    records: dict[str, TitleRecord] = field(default_factory=dict)
    last_hash: dict[str, str] = field(default_factory=dict)


def audit(node: Node, progress: Progress | None = None) -> AuditReport:
    report = AuditReport()
    tree = MerkleTree()
    replay = _Replay()
    with node.engine.connect() as conn:
        keys = {k.kid: k for k in repo.all_keys(conn)}
        head_size, head_root = repo.read_log_head(conn)
        for row in repo.iter_entries(conn):
            if row.leaf_index != tree.size:
                report.problems.append(f"leaf {tree.size} is missing from the log")
                break
            tree.append(_check_leaf(row, report))
            _check_entry(row, keys, replay, report)
            report.entries += 1
            if progress is not None:
                progress(report.entries)
        register = {r.record.document_reference: r for r in repo.list_titles(conn)}
        for ref, stored in register.items():
            canonical = repo.get_document(conn, ref)
            if canonical is None or sha256_hex(canonical) != stored.record.document_checksum:
                report.problems.append(f"{ref}: the stored document does not match its checksum")
        notes = repo.checkpoint_notes(conn)
    _compare_register(replay, register, report)
    _check_head(tree, head_size, head_root, report)
    _check_checkpoints(node, tree, notes, report)
    report.documents = len(replay.records)
    report.tree_size = tree.size
    report.root_hash = tree.root().hex()
    return report


def _check_leaf(row: EntryRow, report: AuditReport) -> bytes:
    recomputed = leaf_hash(row.jws.encode("ascii"))
    if recomputed != row.leaf_hash:
        report.problems.append(f"leaf {row.leaf_index}: stored leaf hash is not the entry's hash")
    if sha256_hex(row.jws.encode("ascii")) != row.entry_hash:
        report.problems.append(f"leaf {row.leaf_index}: stored entry hash is wrong")
    return recomputed


def _check_entry(
    row: EntryRow, keys: dict[str, KeyRow], replay: _Replay, report: AuditReport
) -> None:
    where = f"leaf {row.leaf_index} ({row.document_reference} #{row.sequence})"
    key = keys.get(row.kid)
    if key is None:
        report.problems.append(f"{where}: signed by unregistered key {row.kid}")
        return
    try:
        _, body = verify_compact(row.jws, PublicKey(key.public_key))
        payload = EntryPayload.from_json(parse_json(body))
    except CorridorError as exc:
        report.problems.append(f"{where}: {exc.message}")
        return
    if payload.actor != key.party_id:
        report.problems.append(f"{where}: actor {payload.actor} did not sign it")
    columns = (row.document_reference, row.sequence, row.actor, row.recipient, row.action_code)
    signed = (
        payload.document_reference,
        payload.sequence,
        payload.actor,
        payload.recipient,
        str(payload.action_code),
    )
    if columns != signed:
        report.problems.append(f"{where}: the row's columns differ from the signed entry")
    ref = payload.document_reference
    if payload.previous_entry_hash != replay.last_hash.get(ref):
        report.problems.append(f"{where}: does not chain to the previous entry of {ref}")
    try:
        replay.records[ref] = next_record(replay.records.get(ref), payload)
    except (CorridorError, KeyError) as exc:
        report.problems.append(f"{where}: the title rules refuse it ({exc})")
    replay.last_hash[ref] = row.entry_hash


def _compare_register(
    replay: _Replay, register: dict[str, repo.RegisterRow], report: AuditReport
) -> None:
    for ref in sorted(set(replay.records) | set(register)):
        stored = register.get(ref)
        replayed = replay.records.get(ref)
        if stored is None or replayed is None:
            report.problems.append(f"{ref}: in the {'log' if stored is None else 'register'} only")
        elif stored.record != replayed:
            report.problems.append(f"{ref}: the register differs from the replayed log")
        elif stored.last_entry_hash != replay.last_hash.get(ref):
            report.problems.append(f"{ref}: the register's last entry hash is wrong")


def _check_head(tree: MerkleTree, size: int, root: bytes, report: AuditReport) -> None:
    if size != tree.size:
        report.problems.append(f"the log head claims {size} leaves; the log holds {tree.size}")
    elif root != tree.root():
        report.problems.append("the log head's root hash is not the recomputed root")


def _check_checkpoints(
    node: Node, tree: MerkleTree, notes: list[tuple[int, str]], report: AuditReport
) -> None:
    verifier = NoteVerifier.from_verifier_key(node.verifier_key())
    for size, note in notes:
        report.checkpoints += 1
        try:
            checkpoint = open_checkpoint(note, verifier)
        except CorridorError as exc:
            report.problems.append(f"checkpoint at size {size}: {exc.message}")
            continue
        if checkpoint.size > tree.size or checkpoint.root_hash != tree.root(checkpoint.size):
            report.problems.append(f"checkpoint at size {size} is not a root of this log")
