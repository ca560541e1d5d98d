"""DCSA TNT 2.2 subscriptions: ``/v2/event-subscriptions`` and ``.../{subscriptionID}/secret``.

``POST`` creates (201, the ``subscription`` without its secret), ``GET`` lists (with the same
cursor pagination as ``GET /v2/events``) or reads one, ``PUT`` changes the callback URL and
filters, ``DELETE`` ends it (204; pending callbacks are cancelled), ``PUT .../secret`` replaces the
shared secret (204). Bodies are checked against TNT 2.2 (``services.event_subscriptions``).

Any API token may subscribe; a party sees and changes only its own subscriptions (another's
answers 404, as a missing one does), the node operator sees all. A subscription is sent only the
events its owner may read over ``GET /v2/events`` (``services.event_readers``): a party that does
not report events subscribes to the events of a bill it may see, naming it in
``transportDocumentReference`` (400 without it, or for a bill it may not see). Callbacks are signed
with ``Notification-Signature: sha256=...`` and delivered by the app's background worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from corridor.api.auth import Caller
from corridor.api.lifespan import run_worker
from corridor.api.routes_tnt_v22 import V22_ERROR_SCHEMA
from corridor.api.tnt_errors import Tnt22Route
from corridor.api.tnt_paging import Cursors, error_responses, page_limit, page_link
from corridor.domain.tnt_event import EventRuleError
from corridor.errors import MalformedInputError
from corridor.services.access import Principal
from corridor.services.dcsa_outbox import DeliveryWorker
from corridor.services.event_subscriptions import Subscriptions
from corridor.services.node import Node

__all__ = ["install_worker", "router"]

router = APIRouter(tags=["dcsa-tnt"], route_class=Tnt22Route)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_VERSION = {"API-Version": {"description": "2.2.0", "schema": {"type": "string"}}}
_SUBSCRIPTION = {"type": "object", "required": ["callbackUrl"]}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
    "x-dcsa-error-response": True,
}
_Result = TypeVar("_Result")
SubscriptionID = Path(alias="subscriptionID", min_length=1, max_length=36)


def _answers(
    status: int,
    description: str,
    *errors: int,
    headers: dict[str, Any] = _VERSION,
    schema: dict[str, Any] | None = _SUBSCRIPTION,
) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of an operation: its success, with ``API-Version`` and its body's
    ``schema`` (None: no body), then the spec's errors: 403, ``errors`` and the shared ones."""
    success: dict[str, Any] = {"description": description, "headers": headers}
    if schema is not None:
        success["content"] = {"application/json": {"schema": schema}}
    return {status: success, **error_responses(V22_ERROR_SCHEMA, 403, *errors)}


def subscriptions_of(request: Request) -> Subscriptions:
    found: Subscriptions = request.app.state.event_subscriptions
    return found


def _viewer(caller: Principal) -> str | None:
    return None if caller.is_operator else caller.key


async def _body(request: Request) -> object:
    raw = await request.body()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise MalformedInputError(f"the body is not JSON: {error}") from None


async def _change(
    request: Request,
    caller: Principal,
    subscription_id: str,
    change: Callable[[Subscriptions, str | None, str, object], _Result],
) -> _Result:
    """Run ``change`` (a ``Subscriptions`` method) on the body for the caller, in the thread
    pool: the database is not to be waited for on the event loop."""
    body = await _body(request)
    subscriptions = subscriptions_of(request)
    return await run_in_threadpool(
        lambda: change(subscriptions, _viewer(caller), subscription_id, body)
    )


def _ok(content: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


@router.get(
    "/v2/event-subscriptions",
    operation_id="tnt22-list-subscriptions",
    summary="TNT 2.2: your subscriptions",
    responses=_answers(
        200,
        "Subscriptions, a page at a time",
        headers={**_VERSION, "Current-Page": {"schema": {"type": "string"}}},
        schema={"type": "array", "items": _SUBSCRIPTION},
    ),
    response_class=Response,
    openapi_extra={
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        ],
        "x-dcsa-error-response": True,
    },
)
def list_subscriptions(request: Request, caller: Caller) -> Response:
    """The caller's subscriptions (the operator: everyone's), in id order."""
    cursors = Cursors(subscriptions_of(request).node, "v22-subscriptions")
    params = dict(request.query_params)
    unknown = set(params) - {"limit", "cursor"}
    if unknown:
        raise EventRuleError(sorted(unknown)[0], "is not a parameter of this endpoint")
    after, limit = None, _limit(params.get("limit"))
    if "cursor" in params:
        state = cursors.decode(params["cursor"])
        after, limit = state.get("a"), int(state.get("l", DEFAULT_LIMIT))
    found = subscriptions_of(request).find(_viewer(caller), after=after, limit=limit + 1)
    response = _ok(found[:limit])
    here = {"l": limit} if after is None else {"a": after, "l": limit}
    response.headers["Current-Page"] = page_link(request, cursors.encode(here))
    if len(found) > limit:
        following = {"a": found[limit - 1]["subscriptionID"], "l": limit}
        response.headers["Next-Page"] = page_link(request, cursors.encode(following))
    if after is not None:
        response.headers["First-Page"] = page_link(request, cursors.encode({"l": limit}))
    return response


def _limit(value: str | None) -> int:
    return page_limit(value, DEFAULT_LIMIT, MAX_LIMIT)


@router.post(
    "/v2/event-subscriptions",
    status_code=201,
    operation_id="tnt22-create-subscription",
    summary="TNT 2.2: subscribe to events",
    responses=_answers(201, "Subscribed"),
    response_class=Response,
    openapi_extra=_BODY,
)
async def create_subscription(request: Request, caller: Caller) -> Response:
    """A `subscriptionBodyWithSecret`: `callbackUrl`, `secret` (base64) and filters."""
    body = await _body(request)
    view = await run_in_threadpool(lambda: subscriptions_of(request).create(caller.key, body))
    return _ok(view, 201)


@router.get(
    "/v2/event-subscriptions/{subscriptionID}",
    operation_id="tnt22-get-subscription",
    summary="TNT 2.2: one subscription",
    responses=_answers(200, "The subscription", 404),
    response_class=Response,
    openapi_extra={"x-dcsa-error-response": True},
)
def get_subscription(
    request: Request, caller: Caller, subscription_id: str = SubscriptionID
) -> Response:
    return _ok(subscriptions_of(request).get(_viewer(caller), subscription_id))


@router.put(
    "/v2/event-subscriptions/{subscriptionID}",
    operation_id="tnt22-update-subscription",
    summary="TNT 2.2: change a subscription",
    responses=_answers(200, "Changed", 404),
    response_class=Response,
    openapi_extra=_BODY,
)
async def update_subscription(
    request: Request, caller: Caller, subscription_id: str = SubscriptionID
) -> Response:
    """A `subscription` body (no `secret`): the new callback URL and filters."""
    return _ok(await _change(request, caller, subscription_id, Subscriptions.update))


@router.delete(
    "/v2/event-subscriptions/{subscriptionID}",
    status_code=204,
    operation_id="tnt22-delete-subscription",
    summary="TNT 2.2: stop a subscription",
    responses=_answers(204, "Stopped", 404, schema=None),
    response_class=Response,
    openapi_extra={"x-dcsa-error-response": True},
)
def delete_subscription(
    request: Request, caller: Caller, subscription_id: str = SubscriptionID
) -> Response:
    subscriptions_of(request).delete(_viewer(caller), subscription_id)
    return Response(status_code=204)


@router.put(
    "/v2/event-subscriptions/{subscriptionID}/secret",
    status_code=204,
    operation_id="tnt22-reset-secret",
    summary="TNT 2.2: replace a subscription's secret",
    responses=_answers(204, "Replaced", 404, schema=None),
    response_class=Response,
    openapi_extra=_BODY,
)
async def reset_secret(
    request: Request, caller: Caller, subscription_id: str = SubscriptionID
) -> Response:
    """`{"secret": "<base64>"}`: callbacks still pending are signed with the new one."""
    await _change(request, caller, subscription_id, Subscriptions.reset_secret)
    return Response(status_code=204)


def install_worker(app: FastAPI, node: Node) -> DeliveryWorker:
    """The app's callback deliverer: one ``DeliveryWorker`` thread for the app's lifetime.

    ``app.state.event_worker.autostart = False`` before startup keeps it stopped (tests then
    call ``app.state.event_subscriptions.deliver_due()`` themselves).
    """
    subscriptions = Subscriptions(node)
    worker = DeliveryWorker([subscriptions.deliver_due], interval=2.0)
    app.state.event_subscriptions = subscriptions
    app.state.event_worker = worker
    run_worker(app, worker, subscriptions.close)
    return worker
