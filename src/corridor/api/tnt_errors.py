"""What the DCSA Track & Trace routes share: their error bodies, ``API-Version``, auth by role.

The rest of the API answers RFC 9457 problems (``problems``); a TNT client reads the error shape
of its own spec, so these routes answer every error in it, as ``dcsa_errors.DcsaErrorRoute``
does for PINT, and set ``API-Version`` on every answer:

* TNT 2.2 (``Tnt22Route``, ``API-Version: 2.2.0``): the ``error`` schema: ``httpMethod``,
  ``requestUri``, ``statusCode``, ``statusCodeText``, ``errorDateTime`` and ``errors[]`` of
  ``{reason, message}``;
* TNT 3.0 (``Tnt30Route``, ``API-Version: 3.0.0``): ``GetEventsError`` / ``PostEventsError``,
  ``{feedbackElements: [{severity: ERROR, message, propertyPath}]}``.

A refused filter or event (``EventRuleError``) and a request that does not parse answer 400;
every other status is the one ``problems`` gives the error (401, 403, 404, 503, ...), translated,
not re-mapped. Nothing unexpected leaks: a database failure is 503, anything else a plain 500.

Who may push events (``Reporter``): the node operator, or a party with a role that reports
cargo movements in the corridor: carrier (which includes the rail operator, registered as the
carrier of its leg), terminal, or customs. Reading events needs any valid API token.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any, ClassVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor.api import problems
from corridor.api.auth import principal
from corridor.domain.tnt_event import EventRuleError
from corridor.errors import CorridorError, MalformedInputError, PermissionDeniedError
from corridor.services.access import Principal
from corridor.services.event_readers import REPORTING_ROLES

__all__ = [
    "REPORTING_ROLES",
    "Failure",
    "Reporter",
    "Tnt22Route",
    "Tnt30Route",
    "json_path",
]

log = logging.getLogger("corridor.api")

_MAX_ITEMS = 100
_METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})


@dataclass(frozen=True)
class Failure:
    """One cause of an error: a short reason, the sentence, where (a JSONPath or parameter)."""

    reason: str
    message: str
    where: str | None = None


def json_path(field: str, root: str = "$") -> str:
    """``events[2].eventClassification`` -> ``$.events[2].eventClassification``."""
    if not field:
        return root
    return f"{root}{'' if field.startswith('[') else '.'}{field}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


class _TntRoute(APIRoute):
    """A route answering its errors in its spec's shape (``render``) with ``API-Version``."""

    api_version: ClassVar[str]

    @classmethod
    def render(cls, request: Request, status: int, failures: Sequence[Failure]) -> JSONResponse:
        """The error body in the spec's own shape: each concrete route class (TNT 2.2, TNT 3.0)
        defines it; this base class is never mounted."""
        raise NotImplementedError(f"{cls.__name__} must define render()")

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as error:  # every error becomes the spec's body; logged if a bug
                response = self.failed(request, error)
            response.headers["API-Version"] = self.api_version
            return response

        return answer

    @classmethod
    def failed(cls, request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, RequestValidationError):
            return cls.render(request, 400, [_validation(item) for item in error.errors()])
        if isinstance(error, EventRuleError | MalformedInputError):
            where = getattr(error, "field", None) or None
            reason = getattr(error, "reason", error.message)
            return cls.render(request, 400, [Failure("invalidInput", reason, where)])
        if isinstance(error, CorridorError):
            return cls._translated(request, problems.for_error(error, request.url.path))
        if isinstance(error, StarletteHTTPException):
            failure = Failure(_phrase(error.status_code), str(error.detail))
            return cls.render(request, error.status_code, [failure])
        if isinstance(error, SQLAlchemyError):
            log.error("database error on %s: %s", request.url.path, error)
            failure = Failure("databaseUnavailable", "the node's database failed; retry later")
            return cls.render(request, 503, [failure])
        log.exception("unexpected error on %s", request.url.path, exc_info=error)
        return cls.render(request, 500, [Failure("internalError", "the node failed; a bug")])

    @classmethod
    def _translated(cls, request: Request, problem: JSONResponse) -> JSONResponse:
        body = json.loads(bytes(problem.body))
        failure = Failure(str(body.get("title", "Error")), str(body.get("detail", "")))
        response = cls.render(request, problem.status_code, [failure])
        for name in ("retry-after", "www-authenticate"):
            if name in problem.headers:
                response.headers[name] = problem.headers[name]
        return response


def _validation(item: Any) -> Failure:
    where, *path = tuple(item.get("loc", ())) or ("body",)
    name = ".".join(str(p) for p in path)
    location = json_path(name) if where == "body" else name
    return Failure("invalidInput", f"{name or where}: {item.get('msg', 'invalid')}", location)


class Tnt22Route(_TntRoute):
    """DCSA TNT 2.2 ``error`` bodies and ``API-Version: 2.2.0``."""

    api_version = "2.2.0"

    @classmethod
    def render(cls, request: Request, status: int, failures: Sequence[Failure]) -> JSONResponse:
        method = request.method.upper()
        errors = [
            {
                "reason": failure.reason[:100],
                "message": f"{failure.where}: {failure.message}"
                if failure.where
                else failure.message,
            }
            for failure in failures[:_MAX_ITEMS]
        ] or [{"reason": _phrase(status), "message": _phrase(status)}]
        body = {
            "httpMethod": method if method in _METHODS else "GET",
            "requestUri": request.url.path,
            "statusCode": status,
            "statusCodeText": _phrase(status),
            "errorDateTime": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "errors": errors,
        }
        return JSONResponse(body, status_code=status)


class Tnt30Route(_TntRoute):
    """DCSA TNT 3.0 ``GetEventsError``/``PostEventsError`` bodies and ``API-Version: 3.0.0``."""

    api_version = "3.0.0"

    @classmethod
    def render(cls, request: Request, status: int, failures: Sequence[Failure]) -> JSONResponse:
        elements = [feedback("ERROR", f.message, f.where) for f in failures[:_MAX_ITEMS]]
        return JSONResponse(
            {"feedbackElements": elements or [feedback("ERROR", _phrase(status))]},
            status_code=status,
        )


def feedback(severity: str, message: str, path: str | None = None) -> dict[str, str]:
    """A TNT 3.0 ``FeedbackElement`` (texts cut to the spec's lengths)."""
    element = {"severity": severity, "message": message[:5000]}
    if path:
        element["propertyPath"] = path[:1000]
    return element


async def reporter(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    """The node operator, or a party with a reporting role (module docstring)."""
    if caller.party is not None and not caller.party.roles & REPORTING_ROLES:
        allowed = ", ".join(sorted(role.value for role in REPORTING_ROLES))
        raise PermissionDeniedError(
            f"only the node operator or a party with the role {allowed} may report events"
        )
    return caller


Reporter = Annotated[Principal, Depends(reporter)]
