"""The landing page and each party's home (counts and lists of the documents it may see)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from corridor.api.auth import node_of
from corridor.domain.party import Party, Role
from corridor.services.node import Node
from corridor.storage import queries
from corridor.storage.repository import EntryRow, RegisterRow
from corridor.web import session, words
from corridor.web.templating import page

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 50


@dataclass(frozen=True)
class DocumentLine:
    reference: str
    status: str
    holder: str
    endorsement: str


@dataclass(frozen=True)
class ActivityLine:
    reference: str
    action: str
    actor: str
    recipient: str
    at: str


def party_names(node: Node) -> dict[str, str]:
    return {party.party_id: party.name for party in node.parties()}


def document_line(row: RegisterRow, names: dict[str, str]) -> DocumentLine:
    record = row.record
    return DocumentLine(
        reference=record.document_reference,
        status=words.status(record.status),
        holder=names.get(record.possessor, record.possessor),
        endorsement=words.endorsement(record, names),
    )


def _activity(entry: EntryRow, names: dict[str, str]) -> ActivityLine:
    return ActivityLine(
        reference=entry.document_reference,
        action=words.done(entry.action_code),
        actor=names.get(entry.actor, entry.actor),
        recipient="" if entry.recipient is None else names.get(entry.recipient, entry.recipient),
        at=entry.created_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


def _section(
    node: Node, names: dict[str, str], key: str, heading: str, where: queries.DocumentFilter
) -> dict[str, Any]:
    with node.engine.connect() as conn:
        count = queries.count_documents(conn, where)
        rows = queries.list_documents(conn, where)
    lines = [document_line(row, names) for row in rows]
    return {"key": key, "heading": heading, "count": count, "lines": lines}


def home_context(node: Node, party: Party) -> dict[str, Any]:
    """Counts and lists for ``party``'s home page."""
    me = party.party_id
    names = party_names(node)
    sections = [
        _section(node, names, "hold", "Documents I hold", queries.DocumentFilter(me, possessor=me)),
    ]
    if Role.BANK in party.roles:
        # The core has no separate pledge action yet: a bank's pledges are the bills it holds.
        sections.append(
            _section(
                node, names, "pledge", "Held as pledge", queries.DocumentFilter(me, possessor=me)
            )
        )
    if Role.CARRIER in party.roles:
        sections.append(
            _section(
                node, names, "issued", "Documents I issued", queries.DocumentFilter(me, carrier=me)
            )
        )
        awaiting = queries.DocumentFilter(me, pending_for=me)
        sections.append(_section(node, names, "awaiting", "Awaiting my answer", awaiting))
    everything = queries.DocumentFilter(me)
    visible = _section(node, names, "visible", "All documents I can see", everything)
    with node.engine.connect() as conn:
        recent = [_activity(e, names) for e in queries.recent_entries(conn, me, 10)]
    roles = ", ".join(sorted(str(r) for r in party.roles))
    return {"sections": [*sections, visible], "recent": recent, "roles": roles}


@router.get("/")
def home(request: Request) -> Response:
    who = session.visitor(request)
    if who.principal is None or who.principal.party is None:
        return page(request, "landing.html", {"title": "Corridor"})
    context = home_context(node_of(request), who.principal.party)
    return page(request, "home.html", {"title": "Home", **context})
