"""``Idempotency-Key`` on state-changing calls: a retried request never acts twice.

The fingerprint of a request is the SHA-256 of its method, path and validated body, so the same
key with a different request is refused rather than answered with another request's response.
A replayed answer carries ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from corridor.services.access import Access, Principal

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Any unique string; a retry with the same key returns the first answer.",
    ),
]


def _fingerprint(request: Request, body: BaseModel | None) -> str:
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    if body is not None:
        digest.update(body.model_dump_json().encode())
    return digest.hexdigest()


def respond_once(
    request: Request,
    access: Access,
    caller: Principal,
    key: str | None,
    body: BaseModel | None,
    produce: Callable[[], BaseModel],
    status_code: int = 200,
) -> Response:
    """Run ``produce`` (at most once per idempotency key) and answer with its JSON."""

    def run() -> tuple[int, bytes]:
        return status_code, produce().model_dump_json().encode()

    if key is None:
        status, payload = run()
        replayed = False
    else:
        status, payload, replayed = access.once(caller, key, _fingerprint(request, body), run)
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(payload, status_code=status, media_type="application/json", headers=headers)


def json_response(model: BaseModel, status_code: int = 200) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json"), status_code=status_code)
