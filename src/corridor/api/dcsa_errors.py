"""DCSA ``ErrorResponse``: the error shape PINT 3.0.0 peers expect on ``/v3`` (notes §1, §7.12).

The rest of the API answers RFC 9457 problems (``problems``); a PINT peer reads DCSA's shape:
``httpMethod``, ``requestUri``, ``statusCode``, ``statusCodeText``, ``errorDateTime`` (UTC,
RFC 3339) and ``errors[]`` (at least one, each ``errorCodeText`` and ``errorCodeMessage``, with
``property``, ``value`` and ``jsonPath`` when a field is to blame). Every text is cut to the
spec's length, so what this module builds always validates against PINT's ``ErrorResponse``.

``DcsaErrorRoute`` is the route class of a ``/v3`` router that answers its own errors this way
(validation 400/422, refusals, rate limits, database and unexpected failures: never a traceback)
and sets ``API-Version: 3.0.0`` on every answer. Which status a ``CorridorError`` gets is still
decided in ``problems`` alone: the problem it would have been is translated, not re-mapped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Coroutine, Sequence
from http import HTTPStatus
from typing import Any, Literal, get_args

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor.api import problems
from corridor.errors import CorridorError

__all__ = [
    "API_VERSION",
    "API_VERSION_HEADER",
    "DETAILED_ERROR_MAX",
    "DcsaErrorRoute",
    "DetailedError",
    "ErrorResponse",
    "error_response",
    "openapi_error",
]

log = logging.getLogger("corridor.api")

API_VERSION = "3.0.0"
API_VERSION_HEADER = "API-Version"
DETAILED_ERROR_MAX = 20
"""At most this many ``errors[]`` items: a fuzzed body can break every field at once."""

HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]
_METHODS: frozenset[str] = frozenset(get_args(HttpMethod))


class _Dcsa(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class DetailedError(_Dcsa):
    """One cause of an error (PINT ``DetailedError``)."""

    error_code_text: str = Field(max_length=100, description="A short name of the cause.")
    error_code_message: str = Field(max_length=5000, description="What was wrong and what to do.")
    property: str | None = Field(None, max_length=100, description="The field to blame.")
    value: str | None = Field(None, max_length=500, description="Its value as sent.")
    json_path: str | None = Field(None, max_length=500, description="Where, e.g. $.partyCode.")


class ErrorResponse(_Dcsa):
    """DCSA's unsigned error (PINT 3.0.0 ``ErrorResponse``)."""

    http_method: HttpMethod
    request_uri: str
    status_code: int
    status_code_text: str = Field(max_length=50)
    error_date_time: str = Field(json_schema_extra={"format": "date-time"})
    errors: list[DetailedError] = Field(min_length=1)


def _text(value: object, limit: int) -> str:
    """``value`` as JSON-safe text of at most ``limit`` characters (lone surrogates replaced)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text.encode("utf-8", "replace").decode("utf-8")[:limit]


def detailed_error(
    text: str,
    message: str,
    *,
    property: str | None = None,
    value: object = None,
    json_path: str | None = None,
) -> DetailedError:
    """A ``DetailedError`` with every text cut to the spec's length."""
    return DetailedError(
        error_code_text=_text(text, 100),
        error_code_message=_text(message, 5000),
        property=None if property is None else _text(property, 100),
        value=None if value is None else _text(value, 500),
        json_path=None if json_path is None else _text(json_path, 500),
    )


def error_response(
    request: Request,
    status: int,
    errors: Sequence[DetailedError],
    *,
    now: dt.datetime | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The DCSA ``ErrorResponse`` answer to ``request`` with ``status`` and ``errors``."""
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    method = request.method.upper()
    body = ErrorResponse(
        http_method=method if method in _METHODS else "POST",
        request_uri=_text(request.url.path, 2000),
        status_code=status,
        status_code_text=_text(_phrase(status), 50),
        error_date_time=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        errors=list(errors[:DETAILED_ERROR_MAX])
        or [detailed_error(_phrase(status), _phrase(status))],
    )
    return JSONResponse(
        body.model_dump(by_alias=True, exclude_none=True),
        status_code=status,
        headers={**(headers or {}), API_VERSION_HEADER: API_VERSION},
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _from_problem(request: Request, problem: JSONResponse) -> JSONResponse:
    """The ``ErrorResponse`` saying what the RFC 9457 ``problem`` says (same status, headers)."""
    body = json.loads(bytes(problem.body))
    errors = [
        detailed_error(
            str(body.get("title", "Error")),
            str(body.get("detail", "")) or str(body.get("title", "Error")),
        )
    ]
    headers = {k: v for k, v in problem.headers.items() if k.lower() == "retry-after"}
    return error_response(request, problem.status_code, errors, headers=headers)


def _field(location: Sequence[object]) -> tuple[str | None, str]:
    """(property name, JSONPath) of a request-validation error location such as ``(body, x)``."""
    where, *path = location or ("body",)
    if where != "body":
        name = "/".join(str(p) for p in path)
        return name or None, f"{where}:{name}"
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    named = [str(p) for p in path if not isinstance(p, int)]
    return (named[-1] if named else None), json_path


_MALFORMED = frozenset({"json_invalid", "model_attributes_type", "dict_type", "missing_body"})


def _from_validation(request: Request, error: RequestValidationError) -> JSONResponse:
    """400 for a body that is not a JSON object, 422 naming each failing field otherwise."""
    items = list(error.errors())
    malformed = any(
        item.get("type") in _MALFORMED or tuple(item.get("loc", ())) == ("body",) for item in items
    )
    errors = []
    for item in items:
        name, json_path = _field(tuple(item.get("loc", ())))
        raw = item.get("input")
        shown = raw if isinstance(raw, str | int | float | bool) else None
        errors.append(
            detailed_error(
                "malformedRequest" if malformed else "invalidData",
                f"{json_path}: {item.get('msg', 'invalid')}",
                property=name,
                value=shown,
                json_path=json_path,
            )
        )
    return error_response(request, 400 if malformed else 422, errors)


class DcsaErrorRoute(APIRoute):
    """A route that answers every error as a DCSA ``ErrorResponse`` and sets ``API-Version``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                response = await handler(request)
            except RequestValidationError as error:
                return _from_validation(request, error)
            except CorridorError as error:
                return _from_problem(request, problems.for_error(error, request.url.path))
            except StarletteHTTPException as error:
                text = _phrase(error.status_code)
                message = str(error.detail) or text
                return error_response(request, error.status_code, [detailed_error(text, message)])
            except SQLAlchemyError as error:
                log.error("database error on %s: %s", request.url.path, error)
                failed = detailed_error("Database unavailable", "the database failed; retry later")
                return error_response(request, 503, [failed])
            except Exception:
                log.exception("unexpected error on %s", request.url.path)
                bug = detailed_error("Internal error", "the node failed unexpectedly; a bug")
                return error_response(request, 500, [bug])
            response.headers[API_VERSION_HEADER] = API_VERSION
            return response

        return answer


_VERSION_HEADERS = {
    API_VERSION_HEADER: {
        "description": "The PINT API version of the answer (SemVer).",
        "schema": {"type": "string", "example": API_VERSION},
    }
}


def openapi_error(description: str) -> dict[str, Any]:
    """An OpenAPI response entry: DCSA ``ErrorResponse`` in ``application/json``, API-Version."""
    return {"model": ErrorResponse, "description": description, "headers": _VERSION_HEADERS}


def openapi_success(description: str) -> dict[str, Any]:
    """An OpenAPI success entry carrying the ``API-Version`` header."""
    return {"description": description, "headers": _VERSION_HEADERS}
