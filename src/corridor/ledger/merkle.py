"""The log's Merkle tree, hashed and proved as in RFC 9162 section 2.1.

Rules this module implements (section numbers are RFC 9162's):

- 2.1.1: a leaf hashes as ``SHA-256(0x00 || data)``, an interior node as
  ``SHA-256(0x01 || left || right)``; the empty tree's hash is ``SHA-256()``. A tree of
  ``n > 1`` leaves splits at ``k``, the largest power of two smaller than ``n``.
- 2.1.3.1: an inclusion proof ``PATH(m, D[n])`` lists the sibling hashes from the leaf up.
- 2.1.3.2: an inclusion proof is verified by the ``fn``/``sn`` bit walk of that section.
- 2.1.4.1: a consistency proof ``PROOF(m, D[n])`` is ``SUBPROOF(m, D[n], true)``; it omits the
  old root when the old tree is a complete subtree of the new one.
- 2.1.4.2: a consistency proof is verified by the walk of that section.

``MerkleTree`` stores every complete subtree hash, level by level (level ``h`` holds the hashes
of the aligned subtrees of ``2**h`` leaves). Appending is amortised O(1) hash operations, and
the root of any historical size, or a proof against it, is built from O(log n) stored subtrees.
Verification never raises: a wrong proof, hash or size gives ``False``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

from corridor.errors import InputError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleTree",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}), the root hash of the empty tree (RFC 9162 section 2.1.1)."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry as a leaf: ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two child hashes into their parent: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(width: int) -> int:
    """The largest power of two strictly smaller than ``width`` (``width >= 2``)."""
    return 1 << ((width - 1).bit_length() - 1)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


class MerkleTree:
    """An append-only RFC 9162 Merkle tree over leaf hashes, held in memory.

    Leaves are counted from 0. Every method that takes a tree size accepts any size up to the
    current one, so proofs can be served against any checkpoint the log has signed.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        # _levels[h][i] is the hash of leaves [i * 2**h, (i + 1) * 2**h).
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash; return its index."""
        if not _is_hash(leaf_hash):
            raise InputError(f"a leaf hash must be {HASH_SIZE} bytes, got {leaf_hash!r:.80}")
        levels = self._levels
        index = len(levels[0])
        levels[0].append(leaf_hash)
        # Each time the new node is a right child, its parent subtree has just become complete.
        node, position, height = leaf_hash, index, 0
        while position & 1:
            node = node_hash(levels[height][position - 1], node)
            height += 1
            position >>= 1
            if height == len(levels):
                levels.append([])
            levels[height].append(node)
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Add leaf hashes in order."""
        for value in leaf_hashes:
            self.append(value)

    def leaf(self, index: int) -> bytes:
        """The hash of leaf ``index``."""
        self._check_index(index, self.size)
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all of them)."""
        size = self._check_size(size)
        if size == 0:
            return EMPTY_ROOT
        return self._range_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """``PATH(index, D[size])`` (RFC 9162 section 2.1.3.1), from the leaf upwards."""
        size = self._check_size(size)
        self._check_index(index, size)
        siblings: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            middle = start + _split(end - start)
            if index < middle:
                siblings.append(self._range_hash(middle, end))
                end = middle
            else:
                siblings.append(self._range_hash(start, middle))
                start = middle
        siblings.reverse()
        return siblings

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """``PROOF(old_size, D[new_size])`` (RFC 9162 section 2.1.4.1).

        The proof is empty when ``old_size`` is 0 or equal to ``new_size``.
        """
        new_size = self._check_size(new_size)
        if not 0 <= old_size <= new_size:
            raise InputError(
                f"old tree size {old_size} is not between 0 and the new tree size {new_size}"
            )
        if old_size in (0, new_size):
            return []
        proof: list[bytes] = []
        start, end, old_is_complete_subtree = 0, new_size, True
        while old_size != end:
            middle = start + _split(end - start)
            if old_size <= middle:
                proof.append(self._range_hash(middle, end))
                end = middle
            else:
                proof.append(self._range_hash(start, middle))
                start = middle
                old_is_complete_subtree = False
        if not old_is_complete_subtree:
            proof.append(self._range_hash(start, end))
        proof.reverse()
        return proof

    def _range_hash(self, start: int, end: int) -> bytes:
        """MTH of leaves ``[start, end)``, for ranges met when splitting a tree by 2.1.1.

        Such a range starts on a multiple of a power of two at least as large as its width, so
        it is a run of stored complete subtrees of decreasing size, folded from the right.
        """
        subtrees: list[bytes] = []
        while start < end:
            height = (end - start).bit_length() - 1
            subtrees.append(self._levels[height][start >> height])
            start += 1 << height
        result = subtrees.pop()
        while subtrees:
            result = node_hash(subtrees.pop(), result)
        return result

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise InputError(f"tree size {size} is outside 0..{self.size}, the log's sizes")
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise InputError(f"leaf index {index} is outside a tree of size {size}")


def root_from_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from leaf ``index`` of a tree of ``size`` leaves.

    Follows RFC 9162 section 2.1.3.2. Raises ``ValueError`` if the index is outside the tree,
    a hash has the wrong length, or the proof is too long or too short for the tree.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    if not _is_hash(leaf_hash) or not all(_is_hash(value) for value in proof):
        raise ValueError(f"every hash must be {HASH_SIZE} bytes")
    fn, sn, result = index, size - 1, leaf_hash
    for sibling in proof:
        if sn == 0:
            raise ValueError(f"the proof has more than the hashes a tree of size {size} needs")
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError(f"the proof has fewer hashes than a tree of size {size} needs")
    return result


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf ``index`` of the tree of ``size`` leaves with ``root``
    is ``leaf_hash`` (RFC 9162 section 2.1.3.2)."""
    if not _is_hash(root):
        return False
    try:
        computed = root_from_inclusion(leaf_hash, index, size, proof)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree ``(old_size, old_root)`` is a prefix of the tree
    ``(new_size, new_root)`` (RFC 9162 section 2.1.4.2).

    Equal sizes need an empty proof and equal roots; an empty old tree needs an empty proof
    and the empty tree's root.
    """
    hashes = [old_root, new_root, *proof]
    if not all(_is_hash(value) for value in hashes) or not _sizes_in_order(old_size, new_size):
        return False
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if old_size == 0:
        return not proof and hmac.compare_digest(old_root, EMPTY_ROOT)
    if not proof:
        return False
    roots = _roots_from_consistency(old_size, new_size, old_root, proof)
    if roots is None:
        return False
    return hmac.compare_digest(roots[0], old_root) and hmac.compare_digest(roots[1], new_root)


def _sizes_in_order(old_size: object, new_size: object) -> bool:
    return isinstance(old_size, int) and isinstance(new_size, int) and 0 <= old_size <= new_size


def _roots_from_consistency(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes] | None:
    """The (old, new) roots the walk of RFC 9162 section 2.1.4.2 computes, or ``None`` if the
    proof does not fit the sizes. Requires ``0 < old_size < new_size`` and a non-empty proof."""
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_hash = new_hash = path[0]
    for sibling in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            old_hash = node_hash(sibling, old_hash)
            new_hash = node_hash(sibling, new_hash)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            new_hash = node_hash(new_hash, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return old_hash, new_hash
