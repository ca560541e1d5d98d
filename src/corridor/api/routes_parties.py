"""``/api/v1/parties`` and ``/api/v1/tokens``: who is on this node, and their API tokens.

Registering a party is the node operator's; listing parties is open to every caller (a holder
must be able to name a recipient). A party manages its own tokens; the operator manages anyone's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel

from corridor.api import schemas
from corridor.api.auth import AccessDep, Caller, NodeDep, Operator
from corridor.api.idempotency import IdempotencyKey, respond_once
from corridor.api.problems import PROBLEM_BASE, Problem
from corridor.api.routes_documents import ERRORS
from corridor.crypto.keys import PublicKey
from corridor.domain.party import IdentifyingCode, Party
from corridor.errors import (
    CryptoError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    UnknownPartyError,
)
from corridor.services.access import Principal
from corridor.services.node import Node

router = APIRouter(prefix="/api/v1", tags=["parties"])

PartyRef = Annotated[str, Path(min_length=1, max_length=200, description="Party id or name.")]
TokenId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]


@router.get("/me", response_model=schemas.WhoAmIOut, responses=ERRORS)
def whoami(caller: Caller) -> schemas.WhoAmIOut:
    """The party (or the operator) the presented token stands for."""
    return schemas.whoami_out(caller)


@router.get("/parties", response_model=list[schemas.PartyOut], responses=ERRORS)
def list_parties(node: NodeDep, caller: Caller) -> list[schemas.PartyOut]:
    """Every party registered on this node."""
    return [schemas.party_out(p) for p in node.parties()]


@router.post("/parties", status_code=201, response_model=schemas.PartyOut, responses=ERRORS)
def add_party(
    request: Request,
    body: schemas.PartyIn,
    node: NodeDep,
    access: AccessDep,
    caller: Operator,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Register a party (operator only). Without a public key the node makes a custodial one."""
    codes = [IdentifyingCode.parse(code) for code in body.codes]
    public_key = None if body.publicKeyJwk is None else _public_key(body.publicKeyJwk)

    def produce() -> schemas.PartyOut:
        party = node.add_party(
            body.name, frozenset(body.roles), codes, public_key, platform=body.platform
        )
        return schemas.party_out(party, node.party_keys(party.party_id))

    return respond_once(request, access, caller, idempotency_key, body, produce, 201)


@router.get("/parties/{party}", response_model=schemas.PartyOut, responses=ERRORS)
def get_party(party: PartyRef, node: NodeDep, caller: Caller) -> schemas.PartyOut:
    """One party, with its public keys."""
    found = party_at(node, party)
    return schemas.party_out(found, node.party_keys(found.party_id))


def _public_key(jwk: dict[str, Any]) -> PublicKey:
    try:
        return PublicKey.from_jwk(jwk)
    except CryptoError as bad:
        raise InputError(f"#/publicKeyJwk: {bad.message}") from None


def party_at(node: Node, party: str) -> Party:
    """The party a path names; 404 (not 422) when there is none."""
    try:
        return node.party(party)
    except UnknownPartyError as missing:
        raise NotFoundError(missing.message) from None


def _own(caller: Principal, party_id: str) -> None:
    if not caller.is_operator and caller.party_id != party_id:
        raise PermissionDeniedError("a party may manage only its own tokens")


@router.get("/parties/{party}/tokens", response_model=list[schemas.TokenOut], responses=ERRORS)
def list_tokens(
    party: PartyRef, node: NodeDep, access: AccessDep, caller: Caller
) -> list[schemas.TokenOut]:
    """The party's tokens (never their secrets)."""
    party_id = party_at(node, party).party_id
    _own(caller, party_id)
    return [schemas.token_out(row) for row in access.tokens(party_id)]


@router.post(
    "/parties/{party}/tokens",
    status_code=201,
    response_model=schemas.TokenCreatedOut,
    responses=ERRORS,
)
def create_token(
    request: Request,
    party: PartyRef,
    body: schemas.TokenIn,
    node: NodeDep,
    access: AccessDep,
    caller: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """A new API token for the party; the secret is in this response only."""
    party_id = party_at(node, party).party_id
    _own(caller, party_id)

    def produce() -> schemas.TokenCreatedOut:
        issued = access.create_token(party_id, label=body.label)
        return schemas.TokenCreatedOut(
            **schemas.token_out(issued.row).model_dump(), token=issued.token
        )

    def replay_as(made: BaseModel) -> Problem:
        assert isinstance(made, schemas.TokenCreatedOut)
        return Problem(
            type=PROBLEM_BASE + "token-shown-once",
            title="Token already created",
            status=409,
            detail=f"this request already created token {made.tokenId}; its secret is shown only "
            "once: use it, or revoke it and create another",
        )

    return respond_once(
        request, access, caller, idempotency_key, body, produce, 201, replay_as=replay_as
    )


@router.delete("/tokens/{token_id}", status_code=204, responses=ERRORS)
def revoke_token(token_id: TokenId, access: AccessDep, caller: Caller) -> Response:
    """Revoke a token at once; revoking twice is harmless."""
    access.revoke_token(token_id, by=caller)
    return Response(status_code=204)
