"""DCSA TNT 2.2 producer: ``GET /v2/events`` and ``GET /v2/events/{eventID}`` (``TNT_v2.2.0.yaml``).

Events are stored in their TNT 3.0.0 form and rendered the 2.2 way on the way out
(``v22_out.to_v22``): retracted events, IOT and REEFER events and the few others 2.2 cannot
express are not served here (they are on ``GET /events``).

Filters are the spec's (``v22_filters``): ``eventType``, the three ``...EventTypeCode`` lists,
``documentTypeCode``, ``carrierBookingReference``, ``transportDocumentReference``,
``transportCallID``, ``vesselIMONumber``, ``exportVoyageNumber``, ``carrierServiceCode``,
``UNLocationCode``, ``equipmentReference`` and ``eventCreatedDateTime`` with ``:gte``, ``:gt``,
``:lte``, ``:lt`` or ``:eq``; ``limit`` (default 100, at most ``MAX_LIMIT``). An unknown parameter
is refused with 400.

Order (``sort``, "field names ... suffixed by :ASC or :DESC"): without ``sort``, events come in
the order this node stored them (``seq``; the order in which to poll for new events: a later
page only ever gains events). ``sort=eventCreatedDateTime`` (``:ASC`` or ``:DESC``) orders by
``eventCreatedDateTime`` (the stored ``eventUpdatedDateTime``), ties in stored order, through
that column's index. Any other field or a list of fields is refused with 400 naming the values
supported: ``eventDateTime`` and the references have no index to page in (each page would sort
all matching events), and the store keeps no creation order of its own besides ``seq``. An event
updated while a consumer pages by ``eventCreatedDateTime`` moves to its new place in the order.

Pagination (``tnt_paging``, ``services.event_pages``): pages are keyset pages in the chosen order;
events 2.2 cannot express are left out by the query, and the one kind it cannot tell (an
EQUIPMENT event without ``emptyIndicator``) is skipped while reading on, up to a bound on the
rows a request reads (``event_pages.SCAN_BUDGET``). A page is full (``limit`` events) unless it
is the last or that bound was reached: then it is short, maybe empty, and its ``Next-Page`` (or
``Prev-Page``) reads on from the last row read, as TNT 2.2 allows. ``Current-Page`` always;
``Next-Page`` unless this is the last page, ``Prev-Page`` and ``First-Page`` unless it is the
first, ``Last-Page`` unless it is the last. Each is a link to this path with ``cursor`` alone
(it holds the filters, ``sort``, ``limit`` and the position); a request with ``cursor`` takes no
other parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from corridor.api.auth import Caller, node_of, principal
from corridor.api.tnt_errors import Tnt22Route
from corridor.api.tnt_paging import Cursors, error_responses, page_limit, page_link
from corridor.api.tnt_readers import check_reader, may_read_event
from corridor.domain.tnt_event import EventRuleError
from corridor.domain.tnt_query import EventFilter
from corridor.errors import NotFoundError
from corridor.interop.dcsa.tnt.v22_filters import (
    V22_FILTER_NAMES,
    created_filter,
    filter_from_v22,
)
from corridor.interop.dcsa.tnt.v22_out import to_v22
from corridor.services.event_pages import EventPages, Page, PageOrder, Position
from corridor.services.events import EventStore

__all__ = ["MAX_LIMIT", "V22_ERROR_SCHEMA", "router"]

router = APIRouter(tags=["dcsa-tnt"], route_class=Tnt22Route)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_CREATED = re.compile(r"eventCreatedDateTime(:(gte|gt|lte|lt|eq))?")
_OFFSET_SPACE = re.compile(r" (\d{2}:\d{2})$")
_SORTABLE = "eventCreatedDateTime"
_DIRECTIONS = {"ASC": False, "DESC": True}

V22_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "httpMethod",
        "requestUri",
        "errors",
        "statusCode",
        "statusCodeText",
        "errorDateTime",
    ],
    "properties": {
        "httpMethod": {"type": "string"},
        "requestUri": {"type": "string"},
        "statusCode": {"type": "integer"},
        "statusCodeText": {"type": "string"},
        "errorDateTime": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["reason", "message"],
                "properties": {"reason": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
_PAGE_HEADERS = {
    name: {"description": text, "schema": {"type": "string"}}
    for name, text in (
        ("Current-Page", "A link to this page (always sent)."),
        ("Next-Page", "A link to the next page; absent on the last page."),
        ("Prev-Page", "A link to the previous page; absent on the first page."),
        ("First-Page", "A link to the first page; absent on the first page."),
        ("Last-Page", "A link to the last page; absent on the last page."),
        ("API-Version", "2.2.0"),
    )
}
_LIST_TEXT = "One or more values separated by commas (OR)."


def _parameter(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


PARAMETERS = [
    _parameter("eventType", f"SHIPMENT, TRANSPORT, EQUIPMENT. {_LIST_TEXT}"),
    _parameter("shipmentEventTypeCode", f"RECE, DRFT, ... (TNT 2.2). {_LIST_TEXT}"),
    _parameter("documentTypeCode", f"CBR, BKG, SHI, SRM, TRD, ... {_LIST_TEXT}"),
    _parameter("transportEventTypeCode", f"ARRI, DEPA. {_LIST_TEXT}"),
    _parameter("equipmentEventTypeCode", f"LOAD, DISC, GTIN, ... {_LIST_TEXT}"),
    _parameter("carrierBookingReference", "Events about this booking.", maxLength=35),
    _parameter("transportDocumentReference", "Events about this document.", maxLength=20),
    _parameter("transportCallID", "Events of this transport call.", maxLength=100),
    _parameter("vesselIMONumber", "Events of this vessel.", maxLength=7),
    _parameter("exportVoyageNumber", "Events of this export voyage.", maxLength=50),
    _parameter("carrierServiceCode", "Events of this service.", maxLength=5),
    _parameter("UNLocationCode", "Events at this UN/LOCODE.", maxLength=5),
    _parameter("equipmentReference", "Events of this container.", maxLength=15),
    *(
        _parameter(f"eventCreatedDateTime{suffix}", f"Created {text} this RFC 3339 date-time.")
        for suffix, text in (
            ("", "exactly at"),
            (":gte", "at or after"),
            (":gt", "after"),
            (":lte", "at or before"),
            (":lt", "before"),
            (":eq", "exactly at"),
        )
    ),
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": f"Events per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
    _parameter(
        "sort",
        "eventCreatedDateTime, eventCreatedDateTime:ASC or eventCreatedDateTime:DESC (no other "
        "field). Without it, events come in the order this node stored them.",
    ),
    _parameter("cursor", "A page link's cursor; send it alone."),
]


def _limit(value: str | None) -> int:
    return page_limit(value, DEFAULT_LIMIT, MAX_LIMIT)


def _single_params(request: Request) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in params:
            raise EventRuleError(name, "is given twice; give it once, values separated by commas")
        params[name] = value
    return params


def _event_filter(params: Mapping[str, str]) -> EventFilter:
    """The filter of a query's parameters (cursor and limit aside); 400 for an unknown one."""
    filters: dict[str, str] = {}
    created = []
    for name, value in params.items():
        if name in ("cursor", "limit", "sort"):
            continue
        if _CREATED.fullmatch(name):
            created.append(created_filter(name, _OFFSET_SPACE.sub(r"+\1", value)))
        elif name in V22_FILTER_NAMES:
            filters[name] = value
        else:
            raise EventRuleError(name, "is not a TNT 2.2 filter of this node (see the API guide)")
    return filter_from_v22(filters, created)


def _order(value: str | None) -> PageOrder:
    """The ``sort`` parameter as the store's order (module docstring)."""
    if value is None:
        return PageOrder()
    field, colon, direction = value.partition(":")
    if field != _SORTABLE or (colon and direction.upper() not in _DIRECTIONS):
        raise EventRuleError(
            "sort",
            f"{value!r} is not supported: sort by {_SORTABLE}, {_SORTABLE}:ASC or {_SORTABLE}:DESC"
            ", or leave sort out for the order this node stored the events in",
        )
    return PageOrder(by_updated=True, descending=bool(colon) and _DIRECTIONS[direction.upper()])


def _position(state: Mapping[str, Any], order: PageOrder) -> tuple[bool, Position]:
    """(forward, position) of a page's state: ``{"a": [...]}`` the page after a position (``[]``
    the first page), ``{"b": [...]}`` the page before one, ``{"last": true}`` the last page."""
    if state.get("last") is True:
        return False, ()
    for key, forward in (("a", True), ("b", False)):
        value = state.get(key)
        if (
            isinstance(value, list)
            and len(value) in (0, order.width)
            and all(type(item) is int for item in value)
        ):
            return forward, tuple(value)
    raise EventRuleError("cursor", "is not a cursor of GET /v2/events; start again without it")


def _links(state: dict[str, Any], page: Page) -> dict[str, dict[str, Any]]:
    links: dict[str, dict[str, Any]] = {"Current-Page": state}
    if page.later:
        links["Next-Page"] = {"a": list(page.after_last)}
        links["Last-Page"] = {"last": True}
    if page.earlier:
        links["Prev-Page"] = {"b": list(page.before_first)}
        links["First-Page"] = {"a": []}
    return links


def _query(request: Request, cursors: Cursors) -> tuple[dict[str, str], int, dict[str, Any]]:
    """(filter parameters, limit, position) of the request or of its cursor."""
    params = _single_params(request)
    if "cursor" not in params:
        return params, _limit(params.get("limit")), {"a": []}
    if len(params) > 1:
        raise EventRuleError("cursor", "holds the filters and the limit; send it alone")
    state = cursors.decode(params["cursor"])
    filters, limit = state.pop("f", None), state.pop("l", None)
    if not isinstance(filters, dict) or not isinstance(limit, int):
        raise EventRuleError("cursor", "is not a cursor of GET /v2/events")
    return filters, limit, state


@router.get(
    "/v2/events",
    operation_id="tnt22-get-events",
    summary="TNT 2.2: find events",
    responses={
        200: {
            "description": "The events (TNT 2.2), a page at a time",
            "headers": _PAGE_HEADERS,
            "content": {"application/json": {"schema": {"type": "array", "items": {}}}},
        },
        **error_responses(V22_ERROR_SCHEMA, 403),
    },
    response_class=Response,
    dependencies=[Depends(principal)],
    openapi_extra={"parameters": PARAMETERS, "x-dcsa-error-response": True},
)
def get_events(request: Request, caller: Caller) -> Response:
    """DCSA TNT 2.2 events matching the filters, with cursor pagination (module docstring)."""
    node = node_of(request)
    cursors = Cursors(node, "v22-events")
    params, limit, state = _query(request, cursors)
    check_reader(node, caller, params.get("transportDocumentReference"))
    where, order = _event_filter(params), _order(params.get("sort"))
    forward, position = _position(state, order)
    pages = EventPages(node, where, order, to_v22, v22=True)
    page = pages.after(position, limit) if forward else pages.before(position, limit)
    response = Response(orjson.dumps(page.events), media_type="application/json")
    for header, link in _links(state, page).items():
        response.headers[header] = page_link(
            request, cursors.encode({**link, "f": params, "l": limit})
        )
    return response


@router.get(
    "/v2/events/{eventID}",
    operation_id="tnt22-get-event",
    summary="TNT 2.2: one event by its eventID",
    responses={
        200: {
            "description": "The event (TNT 2.2)",
            "headers": {"API-Version": _PAGE_HEADERS["API-Version"]},
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **error_responses(V22_ERROR_SCHEMA, 403, 404),
    },
    response_class=Response,
    dependencies=[Depends(principal)],
    openapi_extra={"x-dcsa-error-response": True},
)
def get_event(
    request: Request,
    caller: Caller,
    event_id: str = Path(alias="eventID", min_length=1, max_length=500),
) -> Response:
    """The event with this ``eventID`` (if several producers used it: the latest stored)."""
    node = node_of(request)
    for stored in reversed(EventStore(node).by_id(event_id)):
        event = orjson.loads(stored.event_json)
        rendered = to_v22(event)
        if rendered is not None and may_read_event(node, caller, event):
            return Response(orjson.dumps(rendered), media_type="application/json")
    raise NotFoundError(f"no TNT 2.2 event {event_id!r} on this node")
