"""The web app: server-rendered pages for every role, served by the API's own process.

``install(app)`` mounts the static files, the page routers, and error handlers that answer
with an HTML page for any path outside the API (the API keeps its RFC 9457 problem details).
No page shows a traceback or SQL: every error, a database failure included, becomes a page that
says what was wrong. ``/log``, ``POST /verify`` and ``/signin`` share the API's public rate
limit; beyond it they answer an HTML 429 page with ``Retry-After``.

=========================  =================================================================
``/``                      landing page, or the signed-in party's home (counts and lists)
``/signin``, ``/signout``  a sign-in link asks "Sign in as <party>?" first (a CSRF-protected
                           form); sign out
``/documents/{ref}``       the bill of lading, its signed history and the actions allowed now
                           (the reference percent-encoded: DCSA allows spaces and '/')
``/corridor``              the corridor's transit times, on-time share and dwell at Qinzhou
                           (charts), and the journeys of the party's documents (signed in)
``/issue``                 issue a new eBL (carriers): upload DCSA JSON or fill the form
``/verify``                check a bundle offline (public)
``/log``                   the log's checkpoints and a consistency check (public)
=========================  =================================================================
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor.api import problems
from corridor.api.hygiene import is_api_path
from corridor.api.ratelimit import RateLimitedError
from corridor.errors import CorridorError
from corridor.web import (
    views_corridor,
    views_documents,
    views_home,
    views_issue,
    views_public,
    views_signin,
)
from corridor.web.forms import TooLargeError
from corridor.web.session import CsrfError
from corridor.web.templating import HERE, error_page

log = logging.getLogger("corridor.web")
Handler = Callable[[Request, Any], Response | Awaitable[Response]]

_HTTP_HEADINGS = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    404: ("Page not found", "There is no page at this address."),
    405: ("Not allowed here", "This address does not accept that kind of request."),
    413: ("Too large", "The upload is too large."),
}
_HANDLED = (
    StarletteHTTPException,
    RequestValidationError,
    CorridorError,
    IntegrityError,
    SQLAlchemyError,
    Exception,
)


def _is_api(request: Request) -> bool:
    return is_api_path(request.url.path)


def _rate_limited(request: Request, exc: RateLimitedError) -> Response:
    wait = max(1, round(exc.retry_after))
    detail = f"This browser sent too many requests. Wait {wait} s and try again."
    response = error_page(request, 429, "Too many requests", detail)
    response.headers["Retry-After"] = str(wait)
    return response


def _database(request: Request, exc: SQLAlchemyError) -> Response:
    """The page for a database failure: never the SQL, never a traceback (both go to the log)."""
    if isinstance(exc, IntegrityError):
        log.info("integrity error on %s: %s", request.url.path, exc.orig)
        detail = "Another request changed the same thing at the same moment. Reload and try again."
        return error_page(request, 409, "That clashed with another change", detail)
    log.error("database error on %s: %s", request.url.path, exc)
    detail = "The node's database did not answer. Please try again in a moment."
    return error_page(request, 503, "The node is unavailable", detail)


def _html_for(request: Request, exc: Exception) -> Response:
    if isinstance(exc, RateLimitedError):
        return _rate_limited(request, exc)
    if isinstance(exc, SQLAlchemyError):
        return _database(request, exc)
    if isinstance(exc, StarletteHTTPException):
        heading, detail = _HTTP_HEADINGS.get(
            exc.status_code, ("Something is not right", str(exc.detail))
        )
        return error_page(request, exc.status_code, heading, detail)
    if isinstance(exc, RequestValidationError):
        return error_page(request, 400, "Bad request", "Some fields of the form are missing.")
    if isinstance(exc, CsrfError):
        return error_page(
            request,
            403,
            "This form has expired",
            f"{exc.message}. Go back, reload the page and submit the form again.",
        )
    if isinstance(exc, TooLargeError):
        return error_page(request, 413, "Too large", f"{exc.message}. Upload a smaller file.")
    if isinstance(exc, CorridorError):
        status = problems.for_error(exc).status_code
        return error_page(request, status, "That did not work", exc.message)
    log.exception("unexpected error on %s", request.url.path)
    return error_page(
        request, 500, "Something went wrong", "The node failed unexpectedly; please try again."
    )


def _html_outside_api(app: FastAPI, kind: type[Exception]) -> None:
    """Wrap the app's handler for ``kind``: HTML pages outside /api, problem details inside."""
    original: Handler | None = app.exception_handlers.get(kind)

    async def handler(request: Request, exc: Exception) -> Response:
        if _is_api(request) and original is not None:
            answer = original(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        return _html_for(request, exc)

    app.add_exception_handler(kind, handler)


def install(app: FastAPI) -> None:
    """Mount the web app's routes and static files on ``app``."""
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (
        views_home.router,
        views_signin.router,
        views_documents.router,
        views_corridor.router,
        views_issue.router,
        views_public.router,
    ):
        app.include_router(router)
    for kind in _HANDLED:
        _html_outside_api(app, kind)
