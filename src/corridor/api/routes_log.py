"""Public, unauthenticated endpoints: the log's checkpoints and proofs, bundle verification, health.

The log reveals only hashes, so anyone may audit it; ``POST /api/v1/verify`` checks an uploaded
bundle exactly as ``corridor verify`` does, offline from the node's own state. These are
rate-limited per client address.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from corridor import __version__
from corridor.api import schemas
from corridor.api.auth import NodeDep
from corridor.api.ratelimit import public_rate_limit
from corridor.api.routes_documents import ERRORS
from corridor.errors import VerificationError
from corridor.services import proofs
from corridor.services.verify import verify_bundle

router = APIRouter(prefix="/api/v1", tags=["log"], dependencies=[Depends(public_rate_limit)])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@router.get("/health", response_model=schemas.HealthOut, tags=["system"])
def health(node: NodeDep) -> schemas.HealthOut:
    """The node answers and its database is reachable."""
    return schemas.HealthOut(
        status="ok",
        platform=node.config.platform,
        treeSize=proofs.head_size(node),
        version=__version__,
    )


@router.get("/log/checkpoint", response_model=schemas.CheckpointOut, responses=ERRORS)
def checkpoint(node: NodeDep) -> schemas.CheckpointOut:
    """The signed checkpoint (C2SP signed note) of the log's current head."""
    head = proofs.latest_checkpoint(node)
    return schemas.CheckpointOut(
        origin=node.config.origin,
        treeSize=head.size,
        rootHash=_b64(head.root_hash),
        note=head.note,
        verifierKey=node.verifier_key(),
    )


@router.get("/log/proofs/inclusion", response_model=schemas.InclusionProofOut, responses=ERRORS)
def inclusion(
    node: NodeDep,
    leaf_index: Annotated[int, Query(alias="leafIndex", ge=0, le=2**53)],
    tree_size: Annotated[int | None, Query(alias="treeSize", ge=1, le=2**53)] = None,
) -> schemas.InclusionProofOut:
    """The RFC 9162 audit path of one leaf (default: in the current tree)."""
    proof = proofs.inclusion_proof(node, leaf_index, tree_size)
    return schemas.InclusionProofOut(
        leafIndex=proof.leaf_index,
        treeSize=proof.tree_size,
        leafHash=_b64(proof.leaf_hash),
        auditPath=[_b64(h) for h in proof.path],
        rootHash=_b64(proofs.root_at(node, proof.tree_size)),
    )


@router.get("/log/proofs/consistency", response_model=schemas.ConsistencyProofOut, responses=ERRORS)
def consistency(
    node: NodeDep,
    first: Annotated[int, Query(ge=1, le=2**53)],
    second: Annotated[int, Query(ge=1, le=2**53)],
) -> schemas.ConsistencyProofOut:
    """The RFC 9162 proof that the tree of size ``first`` is a prefix of the one of ``second``."""
    proof = proofs.consistency_proof(node, first, second)
    return schemas.ConsistencyProofOut(
        first=first,
        second=second,
        firstRootHash=_b64(proofs.root_at(node, first)),
        secondRootHash=_b64(proofs.root_at(node, second)),
        proof=[_b64(h) for h in proof.path],
    )


def verify_result(bundle: dict[str, Any]) -> schemas.VerifyOut:
    """Verify a bundle; a failed check is a result, not an error."""
    try:
        verified = verify_bundle(bundle)
    except VerificationError as failure:
        return schemas.VerifyOut(valid=False, check=failure.check, detail=failure.diagnostics())
    return schemas.VerifyOut(
        valid=True,
        detail=f"valid: {verified.entries} signed entries, checkpoint of size "
        f"{verified.checkpoint.size}",
        transportDocumentReference=verified.document_reference,
        status=verified.record.status,
        entries=verified.entries,
        treeSize=verified.checkpoint.size,
        nodeKeyHash=verified.node_key_hash,
    )


@router.post("/verify", response_model=schemas.VerifyOut, responses=ERRORS)
def verify(bundle: Annotated[dict[str, Any], Body()]) -> schemas.VerifyOut:
    """Verify an offline bundle (as ``corridor verify``); always 200 with valid true or false."""
    return verify_result(bundle)
