"""What the DCSA EBL_ISS / EBL_SUR 3.0.3 routes share: errors, ``API-Version``, the worker.

* ``Dcsa303Route`` answers every error as DCSA ``ErrorResponse`` (``dcsa_errors``) and sets
  ``API-Version: 3.0.3``, the version of these two specs (PINT's routes say 3.0.0).
* ``read_json`` hands a service the raw body bytes, so the body is parsed once, strictly, by the
  service; ``bad_request`` turns a schema violation into 400 naming the property and its path.
* ``install_worker`` creates the ``DeliveryWorker`` of the app's node (processing received
  issuance requests, delivering queued calls) and runs it for the lifetime of the app; it also
  registers the surrender hook, so every surrender to a carrier with a carrier system queues
  its EBL_SUR request.
  ``app.state.dcsa_worker.autostart = False`` before startup keeps it stopped (tests drive it).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from corridor.api import dcsa_errors
from corridor.api.dcsa_errors import API_VERSION_HEADER, detailed_error, error_response
from corridor.api.lifespan import run_worker
from corridor.api.problems import PROBLEM_JSON
from corridor.errors import DocumentRuleError, MalformedInputError
from corridor.services.dcsa_issuance import IssuanceRequests
from corridor.services.dcsa_outbox import DeliveryWorker, Outbox
from corridor.services.dcsa_surrender import Surrenders, surrender_hook
from corridor.services.node import Node

__all__ = ["API_VERSION_303", "Dcsa303Route", "call_service", "install_worker", "responses"]

API_VERSION_303 = "3.0.3"


class Dcsa303Route(dcsa_errors.DcsaErrorRoute):
    """A ``DcsaErrorRoute`` whose answers carry ``API-Version: 3.0.3``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            response = await handler(request)
            response.headers[API_VERSION_HEADER] = API_VERSION_303
            return response

        return answer


def bad_request(request: Request, error: DocumentRuleError | MalformedInputError) -> Response:
    """400 ``ErrorResponse``: the body is not JSON, or breaks the spec's schema at a property."""
    if isinstance(error, MalformedInputError):
        item = detailed_error("malformedRequest", error.message)
    else:
        path = [part for part in error.location.split("/") if part]
        json_path = "$" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in path)
        named = [p for p in path if not p.isdigit()]
        item = detailed_error(
            "invalidData",
            f"{json_path}: {error.reason}",
            property=named[-1] if named else None,
            json_path=json_path,
        )
    return error_response(request, 400, [item])


async def call_service(request: Request, service: Callable[[bytes], object]) -> Response:
    """Run ``service`` on the body in the thread pool; 204, or 400 for a malformed body.

    Other refusals propagate to the route class, which maps them as the rest of the API does
    (404 not found, 409 conflict, 422 verification failed, 503 node unavailable).
    """
    body = await request.body()
    try:
        await run_in_threadpool(service, body)
    except (DocumentRuleError, MalformedInputError) as error:
        return bad_request(request, error)
    worker: DeliveryWorker | None = getattr(request.app.state, "dcsa_worker", None)
    if worker is not None:
        worker.wake()
    return Response(status_code=204)


def responses(**extra: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of a DCSA 3.0.3 callback-style operation."""
    declared: dict[int | str, dict[str, Any]] = {
        204: dcsa_errors.openapi_success("Accepted; the answer follows asynchronously"),
        400: dcsa_errors.openapi_error("Not JSON, or a field breaks the spec's schema"),
        413: {
            "description": "The body is too large",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
        422: dcsa_errors.openapi_error("Refused: a signature or checksum does not verify"),
        429: dcsa_errors.openapi_error("Too many requests from this client; see Retry-After"),
        500: dcsa_errors.openapi_error("The node failed unexpectedly"),
        503: dcsa_errors.openapi_error("The node or its database is unavailable"),
    }
    for status, description in extra.items():
        declared[int(status.removeprefix("s"))] = dcsa_errors.openapi_error(description)
    return declared


REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
    "x-dcsa-error-response": True,
}


def install_worker(app: FastAPI, node: Node) -> DeliveryWorker:
    """The app's DCSA background worker, started and stopped with the app (module doc)."""
    outbox = Outbox(node)
    issuance = IssuanceRequests(node, outbox)
    worker = DeliveryWorker([issuance.process_pending, outbox.deliver_due])
    app.state.dcsa_worker = worker
    app.state.dcsa_outbox = outbox
    node.on_surrender = surrender_hook(Surrenders(node, outbox), worker.wake)
    run_worker(app, worker, outbox.close)
    return worker
