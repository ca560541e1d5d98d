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

from corridor.api.problems import PROBLEM_JSON
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
    replay_as: Callable[[BaseModel], BaseModel] | None = None,
) -> Response:
    """Run ``produce`` (at most once per idempotency key) and answer with its JSON.

    ``replay_as`` turns the answer into what is stored for replays, for an answer that holds a
    secret the node must not keep (a new token's secret is shown once; a replay gets a problem).
    """

    def run() -> tuple[int, bytes, int, bytes]:
        made = produce()
        answer = made.model_dump_json().encode()
        if replay_as is None:
            return status_code, answer, status_code, answer
        problem = replay_as(made).model_dump_json(exclude_none=True).encode()
        return status_code, answer, 409, problem

    if key is None:
        status, payload, _, _ = run()
        replayed = False
    else:
        status, payload, replayed = access.once(caller, key, _fingerprint(request, body), run)
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    media = PROBLEM_JSON if status >= 400 else "application/json"
    return Response(payload, status_code=status, media_type=media, headers=headers)


def json_response(model: BaseModel, status_code: int = 200) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json"), status_code=status_code)
