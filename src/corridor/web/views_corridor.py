"""The corridor page (``/corridor``): how the Chongqing - Qinzhou - Singapore corridor performs.

Charts (inline SVG, ``web.charts``) and a table of the same figures over the stored journeys
(``services.journeys.corridor_summary`` over ``JourneySources.history``): transit time per leg
(median, 10th-90th percentile, extremes), the on-time share per leg, and the dwell at Qinzhou.
With no finished leg stored the page says what to do instead of drawing empty charts. Below, the
documents the party may see, each with where its cargo is, its ETA and any overdue alert.

Who may see it: any signed-in party. The figures are aggregates over the node's journeys (no
reference, party or cargo is named in them), the same for everyone; the list of documents is
limited to those the party may see (``storage.queries``: the register's visibility rule), so
nothing a party could not open elsewhere is shown. Visitors who are not signed in are asked to
sign in (401), as on the document page.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError

from corridor.api.auth import node_of
from corridor.domain.legs import KNOWN_PLACES
from corridor.domain.party import Party
from corridor.errors import CorridorError
from corridor.services.journeys import (
    CorridorSummary,
    History,
    JourneySources,
    corridor_summary,
    document_journey,
    learn_history,
)
from corridor.services.node import Node
from corridor.storage import queries
from corridor.web import session
from corridor.web.charts import (
    duration_text,
    dwell_histogram,
    leg_name,
    on_time_chart,
    transit_chart,
)
from corridor.web.corridor_map import where_is
from corridor.web.journey_view import delay_text, sources_of, stamp
from corridor.web.templating import page

router = APIRouter(include_in_schema=False)
log = logging.getLogger("corridor.web")
PORT = "CNQZH"
LIST_LIMIT = 50


@dataclass(frozen=True)
class LegFigures:
    leg: str
    trips: int
    median: str
    p10: str
    p90: str
    fastest: str
    slowest: str
    on_time: str


@dataclass(frozen=True)
class DocumentJourneyLine:
    reference: str
    where: str
    eta: str
    eta_delay: str
    alert: str


def _figures(summary: CorridorSummary) -> list[LegFigures]:
    rows = []
    for key, s in sorted(summary.transit.items(), key=lambda item: item[1].median):
        share = summary.on_time.get(key)
        rows.append(
            LegFigures(
                leg=leg_name(key),
                trips=s.count,
                median=duration_text(s.median),
                p10=duration_text(s.p10),
                p90=duration_text(s.p90),
                fastest=duration_text(s.minimum),
                slowest=duration_text(s.maximum),
                on_time="—" if share is None else f"{round(share.share * 100)} %",
            )
        )
    return rows


def _line(
    node: Node, reference: str, sources: JourneySources, history: History, now: dt.datetime
) -> DocumentJourneyLine:
    try:
        view = document_journey(node, reference, sources, now, history)
    except CorridorError as failure:
        return DocumentJourneyLine(reference, f"Cannot be shown: {failure.message}", "", "", "")
    complete = view.journey.is_complete
    return DocumentJourneyLine(
        reference=reference,
        where=where_is(view)[2],
        eta=("Arrived " if complete else "") + stamp(view.eta.arrival).text,
        eta_delay=delay_text(view.eta.delay, expected=not complete),
        alert=view.alerts[0].message if view.alerts else "",
    )


def _documents(
    node: Node, me: Party, sources: JourneySources, history: History, now: dt.datetime
) -> list[DocumentJourneyLine]:
    with node.engine.connect() as conn:
        rows = queries.list_documents(conn, queries.DocumentFilter(me.party_id, limit=LIST_LIMIT))
    return [_line(node, row.record.document_reference, sources, history, now) for row in rows]


def corridor_context(node: Node, me: Party, sources: JourneySources) -> dict[str, Any]:
    """The page's values: the summary, its charts and table, and ``me``'s documents."""
    now = node.clock()
    try:
        history = learn_history(sources, now)
        documents = _documents(node, me, sources, history, now)
    except SQLAlchemyError as failure:
        log.error("corridor page: tracking events unavailable: %s", failure)
        return {"problem": "Tracking events are unavailable right now; try again later."}
    summary = corridor_summary(history.journeys, now, PORT)
    port_name = KNOWN_PLACES.get(PORT, PORT)
    return {
        "problem": None,
        "summary": summary,
        "port_name": port_name,
        "transit_chart": transit_chart(summary.transit) if summary.transit else None,
        "on_time_chart": on_time_chart(summary.on_time) if summary.on_time else None,
        "dwell_chart": (
            dwell_histogram(summary.dwell, port_name) if summary.dwell.summary else None
        ),
        "figures": _figures(summary),
        "dwell": summary.dwell.summary,
        "dwell_text": duration_text,
        "documents": documents,
        "as_of": stamp(now),
    }


@router.get("/corridor")
def corridor(request: Request) -> Response:
    who = session.visitor(request)
    me = None if who.principal is None else who.principal.party
    if me is None:
        context = {"title": "Sign in", "error": "Sign in to see the corridor's journeys."}
        return page(request, "signin.html", context, status=401)
    values = corridor_context(node_of(request), me, sources_of(request))
    return page(request, "corridor.html", {"title": "The corridor", **values})
