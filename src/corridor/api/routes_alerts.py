"""``/api/v1/alert-subscriptions``: overdue journey alerts delivered to subscribers' callbacks.

``POST`` subscribes (201; body ``{callbackUrl, secret, transportDocumentReference?}``), ``GET``
lists the caller's subscriptions (the operator: everyone's) or reads one, ``DELETE`` ends one
(204; its pending callbacks are cancelled). A party may follow a document it may see (another
answers 404, as on ``/api/v1/documents``) or every document it may see; the operator any or all.
Bad input is a problem detail naming the field (``errors[].pointer``, e.g. ``#/secret``).

The rules live in ``services.alert_subscriptions``; the watcher that finds overdue milestones
and queues the signed callbacks in ``services.alert_watch``. ``install_worker`` runs both in the
background while the app runs: the watcher every ``CORRIDOR_ALERT_INTERVAL_MINUTES`` (default
5), the delivery of due callbacks every 2 s.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from corridor.api.auth import AccessDep, Caller
from corridor.api.idempotency import IdempotencyKey, respond_once
from corridor.api.lifespan import run_worker
from corridor.api.problems import FieldProblem, Problem, problem_response
from corridor.api.schemas import Strict
from corridor.domain.tnt_event import EventRuleError
from corridor.services.alert_subscriptions import AlertSubscriptions
from corridor.services.alert_watch import AlertWatcher, Every, watch_interval
from corridor.services.dcsa_outbox import DeliveryWorker
from corridor.services.journeys import JourneySources
from corridor.services.node import Node

__all__ = ["install_worker", "router"]

router = APIRouter(prefix="/api/v1/alert-subscriptions", tags=["alerts"])

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (401, "No valid API token"),
        (404, "No such subscription, or a document the caller may not see"),
        (409, "The same Idempotency-Key is still being processed"),
        (422, "Invalid input; errors[].pointer names the field"),
    )
}
SubscriptionID = Annotated[
    str,
    Path(
        alias="subscriptionID",
        min_length=1,
        max_length=36,
        pattern=r"^[0-9a-f-]+$",
        description="The subscription's id (a UUID).",
    ),
]


class AlertSubscriptionIn(Strict):
    callbackUrl: str = Field(  # noqa: N815 (the API's camelCase)
        min_length=1, max_length=2000, description="Absolute http:// or https:// URL to POST to."
    )
    secret: str = Field(
        min_length=1,
        max_length=1400,
        description="Shared secret, base64 of 16 to 1024 bytes: the HMAC-SHA256 key of "
        "Notification-Signature. Never returned.",
    )
    transportDocumentReference: str | None = Field(  # noqa: N815
        default=None,
        min_length=1,
        max_length=20,
        description="Only this document's alerts; omitted: every document the caller may see.",
    )


class AlertSubscriptionOut(BaseModel):
    subscriptionID: str  # noqa: N815
    callbackUrl: str  # noqa: N815
    transportDocumentReference: str | None  # noqa: N815
    createdDateTime: datetime  # noqa: N815


def alerts_of(request: Request) -> AlertSubscriptions:
    found: AlertSubscriptions = request.app.state.alert_subscriptions
    return found


def _field_problem(request: Request, error: EventRuleError) -> Response:
    pointer = "#/" + error.field if error.field else "#/"
    return problem_response(
        422,
        "validation",
        "Invalid request",
        error.message,
        request.url.path,
        [FieldProblem(pointer=pointer, reason=error.reason)],
    )


@router.post("", status_code=201, response_model=AlertSubscriptionOut, responses=ERRORS)
def subscribe(
    request: Request,
    body: AlertSubscriptionIn,
    access: AccessDep,
    caller: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Subscribe a callback to the overdue alerts of one document, or of all the caller sees."""
    alerts = alerts_of(request)

    def produce() -> AlertSubscriptionOut:
        created = alerts.create(caller, body.model_dump(exclude_none=True))
        return AlertSubscriptionOut(**created)

    try:
        return respond_once(request, access, caller, idempotency_key, body, produce, 201)
    except EventRuleError as error:
        return _field_problem(request, error)


@router.get("", response_model=list[AlertSubscriptionOut], responses=ERRORS)
def list_subscriptions(request: Request, caller: Caller) -> list[AlertSubscriptionOut]:
    """The caller's alert subscriptions (the operator: everyone's), in id order."""
    return [AlertSubscriptionOut(**view) for view in alerts_of(request).find(caller)]


@router.get("/{subscriptionID}", response_model=AlertSubscriptionOut, responses=ERRORS)
def get_subscription(
    request: Request, caller: Caller, subscription_id: SubscriptionID
) -> AlertSubscriptionOut:
    """One of the caller's alert subscriptions."""
    return AlertSubscriptionOut(**alerts_of(request).get(caller, subscription_id))


@router.delete("/{subscriptionID}", status_code=204, responses=ERRORS)
def unsubscribe(request: Request, caller: Caller, subscription_id: SubscriptionID) -> Response:
    """End the subscription; its callbacks not yet delivered are cancelled."""
    alerts_of(request).delete(caller, subscription_id)
    return Response(status_code=204)


def install_worker(app: FastAPI, node: Node) -> DeliveryWorker:
    """Run the watcher and the alert callbacks' delivery on one background thread.

    ``app.state.alert_worker.autostart = False`` before startup keeps it stopped (tests then
    call ``app.state.alert_watcher.check()`` and ``app.state.alert_subscriptions.deliver_due()``).
    The journeys' sources are ``app.state.journey_sources`` at each run. A bad
    ``CORRIDOR_ALERT_INTERVAL_MINUTES`` refuses to build the app (``NodeError``).
    """
    alerts = AlertSubscriptions(node)

    def sources() -> JourneySources:
        found: JourneySources = app.state.journey_sources
        return found

    watcher = AlertWatcher(node, sources)
    watch = Every(watch_interval(os.environ), watcher.watch)
    worker = DeliveryWorker([watch, alerts.deliver_due], interval=2.0)
    app.state.alert_subscriptions = alerts
    app.state.alert_watcher = watcher
    app.state.alert_worker = worker
    run_worker(app, worker, alerts.close)
    return worker
