"""Who is calling the API: a bearer token (``Authorization: Bearer cor_...``).

The trivial dependencies are ``async`` so FastAPI runs them on the event loop rather than hopping
to its thread pool for each one; ``principal`` reads the database and stays a plain function.

Authentication says who the caller is; what it may do is decided against the title record by the
services (``Node.act`` refuses a non-controller), never by role alone. Operator-only calls
(registering parties, any party's tokens) check ``Principal.is_operator`` here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from corridor.errors import AuthenticationError, PermissionDeniedError
from corridor.services.access import Access, Principal
from corridor.services.node import Node

_bearer = HTTPBearer(auto_error=False, description="A Corridor API token: cor_<id>_<secret>.")


def node_of(request: Request) -> Node:
    node: Node = request.app.state.node
    return node


def access_of(request: Request) -> Access:
    access: Access = request.app.state.access
    return access


async def _node(request: Request) -> Node:
    return node_of(request)


async def _access(request: Request) -> Access:
    return access_of(request)


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise AuthenticationError("send an API token as 'Authorization: Bearer cor_...'")
    return access_of(request).authenticate(credentials.credentials)


async def operator(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    if not caller.is_operator:
        raise PermissionDeniedError("only the node operator may do this")
    return caller


async def party_caller(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    if caller.is_operator:
        raise PermissionDeniedError(
            "the node operator holds no title; act with the party's own token"
        )
    return caller


NodeDep = Annotated[Node, Depends(_node)]
AccessDep = Annotated[Access, Depends(_access)]
Caller = Annotated[Principal, Depends(principal)]
Operator = Annotated[Principal, Depends(operator)]
PartyCaller = Annotated[Principal, Depends(party_caller)]
