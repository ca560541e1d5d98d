"""Refuse requests the node must never store or act on, before any route runs.

- A body larger than the limit answers 413 (``Content-Length`` checked first, then the bytes
  actually received, so a chunked upload cannot slip past).
- A path or query string with control characters (NUL and the other C0 controls, DEL) answers
  422: no party name, reference, cursor or token contains one, and PostgreSQL refuses NUL in text.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import unquote_to_bytes

from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.api.problems import FieldProblem, problem_response

API_PREFIXES = ("/api/", "/v3/", "/v2/", "/endorsement-chains/", "/docs")
API_PATHS = frozenset({"/api", "/openapi.json", "/metrics", "/events"})


def is_api_path(path: str) -> bool:
    """Whether ``path`` belongs to a machine API (problem or DCSA errors), not to a web page."""
    return path in API_PATHS or path.startswith(API_PREFIXES)


LARGE_BODY_PATHS = ("/api/v1/verify", "/api/v1/documents", "/verify", "/issue")
# PINT envelopes and their supporting documents, DCSA issuance requests (a base64 PDF), and
# batches of tracking events pushed to POST /events (DCSA TNT 3.0).
LARGE_BODY_PREFIXES = ("/v3/envelopes", "/v3/ebl-issuance-requests", "/events")
LARGE_BODY = 6 * 1024 * 1024
SMALL_BODY = 256 * 1024
CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


class _TooLargeError(Exception):
    pass


def body_limit(path: str) -> int:
    large = path.rstrip("/") in LARGE_BODY_PATHS or path.startswith(LARGE_BODY_PREFIXES)
    return LARGE_BODY if large else SMALL_BODY


class RequestHygiene:
    """Pure ASGI middleware enforcing body size limits and clean paths and query strings."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        where = self._control_characters(scope)
        if where is not None:
            await self._refuse(scope, send, 422, "validation", where)
            return
        limit = body_limit(path)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, 413, "too-large", f"at most {limit} bytes")
            return
        received = 0
        started = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLargeError
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, sending)
        except _TooLargeError:
            if not started:
                await self._refuse(scope, send, 413, "too-large", f"at most {limit} bytes")

    @staticmethod
    def _control_characters(scope: Scope) -> str | None:
        if CONTROL.search(scope["path"].encode("utf-8", "surrogateescape")):
            return "path"
        if CONTROL.search(unquote_to_bytes(scope.get("query_string", b""))):
            return "query"
        return None

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, slug: str, what: str) -> None:
        if status == 413:
            title, detail, errors = "Request too large", f"the body must be {what}", []
        else:
            title = "Invalid request"
            detail = f"the {what} contains control characters (e.g. NUL)"
            errors = [FieldProblem(pointer=what, reason="control characters are not allowed")]
        response: Response
        if is_api_path(scope["path"]):
            response = problem_response(status, slug, title, detail, scope["path"], errors)
        else:  # a page: a plain HTML answer, escaped, never JSON
            page = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{escape(detail)}</p>"
            response = HTMLResponse(page, status_code=status)
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
