"""Tests for corridor.ledger.merkle (RFC 9162 section 2.1).

Three independent references:

- the Certificate Transparency test vectors in tests/vectors/rfc6962/merkle-tree.json;
- a naive recursive MTH / PATH / SUBPROOF written below straight from the RFC's definitions;
- the PyPI package pymerkle (``InmemoryTree(algorithm="sha256")``, whose default "security"
  mode prefixes leaves with 0x00 and nodes with 0x01, i.e. RFC 9162 hashing).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import ConsistencyProof, InclusionProof, InmemoryTree, InvalidProof

from corridor.errors import InputError
from corridor.ledger import merkle
from corridor.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_inclusion,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads(
    (Path(__file__).parents[2] / "vectors" / "rfc6962" / "merkle-tree.json").read_text("utf-8")
)
CT_LEAVES = [bytes.fromhex(value) for value in VECTORS["leaves_hex"]]
CT_ROOTS = {int(size): bytes.fromhex(value) for size, value in VECTORS["roots_hex"].items()}
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


# --- naive reference, a literal reading of RFC 9162 section 2.1 ---------------------------------


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_mth(entries: Sequence[bytes]) -> bytes:
    n = len(entries)
    if n == 0:
        return _sha256(b"")
    if n == 1:
        return _sha256(b"\x00" + entries[0])
    k = _k(n)
    return _sha256(b"\x01" + naive_mth(entries[:k]) + naive_mth(entries[k:]))


def naive_path(m: int, entries: Sequence[bytes]) -> list[bytes]:
    n = len(entries)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*naive_path(m, entries[:k]), naive_mth(entries[k:])]
    return [*naive_path(m - k, entries[k:]), naive_mth(entries[:k])]


def naive_subproof(m: int, entries: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if b else [naive_mth(entries)]
    k = _k(n)
    if m <= k:
        return [*naive_subproof(m, entries[:k], b), naive_mth(entries[k:])]
    return [*naive_subproof(m - k, entries[k:], False), naive_mth(entries[:k])]


def naive_proof(m: int, entries: Sequence[bytes]) -> list[bytes]:
    if m in (0, len(entries)):
        return []
    return naive_subproof(m, entries, True)


def tree_of(entries: Sequence[bytes]) -> MerkleTree:
    return MerkleTree(leaf_hash(entry) for entry in entries)


def _hexes(values: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in values]


def _flip(value: bytes, position: int = 0, mask: int = 0x08) -> bytes:
    changed = bytearray(value)
    changed[position] ^= mask
    return bytes(changed)


# --- published vectors ------------------------------------------------------------------------


def test_hash_primitives() -> None:
    assert HASH_SIZE == 32
    assert EMPTY_ROOT.hex() == VECTORS["empty_root_hex"]
    assert leaf_hash(b"") == _sha256(b"\x00")
    assert node_hash(b"a" * 32, b"b" * 32) == _sha256(b"\x01" + b"a" * 32 + b"b" * 32)


@pytest.mark.parametrize("size", range(1, 9))
def test_ct_roots(size: int) -> None:
    expected = CT_ROOTS[size]
    assert naive_mth(CT_LEAVES[:size]) == expected
    assert tree_of(CT_LEAVES[:size]).root() == expected
    assert tree_of(CT_LEAVES).root(size) == expected


def test_empty_tree_root() -> None:
    assert MerkleTree().root() == EMPTY_ROOT
    assert tree_of(CT_LEAVES).root(0) == EMPTY_ROOT
    assert naive_mth([]) == EMPTY_ROOT


@pytest.mark.parametrize(
    "vector", VECTORS["inclusion_proofs"], ids=lambda v: f"{v['index']}-of-{v['size']}"
)
def test_ct_inclusion_proofs(vector: dict[str, object]) -> None:
    index, size = int(str(vector["index"])), int(str(vector["size"]))
    expected = _hexes(vector["proof_hex"])  # type: ignore[arg-type]
    assert naive_path(index, CT_LEAVES[:size]) == expected
    assert tree_of(CT_LEAVES).inclusion_proof(index, size) == expected
    leaf = leaf_hash(CT_LEAVES[index])
    assert root_from_inclusion(leaf, index, size, expected) == CT_ROOTS[size]
    assert verify_inclusion(leaf, index, size, expected, CT_ROOTS[size])
    for probe in _corrupt_inclusion(index, size, expected, CT_ROOTS[size], leaf):
        assert not verify_inclusion(*probe)


@pytest.mark.parametrize(
    "vector",
    VECTORS["consistency_proofs"],
    ids=lambda v: f"{v['old_size']}-to-{v['new_size']}",
)
def test_ct_consistency_proofs(vector: dict[str, object]) -> None:
    old, new = int(str(vector["old_size"])), int(str(vector["new_size"]))
    expected = _hexes(vector["proof_hex"])  # type: ignore[arg-type]
    assert naive_proof(old, CT_LEAVES[:new]) == expected
    assert tree_of(CT_LEAVES).consistency_proof(old, new) == expected
    assert verify_consistency(old, new, CT_ROOTS[old], CT_ROOTS[new], expected)
    if expected:
        for probe in _corrupt_consistency(old, new, CT_ROOTS[old], CT_ROOTS[new], expected):
            assert not verify_consistency(*probe)


def _corrupt_inclusion(
    index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[bytes, int, int, list[bytes], bytes]]:
    """Wrong variants of a valid inclusion check, after the CT Go test suite's probes."""
    probes = [
        (leaf, index - 1, size, proof, root),
        (leaf, index + 1, size, proof, root),
        (leaf, index ^ 2, size, proof, root),
        (leaf, index, size * 2, proof, root),
        (leaf, index, size // 2, proof, root),
        (b"WrongLeaf", index, size, proof, root),
        (leaf, index, size, proof, EMPTY_ROOT),
        (leaf, index, size, proof, SOME_HASH),
        (leaf, index, size, [*proof, b""], root),
        (leaf, index, size, [*proof, root], root),
        (leaf, index, size, [b"", *proof], root),
        (leaf, index, size, [root, *proof], root),
    ]
    probes += [
        (leaf, index, size, [*proof[:i], _flip(proof[i]), *proof[i + 1 :]], root)
        for i in range(len(proof))
    ]
    if proof:
        probes.append((leaf, index, size, proof[:-1], root))
    if len(proof) > 1:
        probes.append((leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root))
    return probes


def _corrupt_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> list[tuple[int, int, bytes, bytes, list[bytes]]]:
    """Wrong variants of a valid consistency check, after the CT Go test suite's probes."""
    probes = [
        (old - 1, new, old_root, new_root, proof),
        (old + 1, new, old_root, new_root, proof),
        (old ^ 2, new, old_root, new_root, proof),
        (old, new * 2, old_root, new_root, proof),
        (old, new // 2, old_root, new_root, proof),
        (old, new, b"WrongRoot", new_root, proof),
        (old, new, old_root, b"WrongRoot", proof),
        (old, new, new_root, old_root, proof),
        (old, new, old_root, new_root, []),
        (old, new, old_root, new_root, [*proof, b""]),
        (old, new, old_root, new_root, [*proof, old_root]),
        (old, new, old_root, new_root, [*proof, new_root]),
        (old, new, old_root, new_root, [b"", *proof]),
        (old, new, old_root, new_root, [old_root, *proof]),
        (old, new, old_root, new_root, [new_root, *proof]),
        (old, new, old_root, new_root, [proof[0], *proof]),
        (old, new, old_root, new_root, proof[:-1]),
    ]
    probes += [
        (old, new, old_root, new_root, [*proof[:i], _flip(proof[i], 0, 16), *proof[i + 1 :]])
        for i in range(len(proof))
    ]
    return probes


# --- exhaustive comparison with the naive reference on small trees -----------------------------

SMALL = [f"entry-{i}".encode() for i in range(34)]


def test_every_root_and_proof_of_small_trees_matches_the_rfc_definition() -> None:
    tree = tree_of(SMALL)  # historical sizes are served from the one full tree
    for size in range(len(SMALL) + 1):
        prefix = SMALL[:size]
        assert tree.root(size) == naive_mth(prefix)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == naive_path(index, prefix)
            assert verify_inclusion(leaf_hash(prefix[index]), index, size, proof, tree.root(size))
        for old in range(size + 1):
            proof = tree.consistency_proof(old, size)
            assert proof == naive_proof(old, prefix)
            assert verify_consistency(old, size, tree.root(old), tree.root(size), proof)


def test_appending_returns_indexes_and_keeps_leaves() -> None:
    tree = MerkleTree()
    for i, entry in enumerate(SMALL):
        assert tree.append(leaf_hash(entry)) == i
        assert tree.size == i + 1
        assert tree.root() == naive_mth(SMALL[: i + 1])
    assert [tree.leaf(i) for i in range(tree.size)] == [leaf_hash(e) for e in SMALL]
    other = MerkleTree(leaf_hash(e) for e in SMALL[:5])
    other.extend(leaf_hash(e) for e in SMALL[5:])
    assert other.root() == tree.root()


# --- cost: O(log n) hash operations, counted, not timed --------------------------------------


def test_roots_and_proofs_use_logarithmically_many_hashes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree = MerkleTree(_sha256(i.to_bytes(4, "big")) for i in range(5000))
    calls = 0
    real_node_hash = merkle.node_hash

    def counting(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return real_node_hash(left, right)

    monkeypatch.setattr(merkle, "node_hash", counting)
    log_n = (5000).bit_length()  # 13
    for size in (1, 2, 3, 1000, 4095, 4096, 4097, 4999, 5000):
        for method, arguments in (
            (tree.root, (size,)),
            (tree.inclusion_proof, (size // 3, size)),
            (tree.consistency_proof, (max(1, size // 3), size)),
        ):
            calls = 0
            method(*arguments)
            assert calls <= 2 * log_n, (method.__name__, size, calls)
    calls = 0
    for i in range(1024):
        tree.append(_sha256(b"more" + i.to_bytes(4, "big")))
    assert calls < 2 * 1024  # amortised: at most one parent per append on average


# --- cross-check with pymerkle, an independent implementation -----------------------------------


def _pymerkle_tree(entries: Sequence[bytes]) -> InmemoryTree:
    # Default security mode: leaf 0x00 / node 0x01 prefixes, exactly RFC 9162 hashing.
    reference = InmemoryTree(algorithm="sha256")
    for entry in entries:
        reference.append_entry(entry)
    return reference


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_pymerkle_on_random_trees(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.choice([1, 2, 7, 16, 33, 100, 257])
    entries = [rng.randbytes(rng.randrange(0, 40)) for _ in range(size)]
    ours, theirs = tree_of(entries), _pymerkle_tree(entries)
    for n in range(size + 1):
        assert ours.root(n) == theirs.get_root(n)
    for _ in range(40):
        n = rng.randrange(1, size + 1)
        index = rng.randrange(n)
        _check_inclusion_against_pymerkle(ours, theirs, index, n)
        old = rng.randrange(1, n + 1)
        _check_consistency_against_pymerkle(ours, theirs, old, n)


def _check_inclusion_against_pymerkle(
    ours: MerkleTree, theirs: InmemoryTree, index: int, size: int
) -> None:
    their_proof = theirs.prove_inclusion(index + 1, size)  # pymerkle counts leaves from 1
    our_proof = ours.inclusion_proof(index, size)
    # pymerkle's path is the leaf hash followed by the RFC 9162 audit path.
    assert their_proof.path == [ours.leaf(index), *our_proof]
    assert verify_inclusion(their_proof.path[0], index, size, their_proof.path[1:], ours.root(size))
    ours_for_pymerkle = InclusionProof(
        "sha256", True, size, index + 1, their_proof.rule, [ours.leaf(index), *our_proof]
    )
    ours_for_pymerkle.verify(ours.leaf(index), theirs.get_root(size), index=index + 1, size=size)


def _check_consistency_against_pymerkle(
    ours: MerkleTree, theirs: InmemoryTree, old: int, new: int
) -> None:
    # pymerkle's consistency proofs are laid out differently from RFC 9162 SUBPROOF (they
    # always carry a base hash, and split old == k the other way), so the two are not
    # byte-comparable: each side's proof is checked against the other side's roots instead.
    their_proof = theirs.prove_consistency(old, new)
    their_proof.verify(ours.root(old), ours.root(new), prior_size=old, later_size=new)
    our_proof = ours.consistency_proof(old, new)
    assert verify_consistency(old, new, theirs.get_root(old), theirs.get_root(new), our_proof)
    assert isinstance(their_proof, ConsistencyProof)


def test_pymerkle_rejects_a_tampered_proof_of_ours() -> None:
    entries = SMALL[:11]
    ours, theirs = tree_of(entries), _pymerkle_tree(entries)
    their_proof = theirs.prove_inclusion(4, 11)
    tampered = [ours.leaf(3), *ours.inclusion_proof(3, 11)]
    tampered[2] = _flip(tampered[2])
    with pytest.raises(InvalidProof):
        InclusionProof("sha256", True, 11, 4, their_proof.rule, tampered).verify(
            ours.leaf(3), theirs.get_root(11)
        )


# --- errors -------------------------------------------------------------------------------------


def test_out_of_range_arguments_raise_input_errors() -> None:
    tree = tree_of(CT_LEAVES[:5])
    with pytest.raises(InputError, match="leaf index 7 is outside a tree of size 5"):
        tree.inclusion_proof(7)
    with pytest.raises(InputError, match="leaf index 3 is outside a tree of size 3"):
        tree.inclusion_proof(3, 3)
    with pytest.raises(InputError, match="leaf index -1"):
        tree.leaf(-1)
    with pytest.raises(InputError, match=r"tree size 6 is outside 0\.\.5"):
        tree.root(6)
    with pytest.raises(InputError, match="tree size -1"):
        tree.root(-1)
    with pytest.raises(
        InputError, match="old tree size 4 is not between 0 and the new tree size 3"
    ):
        tree.consistency_proof(4, 3)
    with pytest.raises(InputError, match="tree size 9"):
        tree.consistency_proof(1, 9)
    with pytest.raises(InputError, match="leaf index 0 is outside a tree of size 0"):
        MerkleTree().inclusion_proof(0)
    with pytest.raises(InputError, match="must be 32 bytes"):
        tree.append(b"short")
    assert tree.size == 5


def test_root_from_inclusion_refuses_malformed_proofs() -> None:
    tree = tree_of(CT_LEAVES)
    proof = tree.inclusion_proof(2, 8)
    leaf = tree.leaf(2)
    with pytest.raises(ValueError, match="outside a tree"):
        root_from_inclusion(leaf, 8, 8, proof)
    with pytest.raises(ValueError, match="more than"):
        root_from_inclusion(leaf, 2, 8, [*proof, SOME_HASH])
    with pytest.raises(ValueError, match="fewer"):
        root_from_inclusion(leaf, 2, 8, proof[:-1])
    with pytest.raises(ValueError, match="32 bytes"):
        root_from_inclusion(leaf, 2, 8, [*proof[:-1], b"x"])


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "expected"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 5, EMPTY_ROOT, CT_ROOTS[5], [], True),
        (0, 5, CT_ROOTS[1], CT_ROOTS[5], [], False),  # the empty tree has one root
        (0, 5, EMPTY_ROOT, CT_ROOTS[5], [EMPTY_ROOT], False),
        (3, 3, CT_ROOTS[3], CT_ROOTS[3], [], True),
        (3, 3, CT_ROOTS[3], CT_ROOTS[4], [], False),
        (3, 3, CT_ROOTS[3], CT_ROOTS[3], [CT_ROOTS[3]], False),
        (4, 3, CT_ROOTS[4], CT_ROOTS[3], [], False),
        (-1, 3, EMPTY_ROOT, CT_ROOTS[3], [], False),
        (1, 2, CT_ROOTS[1], CT_ROOTS[2], [], False),
        (1, 2, CT_ROOTS[1][:31], CT_ROOTS[2], [leaf_hash(CT_LEAVES[1])], False),
        (1, 2, CT_ROOTS[1], CT_ROOTS[2], [leaf_hash(CT_LEAVES[1])], True),
    ],
)
def test_verify_consistency_edge_cases(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], expected: bool
) -> None:
    assert verify_consistency(old, new, old_root, new_root, proof) is expected


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (-1, 1), (5, 5)])
def test_verify_inclusion_refuses_impossible_positions(index: int, size: int) -> None:
    assert not verify_inclusion(SOME_HASH, index, size, [], SOME_HASH)


def test_verify_inclusion_single_leaf_tree() -> None:
    hashed = leaf_hash(b"data")
    assert verify_inclusion(hashed, 0, 1, [], hashed)
    assert not verify_inclusion(hashed, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], hashed)
    assert not verify_inclusion(b"", 0, 1, [], b"")


# --- properties ---------------------------------------------------------------------------------

entry_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=70)


@st.composite
def tree_and_size(draw: st.DrawFn) -> tuple[list[bytes], MerkleTree, int]:
    entries = draw(entry_lists)
    return entries, tree_of(entries), draw(st.integers(1, len(entries)))


@settings(max_examples=150, deadline=None)
@given(case=tree_and_size(), data=st.data())
def test_every_inclusion_proof_verifies(
    case: tuple[list[bytes], MerkleTree, int], data: st.DataObject
) -> None:
    entries, tree, size = case
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index, size)
    assert proof == naive_path(index, entries[:size])
    assert tree.root(size) == naive_mth(entries[:size])
    assert verify_inclusion(leaf_hash(entries[index]), index, size, proof, tree.root(size))
    assert root_from_inclusion(tree.leaf(index), index, size, proof) == tree.root(size)


@settings(max_examples=150, deadline=None)
@given(case=tree_and_size(), data=st.data())
def test_an_inclusion_proof_fails_for_another_size_or_root(
    case: tuple[list[bytes], MerkleTree, int], data: st.DataObject
) -> None:
    _, tree, size = case
    index = data.draw(st.integers(0, size - 1))
    other = data.draw(st.integers(index + 1, tree.size + 1).filter(lambda n: n != size))
    proof, leaf = tree.inclusion_proof(index, size), tree.leaf(index)
    other_root = tree.root(other) if other <= tree.size else SOME_HASH
    assert not verify_inclusion(leaf, index, other, proof, other_root)
    assert not verify_inclusion(leaf, index, size, proof, other_root)
    # Not asserted: (other size, this root). A proof for leaf 0 of 9 leaves also fits the walk
    # for 10 leaves; RFC 9162 binds a size to its root through the signed checkpoint, not the
    # proof, which is why verifiers take (size, root) from a verified checkpoint.


@settings(max_examples=150, deadline=None)
@given(case=tree_and_size(), data=st.data())
def test_every_consistency_proof_verifies(
    case: tuple[list[bytes], MerkleTree, int], data: st.DataObject
) -> None:
    entries, tree, new = case
    old = data.draw(st.integers(0, new))
    proof = tree.consistency_proof(old, new)
    assert proof == naive_proof(old, entries[:new])
    assert verify_consistency(old, new, tree.root(old), tree.root(new), proof)


@settings(max_examples=150, deadline=None)
@given(case=tree_and_size(), data=st.data())
def test_flipping_any_byte_breaks_an_inclusion_proof(
    case: tuple[list[bytes], MerkleTree, int], data: st.DataObject
) -> None:
    _, tree, size = case
    index = data.draw(st.integers(0, size - 1))
    proof, leaf, root = tree.inclusion_proof(index, size), tree.leaf(index), tree.root(size)
    values = [leaf, root, *proof]
    which = data.draw(st.integers(0, len(values) - 1))
    position = data.draw(st.integers(0, HASH_SIZE - 1))
    mask = data.draw(st.integers(1, 255))
    values[which] = _flip(values[which], position, mask)
    assert not verify_inclusion(values[0], index, size, values[2:], values[1])


@settings(max_examples=150, deadline=None)
@given(case=tree_and_size(), data=st.data())
def test_flipping_any_byte_breaks_a_consistency_proof(
    case: tuple[list[bytes], MerkleTree, int], data: st.DataObject
) -> None:
    _, tree, new = case
    old = data.draw(st.integers(1, new))  # an empty old tree says nothing of the new root
    proof = tree.consistency_proof(old, new)
    values = [tree.root(old), tree.root(new), *proof]
    which = data.draw(st.integers(0, len(values) - 1))
    position = data.draw(st.integers(0, HASH_SIZE - 1))
    mask = data.draw(st.integers(1, 255))
    values[which] = _flip(values[which], position, mask)
    assert not verify_consistency(old, new, values[0], values[1], values[2:])


@settings(max_examples=100, deadline=None)
@given(case=tree_and_size(), data=st.data())
def test_a_consistency_proof_of_the_wrong_length_fails(
    case: tuple[list[bytes], MerkleTree, int], data: st.DataObject
) -> None:
    _, tree, new = case
    old = data.draw(st.integers(1, new))
    proof = tree.consistency_proof(old, new)
    roots = (tree.root(old), tree.root(new))
    assert not verify_consistency(old, new, *roots, [*proof, SOME_HASH])
    if proof:
        assert not verify_consistency(old, new, *roots, proof[:-1])
        assert not verify_consistency(old, new, *roots, [SOME_HASH, *proof])
