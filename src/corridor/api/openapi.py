"""The OpenAPI 3.1 document, made to say what the API really answers.

FastAPI documents validation errors as its own ``HTTPValidationError`` in ``application/json``;
Corridor answers every error as an RFC 9457 problem in ``application/problem+json``. This module
rewrites each operation's error responses to the ``Problem`` schema and adds the statuses every
operation can give (bad request, rate limit, node unavailable), so a generated client, or
schemathesis, sees the truth.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from corridor.api.problems import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
COMMON_ERRORS = {
    "400": "Malformed request",
    "413": "The body is too large",
    "422": "Invalid input; `errors` names each failing field",
    "503": "The node or its database is unavailable",
}
AUTHENTICATED_ERRORS = {"401": "No valid API token", "403": "Not allowed"}
PUBLIC_ERRORS = {"429": "Too many requests from this client; see Retry-After"}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def _fix_operation(operation: dict[str, Any]) -> None:
    if operation.get("x-dcsa-error-response"):  # declares DCSA ErrorResponse itself (PINT)
        return
    responses: dict[str, Any] = operation.setdefault("responses", {})
    extra = AUTHENTICATED_ERRORS if operation.get("security") else PUBLIC_ERRORS
    for status, description in {**COMMON_ERRORS, **extra}.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        if status.startswith(("4", "5")):
            responses[status] = _problem_response(response.get("description", "Error"))


def build(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            _fix_operation(operation)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
