"""Signing in and out, the landing page and each party's home.

A sign-in link (``/signin?token=cor_...``, printed by ``corridor demo`` or made with
``corridor token create PARTY --signin``) is exchanged once for a session cookie and the browser
is redirected to ``/`` at once, so the token does not stay in the address bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from corridor.domain.party import Party, Role
from corridor.errors import AuthenticationError
from corridor.services.node import Node
from corridor.storage import queries
from corridor.storage.repository import EntryRow, RegisterRow
from corridor.web import session, words
from corridor.web.forms import read_form
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
    context = home_context(session.node_of(request), who.principal.party)
    return page(request, "home.html", {"title": "Home", **context})


def _token_from(link: str) -> str:
    """The token of a pasted sign-in link, or the text itself if it is a bare token."""
    if "token=" not in link:
        return link.strip()
    values = parse_qs(urlsplit(link.strip()).query).get("token", [""])
    return values[0].strip()


def _sign_in(request: Request, token: str) -> Response:
    access = session.access_of(request)
    try:
        if not token or len(token) > 300:
            raise AuthenticationError("that is not a Corridor sign-in link")
        secret, principal = access.start_session(token)
    except AuthenticationError as refused:
        context = {"title": "Sign in", "error": f"Sign-in failed: {refused.message}."}
        return page(request, "signin.html", context, status=401)
    old = session.visitor(request)
    if old.principal is not None:
        access.end_session(old.seed)
    response = RedirectResponse("/", status_code=303)
    session.start_session(response, secret)
    session.set_flash(response, f"You are signed in as {principal.display_name}")
    return response


@router.get("/signin")
def signin(request: Request, token: str | None = None) -> Response:
    if token is not None:
        return _sign_in(request, token[:400])
    return page(request, "signin.html", {"title": "Sign in"})


@router.post("/signin")
async def signin_pasted(request: Request) -> Response:
    form = await read_form(request)
    session.check_csrf(request, form.text(session.CSRF_FIELD))
    token = _token_from(form.text("link", 1000))
    return await run_in_threadpool(_sign_in, request, token)


def _sign_out(request: Request) -> Response:
    who = session.visitor(request)
    if who.principal is not None:
        session.access_of(request).end_session(who.seed)
    response = RedirectResponse("/", status_code=303)
    session.end_session(response)
    session.set_flash(response, "Signed out.")
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    form = await read_form(request)
    session.check_csrf(request, form.text(session.CSRF_FIELD))
    return await run_in_threadpool(_sign_out, request)
