"""The log as others see it: the latest signed checkpoint, inclusion and consistency proofs.

Proofs are computed from the writer's in-memory tree when it holds the committed head (its prefix
never changes once committed); otherwise, e.g. when another process appended, from the stored
leaves. Sizes are checked against the committed head, so nobody gets a proof for a tree the node
has not committed.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.errors import InputError, NotFoundError
from corridor.ledger.checkpoint import Checkpoint, sign_checkpoint
from corridor.ledger.merkle import MerkleTree
from corridor.services.node import Node
from corridor.storage import queries
from corridor.storage import repository as repo
from corridor.storage.engine import lock_log_head, writing


@dataclass(frozen=True)
class SignedHead:
    size: int
    root_hash: bytes
    note: str


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    first: int
    second: int
    path: list[bytes]


def latest_checkpoint(node: Node) -> SignedHead:
    """The checkpoint for the current head; signed (and stored) now if the head has moved."""
    with node.engine.connect() as conn:
        size, root = repo.read_log_head(conn)
        stored = queries.checkpoint_at(conn, size)
    if stored is None:
        with writing(node.engine) as conn:
            # Under the head lock, so concurrent readers sign and store each head only once.
            size, root = lock_log_head(conn)
            stored = queries.checkpoint_at(conn, size)
            if stored is None:
                checkpoint = Checkpoint(node.config.origin, size, root)
                stored = sign_checkpoint(checkpoint, node.note_signer)
                repo.save_checkpoint(conn, size, stored, node.clock())
    return SignedHead(size, root, stored)


def head_size(node: Node) -> int:
    """The committed log size, read without signing anything."""
    with node.engine.connect() as conn:
        return repo.read_log_head(conn)[0]


def _tree_for(node: Node, size: int) -> MerkleTree:
    with node.engine.connect() as conn:
        head, root = repo.read_log_head(conn)
        if size > head:
            raise InputError(f"tree size {size} is beyond the log's committed size {head}")
        tree = node.writer.tree
        if tree.size >= head and tree.root(head) == root:
            return tree
        return MerkleTree(repo.leaf_hashes_from(conn, 0)[:head])


def inclusion_proof(node: Node, leaf_index: int, tree_size: int | None = None) -> InclusionProof:
    """The audit path of leaf ``leaf_index`` in the tree of ``tree_size`` (default: the head)."""
    if tree_size is None:
        tree_size = latest_checkpoint(node).size
    if tree_size < 1:
        raise InputError("the tree size must be at least 1")
    if not 0 <= leaf_index < tree_size:
        raise NotFoundError(f"no leaf {leaf_index} in a tree of size {tree_size}")
    tree = _tree_for(node, tree_size)
    return InclusionProof(
        leaf_index, tree_size, tree.leaf(leaf_index), tree.inclusion_proof(leaf_index, tree_size)
    )


def consistency_proof(node: Node, first: int, second: int) -> ConsistencyProof:
    """The proof that the tree of size ``first`` is a prefix of the tree of size ``second``."""
    if not 1 <= first <= second:
        raise InputError("consistency needs 1 <= first <= second")
    tree = _tree_for(node, second)
    return ConsistencyProof(first, second, tree.consistency_proof(first, second))


def root_at(node: Node, size: int) -> bytes:
    if size < 1:
        raise InputError("the tree size must be at least 1")
    return _tree_for(node, size).root(size)
