"""Exporting the offline bundle of one eBL (ARCHITECTURE §2, "Bundle").

A bundle is one JSON object::

    {
      "format": "corridor-bundle/1",
      "documentReference": "...",
      "transportDocument": { DCSA eBL 3.0.3 TransportDocument },
      "entries": [ {"leafIndex": 17, "jws": "<compact JWS>", "inclusionProof": ["<b64>", ...]} ],
      "checkpoint": "<C2SP signed note>",
      "node": {"verifierKey": "<C2SP verifier key>", "publicKeyJwk": {...}, "platform": "..."},
      "keys": ["<JWS: the node attests that kid K is party P's key>", ...],
      "documentHead": "<JWS: the node attests the document's entry count and last entry hash>"
    }

The inclusion proofs are against the tree the checkpoint signs. The node's attestations bind each
signing key to its party, and the head attestation makes a bundle with its last entries cut off
detectable. Nothing in it needs a network or a database to check: see ``services.verify``.
"""

from __future__ import annotations

from typing import Any

from corridor.crypto.canonical import canonical_bytes, parse_json
from corridor.crypto.jws import sign_compact
from corridor.crypto.keys import PrivateKey, PublicKey, b64url_encode
from corridor.errors import NotFoundError
from corridor.ledger.checkpoint import Checkpoint, sign_checkpoint
from corridor.ledger.merkle import MerkleTree
from corridor.services.node import Node
from corridor.services.verify import BUNDLE_FORMAT
from corridor.storage import repository as repo
from corridor.storage.engine import lock_log_head, writing

KEY_ATTESTATION_TYPE = "corridor-key+jws"
HEAD_ATTESTATION_TYPE = "corridor-head+jws"


def attest(node_key: PrivateKey, typ: str, statement: dict[str, Any]) -> str:
    return sign_compact(canonical_bytes(statement), node_key, {"typ": typ})


def build_bundle(node: Node, reference: str) -> dict[str, Any]:
    """Everything needed to check ``reference`` offline, as of a freshly signed checkpoint."""
    document = parse_json(node.document(reference))
    with writing(node.engine) as conn:
        size, root = lock_log_head(conn)
        record = repo.get_title(conn, reference)
        if record is None:
            raise NotFoundError(f"no eBL with reference {reference} on this node")
        entries = repo.entries_of(conn, reference)
        tree = node.writer.tree
        if tree.size != size or tree.root() != root:
            # Another process appended, or the writer's tree is being rebuilt: read the leaves.
            tree = MerkleTree(repo.leaf_hashes_from(conn, 0)[:size])
        keys = {row.kid: repo.get_key(conn, row.kid) for row in entries}
        signers = {kid: repo.get_party(conn, key.party_id) for kid, key in keys.items() if key}
        named = {row.actor for row in entries} | {row.recipient for row in entries if row.recipient}
        names = {pid: party.name for pid in named if (party := repo.get_party(conn, pid))}
        note = sign_checkpoint(Checkpoint(node.config.origin, size, root), node.note_signer)
        repo.save_checkpoint(conn, size, note, node.clock())
    key_attestations = []
    for kid, key in sorted(keys.items()):
        party = signers[kid]
        assert key is not None
        assert party is not None
        statement = {
            "kid": kid,
            "partyId": party.party_id,
            "partyName": party.name,
            "roles": sorted(str(r) for r in party.roles),
            "platform": party.platform,
            "publicKeyJwk": PublicKey(key.public_key).to_jwk(),
        }
        key_attestations.append(attest(node.node_key, KEY_ATTESTATION_TYPE, statement))
    head = {
        "documentReference": reference,
        "entryCount": len(entries),
        "lastEntryHash": record.last_entry_hash,
        "status": str(record.record.status),
        "treeSize": size,
        "partyNames": names,
    }
    return {
        "format": BUNDLE_FORMAT,
        "documentReference": reference,
        "transportDocument": document,
        "entries": [
            {
                "leafIndex": row.leaf_index,
                "jws": row.jws,
                "inclusionProof": [
                    b64url_encode(h) for h in tree.inclusion_proof(row.leaf_index, size)
                ],
            }
            for row in entries
        ],
        "checkpoint": note,
        "node": {
            "verifierKey": node.verifier_key(),
            "publicKeyJwk": node.node_key.public_key.to_jwk(),
            "platform": node.config.platform,
        },
        "keys": key_attestations,
        "documentHead": attest(node.node_key, HEAD_ATTESTATION_TYPE, head),
    }
