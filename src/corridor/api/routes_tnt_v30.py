"""DCSA TNT 3.0: ``GET /events`` (this node as Event Producer), ``POST /events`` (as Consumer).

``GET /events`` (``TNT_v3.0.0.yaml``): the required base filters ``carrierBookingReference``,
``transportDocumentReference``, ``equipmentReference`` (alone or combined), ``eventTypes``
(comma-separated) and ``eventUpdatedDateTimeMin``/``Max``; no filter lists every event. Answer:
``{"events": [...]}`` in TNT 3.0.0 words; retraction markers are included (``isRetracted``), so a
consumer learns that an event it holds must be discarded. No default time window. Pagination: at
most ``limit`` events (default ``DEFAULT_LIMIT``; this producer's own maximum is ``MAX_LIMIT``),
and ``Next-Page-Cursor`` while more follow. The consumer sends the cursor with its original
query parameters; a cursor with other parameters is refused (400). Unknown parameters: 400.

``POST /events`` (``PostEventsRequest``): the batch is ingested like an import
(``services.events``). Each event that breaks the spec is refused with a ``FeedbackElement``
(``ERROR``, its ``propertyPath`` such as ``$.events[2].eventClassification.eventType``); the
others are stored. The answer is 200 ``PostEventsResponse`` with an ``INFO`` summary and the
refusals, or 400 ``PostEventsError`` when no event could be taken. Pushing events needs the
operator's token or a party with a reporting role (``tnt_errors.Reporter``). A party pushes only
its own events (``interop.dcsa.tnt.producer``): an event without originating parties is recorded
as the caller's, one naming another originating party is refused with the party's
``propertyPath`` (``$.events[3].eventRouting.originatingParties[0]``). The operator may push any
producer's events.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from corridor.api.auth import Caller, node_of, principal
from corridor.api.tnt_errors import Reporter, Tnt30Route, feedback, json_path
from corridor.api.tnt_paging import Cursors, error_responses, page_limit
from corridor.api.tnt_readers import check_reader
from corridor.domain.title_events import TITLE_EVENT_PREFIX
from corridor.domain.tnt_event import EventRuleError, parse_date_time
from corridor.domain.tnt_query import EventFilter
from corridor.domain.tnt_vocabulary import EVENT_TYPES
from corridor.errors import MalformedInputError
from corridor.interop.dcsa.tnt.producer import ReporterBinding
from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord
from corridor.services.access import Principal
from corridor.services.dcsa_outbox import DeliveryWorker
from corridor.services.events import EventStore, IngestSummary

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "router"]

router = APIRouter(tags=["dcsa-tnt"], route_class=Tnt30Route)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_FEEDBACK = 100
_PARAMETERS = (
    "carrierBookingReference",
    "transportDocumentReference",
    "equipmentReference",
    "eventTypes",
    "eventUpdatedDateTimeMin",
    "eventUpdatedDateTimeMax",
)
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "feedbackElements": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "severity": {"type": "string"},
                    "message": {"type": "string"},
                    "propertyPath": {"type": "string"},
                },
            },
        }
    },
}
_VERSION = {"API-Version": {"description": "3.0.0", "schema": {"type": "string"}}}


def _text(name: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}


_OPENAPI_PARAMETERS = [
    *(_text(name) for name in _PARAMETERS),
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
    _text("cursor"),
]


def _filter(params: dict[str, str]) -> EventFilter:
    documents = []
    if "carrierBookingReference" in params:
        documents.append(("BOOKING", params["carrierBookingReference"]))
    if "transportDocumentReference" in params:
        documents.append(("TRANSPORT_DOCUMENT", params["transportDocumentReference"]))
    types: tuple[str, ...] = ()
    if "eventTypes" in params:
        types = tuple(part.strip() for part in params["eventTypes"].split(","))
        for kind in types:
            if kind not in EVENT_TYPES:
                raise EventRuleError(
                    "eventTypes", f"{kind!r} is not one of {', '.join(EVENT_TYPES)}"
                )
    updated = []
    for name, op in (("eventUpdatedDateTimeMin", "gte"), ("eventUpdatedDateTimeMax", "lte")):
        if name in params:
            updated.append((op, parse_date_time(params[name].replace(" ", "+"), name)))
    return EventFilter(
        event_types=types,
        documents=tuple(documents),
        equipment_reference=params.get("equipmentReference"),
        updated=tuple(updated),
        include_retracted=True,
    )


def _params(request: Request) -> tuple[dict[str, str], int, str | None]:
    params: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in (*_PARAMETERS, "limit", "cursor"):
            raise EventRuleError(name, "is not a query parameter of GET /events")
        if name in params:
            raise EventRuleError(name, "is given twice")
        params[name] = value
    limit = page_limit(params.pop("limit", None), DEFAULT_LIMIT, MAX_LIMIT)
    return params, limit, params.pop("cursor", None)


@router.get(
    "/events",
    operation_id="tnt30-get-events",
    summary="TNT 3.0: retrieve events (this node as Event Producer)",
    responses={
        200: {
            "description": "GetEventsResponse",
            "headers": {
                **_VERSION,
                "Next-Page-Cursor": {
                    "description": "Send as cursor for the next page.",
                    "schema": {"type": "string"},
                },
            },
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"events": {"type": "array"}}}
                }
            },
        },
        **error_responses(_ERROR_SCHEMA, 403),
    },
    response_class=Response,
    dependencies=[Depends(principal)],
    openapi_extra={"parameters": _OPENAPI_PARAMETERS, "x-dcsa-error-response": True},
)
def get_events(request: Request, caller: Caller) -> Response:
    """Events matching the filters, in TNT 3.0.0 words (module docstring)."""
    node = node_of(request)
    cursors = Cursors(node, "v30-events")
    params, limit, cursor = _params(request)
    check_reader(node, caller, params.get("transportDocumentReference"))
    where = _filter(params)
    fingerprint = orjson.dumps(params, option=orjson.OPT_SORT_KEYS).decode()
    after = 0
    if cursor is not None:
        state = cursors.decode(cursor)
        if state.get("q") != fingerprint or not isinstance(state.get("a"), int):
            raise EventRuleError(
                "cursor", "belongs to another query; repeat the original parameters"
            )
        after = state["a"]
    rows = EventStore(node).page(where, limit=limit + 1, after=after)
    events = [orjson.loads(row.event_json) for row in rows[:limit]]
    response = Response(orjson.dumps({"events": events}), media_type="application/json")
    if len(rows) > limit:
        response.headers["Next-Page-Cursor"] = cursors.encode(
            {"a": rows[limit - 1].seq, "q": fingerprint}
        )
    return response


@router.post(
    "/events",
    operation_id="tnt30-post-events",
    summary="TNT 3.0: send events (this node as Event Consumer)",
    responses={
        200: {
            "description": "PostEventsResponse: how each event was processed",
            "headers": _VERSION,
            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
        },
        **error_responses(_ERROR_SCHEMA, 403),
    },
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "x-dcsa-error-response": True,
    },
)
async def post_events(request: Request, caller: Reporter) -> Response:
    """A `PostEventsRequest` (`{"events": [...]}`): each good event of the caller is stored."""
    events = _events_of(await request.body())
    _not_the_nodes_own(events)
    store = EventStore(node_of(request))
    summary = await run_in_threadpool(lambda: store.ingest(_records(events, caller)))
    worker: DeliveryWorker | None = getattr(request.app.state, "event_worker", None)
    if worker is not None and summary.stored + summary.updated:
        worker.wake()
    elements = _feedback(summary)
    if events and len(summary.rejected) == len(events):
        return Response(
            orjson.dumps({"feedbackElements": elements}),
            status_code=400,
            media_type="application/json",
        )
    return Response(orjson.dumps({"feedbackElements": elements}), media_type="application/json")


def _not_the_nodes_own(events: list[object]) -> None:
    """The node's title events (``TITLE_EVENT_PREFIX``) come from its signed log only: no one
    may report, correct or retract one over the API."""
    for index, event in enumerate(events):
        event_id = event.get("eventID") if isinstance(event, dict) else None
        if isinstance(event_id, str) and event_id.startswith(TITLE_EVENT_PREFIX):
            raise EventRuleError(
                f"events[{index}].eventID",
                f"ids starting {TITLE_EVENT_PREFIX!r} are this node's title events, written "
                "from its signed log; report under your own ids",
            )


def _records(events: list[object], caller: Principal) -> list[ParsedRecord]:
    """The batch as records to ingest, each ``events[i]``: a party's events bound to it (module
    docstring), an event naming another producer refused at its originating party."""
    if caller.party is None:  # the operator loads any producer's events
        return [ParsedEvent(f"events[{i}]", e) for i, e in enumerate(events)]  # type: ignore[arg-type]
    binding = ReporterBinding(caller.party)
    records: list[ParsedRecord] = []
    for index, event in enumerate(events):
        where = f"events[{index}]"
        try:
            bound = binding.bind(event)
        except EventRuleError as refused:
            place = f"{where}.{refused.field}" if refused.field else where
            records.append(RejectedRecord(place, refused.reason))
            continue
        records.append(ParsedEvent(where, bound))  # type: ignore[arg-type]
    return records


def _events_of(raw: bytes) -> list[object]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise MalformedInputError(f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise EventRuleError("", 'the body must be a PostEventsRequest object: {"events": [...]}')
    events = body.get("events", [])
    if not isinstance(events, list):
        raise EventRuleError("events", "must be an array of events")
    return events


def _feedback(summary: IngestSummary) -> list[dict[str, str]]:
    counts = ", ".join(f"{name} {count}" for name, count in summary.as_dict().items())
    elements = [feedback("INFO", f"events processed: {counts}")]
    for rejection in summary.rejected[:MAX_FEEDBACK]:
        path = json_path(
            f"{rejection.where}.{rejection.field}" if rejection.field else rejection.where
        )
        elements.append(feedback("ERROR", rejection.reason, path))
    if len(summary.rejected) > MAX_FEEDBACK:
        more = len(summary.rejected) - MAX_FEEDBACK
        elements.append(feedback("WARN", f"{more} more events were refused; fix the ones above"))
    return elements
