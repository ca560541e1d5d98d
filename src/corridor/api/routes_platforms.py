"""``/api/v1/platforms``: the other eBL platforms this node talks to over DCSA PINT 3.0.

Any authenticated caller may read the registry (a holder must be able to name a recipient's
platform); registering, adding keys and removing are the node operator's. Keys travel as PEM
text (an X.509 certificate or a SubjectPublicKeyInfo public key), so the request bodies here
allow line breaks in ``pem`` and ``keys`` and refuse every other control character.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from corridor.api.auth import AccessDep, Caller, NodeDep, Operator
from corridor.api.idempotency import IdempotencyKey, respond_once
from corridor.api.routes_documents import ERRORS
from corridor.api.schemas import control_character_at
from corridor.crypto.peer_keys import PeerKey
from corridor.services.platforms import MAX_URL, Platform, Platforms

router = APIRouter(prefix="/api/v1", tags=["platforms"])

CODE_PATTERN = r"^[A-Z0-9]{1,4}$"
MAX_KEYS = 8
CodePath = Annotated[
    str, Path(pattern=CODE_PATTERN, description="Platform code (PINT eblPlatform).")
]
KidPath = Annotated[
    str,
    Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="RFC 7638 kid."),
]
Pem = Annotated[
    str,
    Field(
        min_length=1,
        max_length=16_384,
        pattern=r"^[\t\n\r\x20-\x7e]+$",
        description="PEM: '-----BEGIN CERTIFICATE-----' or '-----BEGIN PUBLIC KEY-----'.",
    ),
]


class _Body(BaseModel):
    """A request body: unknown fields refused; no control characters except in PEM text."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _no_control_characters(self) -> _Body:
        text = self.model_dump(mode="json", exclude={"keys", "pem"})
        where = control_character_at(text)
        if where is not None:
            raise ValueError(f"#{where}: control characters (e.g. NUL) are not allowed")
        return self


class PlatformIn(_Body):
    code: str = Field(pattern=CODE_PATTERN, description="1-4 capital letters or digits.")
    name: str = Field(min_length=1, max_length=200)
    baseUrl: str = Field(  # noqa: N815 (the API's camelCase)
        min_length=1, max_length=MAX_URL, description="Where it serves PINT, https://..."
    )
    keys: list[Pem] = Field(default_factory=list, max_length=MAX_KEYS)


class PlatformKeyIn(_Body):
    pem: Pem


class PlatformKeyOut(BaseModel):
    kid: str = Field(description="RFC 7638 JWK thumbprint, as in a JWS header's kid.")
    keyType: str = Field(description="JWK kty: RSA, EC or OKP.")  # noqa: N815
    algorithms: list[str]
    subject: str | None = Field(description="The certificate's subject, if a certificate.")
    notAfter: datetime | None = Field(  # noqa: N815
        description="The certificate's expiry, if a certificate."
    )
    pem: str


class PlatformOut(BaseModel):
    code: str
    name: str
    baseUrl: str  # noqa: N815
    createdAt: datetime  # noqa: N815
    keys: list[PlatformKeyOut]


def key_out(key: PeerKey) -> PlatformKeyOut:
    return PlatformKeyOut(
        kid=key.kid,
        keyType=key.key_type,
        algorithms=list(key.algorithms),
        subject=key.subject,
        notAfter=key.not_after,
        pem=key.pem,
    )


def platform_out(platform: Platform) -> PlatformOut:
    return PlatformOut(
        code=platform.code,
        name=platform.name,
        baseUrl=platform.base_url,
        createdAt=platform.created_at,
        keys=[key_out(key) for key in platform.keys],
    )


@router.get("/platforms", response_model=list[PlatformOut], responses=ERRORS)
def list_platforms(node: NodeDep, caller: Caller) -> list[PlatformOut]:
    """Every platform registered on this node, by code, with its keys."""
    registry = Platforms(node)
    return [platform_out(registry.get(row.code)) for row in registry.list()]


@router.post("/platforms", status_code=201, response_model=PlatformOut, responses=ERRORS)
def add_platform(
    request: Request,
    body: PlatformIn,
    node: NodeDep,
    access: AccessDep,
    caller: Operator,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Register a platform and its keys (operator only)."""

    def produce() -> PlatformOut:
        added = Platforms(node).add(body.code, body.name, body.baseUrl, body.keys)
        return platform_out(added)

    return respond_once(request, access, caller, idempotency_key, body, produce, 201)


@router.get("/platforms/{code}", response_model=PlatformOut, responses=ERRORS)
def get_platform(code: CodePath, node: NodeDep, caller: Caller) -> PlatformOut:
    """One platform with its keys."""
    return platform_out(Platforms(node).get(code))


@router.post(
    "/platforms/{code}/keys", status_code=201, response_model=PlatformKeyOut, responses=ERRORS
)
def add_platform_key(
    request: Request,
    code: CodePath,
    body: PlatformKeyIn,
    node: NodeDep,
    access: AccessDep,
    caller: Operator,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Add a key to a platform (operator only)."""

    def produce() -> PlatformKeyOut:
        return key_out(Platforms(node).add_key(code, body.pem))

    return respond_once(request, access, caller, idempotency_key, body, produce, 201)


@router.delete("/platforms/{code}", status_code=204, responses=ERRORS)
def remove_platform(code: CodePath, node: NodeDep, caller: Operator) -> Response:
    """Remove a platform and its keys (operator only)."""
    Platforms(node).remove(code)
    return Response(status_code=204)


@router.delete("/platforms/{code}/keys/{kid}", status_code=204, responses=ERRORS)
def remove_platform_key(code: CodePath, kid: KidPath, node: NodeDep, caller: Operator) -> Response:
    """Delete one key of a platform (operator only)."""
    Platforms(node).remove_key(kid, code)
    return Response(status_code=204)
