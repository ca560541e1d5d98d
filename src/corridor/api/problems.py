"""RFC 9457 problem details: the one shape of every API error.

::

    {"type": "https://corridor.dev/problems/not-controller", "title": "Not the controller",
     "status": 403, "detail": "...", "instance": "/api/v1/documents/X/actions",
     "errors": [{"pointer": "#/recipient", "reason": "..."}]}

``errors`` names each failing field as a JSON pointer into the request (``#/...``), a query
parameter (``query:limit``) or a header (``header:Idempotency-Key``). The mapping from Corridor's
exception tree to a status is here and nowhere else in the API; anything unexpected becomes a
plain 500 problem without internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor.api.ratelimit import RateLimitedError
from corridor.errors import (
    AuthenticationError,
    ChainError,
    ConflictError,
    CorridorError,
    CryptoError,
    DocumentRuleError,
    IdempotencyConflictError,
    InputError,
    MalformedInputError,
    NodeError,
    NotControllerError,
    NotFoundError,
    PartyCodeError,
    PermissionDeniedError,
    TitleError,
    UnknownPartyError,
    VerificationError,
)

PROBLEM_BASE = "https://corridor.dev/problems/"
PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("corridor.api")


class FieldProblem(BaseModel):
    pointer: str = Field(description="Where: '#/json/pointer', 'query:name' or 'header:Name'.")
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


# Most specific first.
_STATUS: tuple[tuple[type[CorridorError], int, str, str], ...] = (
    (RateLimitedError, 429, "rate-limited", "Too many requests"),
    (AuthenticationError, 401, "unauthenticated", "Not signed in"),
    (PermissionDeniedError, 403, "forbidden", "Not allowed"),
    (MalformedInputError, 400, "malformed", "Malformed request"),
    (DocumentRuleError, 422, "document-rule", "The transport document breaks a DCSA rule"),
    (PartyCodeError, 422, "party-code", "An identifying code is invalid"),
    (UnknownPartyError, 422, "unknown-party", "Unknown party"),
    (NotFoundError, 404, "not-found", "Not found"),
    (InputError, 422, "invalid-input", "Invalid input"),
    (NotControllerError, 403, "not-controller", "Not the controller of this eBL"),
    (ChainError, 409, "chain", "The entry does not chain to the document's last entry"),
    (TitleError, 409, "title-rule", "The title register refuses this action"),
    (IdempotencyConflictError, 409, "idempotency-in-progress", "Request still in progress"),
    (ConflictError, 409, "conflict", "A concurrent action won"),
    (VerificationError, 422, "verification", "Verification failed"),
    (NodeError, 503, "node-unavailable", "The node cannot serve this now"),
    (CryptoError, 503, "node-keys", "The node could not use a key it holds"),
)


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    instance: str | None = None,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors or [],
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def for_error(error: CorridorError, instance: str | None = None) -> JSONResponse:
    status, slug, title = next(
        ((status, slug, title) for kind, status, slug, title in _STATUS if isinstance(error, kind)),
        (500, "internal", "Internal error"),
    )
    errors = []
    detail = error.message
    if isinstance(error, DocumentRuleError):
        errors.append(
            FieldProblem(pointer=f"#/transportDocument{error.location}", reason=error.reason)
        )
    if isinstance(error, VerificationError):
        detail = error.diagnostics()
    headers = None
    if status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="corridor"'}
    if isinstance(error, RateLimitedError):
        headers = {"Retry-After": str(max(1, round(error.retry_after)))}
    return problem_response(status, slug, title, detail, instance, errors, headers)


def _pointer(location: tuple[Any, ...]) -> str:
    where, *path = location or ("body",)
    if where == "body":
        return "#/" + "/".join(str(p) for p in path)
    return f"{where}:{'/'.join(str(p) for p in path)}"


def validation_problem(error: RequestValidationError, instance: str) -> JSONResponse:
    errors = [
        FieldProblem(pointer=_pointer(tuple(item.get("loc", ()))), reason=str(item.get("msg")))
        for item in error.errors()
    ]
    detail = "; ".join(f"{e.pointer}: {e.reason}" for e in errors[:5]) or "invalid request"
    return problem_response(422, "validation", "Invalid request", detail, instance, errors)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem detail."""

    @app.exception_handler(CorridorError)
    async def corridor_error(request: Request, exc: CorridorError) -> JSONResponse:
        return for_error(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(exc, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = "not-found" if exc.status_code == 404 else f"http-{exc.status_code}"
        title = "Not found" if exc.status_code == 404 else "HTTP error"
        return problem_response(exc.status_code, slug, title, str(exc.detail), request.url.path)

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        # A unique key refused a row another request wrote first: a lost race, not a failure.
        log.info("integrity error on %s: %s", request.url.path, exc.orig)
        return problem_response(
            409,
            "conflict",
            "A concurrent request won",
            "the same thing was just created by another request; read it back or retry",
            request.url.path,
        )

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        log.error("database error on %s: %s", request.url.path, exc)
        return problem_response(
            503,
            "database",
            "Database unavailable",
            "the node's database failed; retry later",
            request.url.path,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return problem_response(
            500,
            "internal",
            "Internal error",
            "the node failed unexpectedly; this is a bug",
            request.url.path,
        )
