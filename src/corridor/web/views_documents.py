"""The document page: the bill of lading, its holder and endorsement, the signed history, and
the actions the signed-in party may take now (exactly ``domain.title.available_actions``).

A party that may not see a document (``storage.queries.may_see``) gets the same 404 page as for
a document that does not exist. An action the register refuses is shown on the page, and the
record is unchanged (the title rules decide, not this page).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from corridor.api import problems
from corridor.api.auth import node_of
from corridor.crypto.canonical import parse_json
from corridor.domain.party import Party
from corridor.domain.title import (
    ACTIONS_WITH_RECIPIENT,
    ActionCode,
    TitleRecord,
    available_actions,
    fixed_recipient,
)
from corridor.errors import CorridorError, InputError, NotFoundError
from corridor.services.bundle import build_bundle
from corridor.services.journeys import JourneySources
from corridor.services.node import Node
from corridor.services.pint_transfers import transfers_of
from corridor.storage import queries
from corridor.web import session, words
from corridor.web.forms import read_form
from corridor.web.journey_view import journey_section, sources_of
from corridor.web.render import bill_of_lading
from corridor.web.templating import document_path, page
from corridor.web.timeline import timeline
from corridor.web.views_home import party_names

router = APIRouter(include_in_schema=False)
REFERENCE = re.compile(r"\S(?:.*\S)?")
"""DCSA's ``transportDocumentReference`` pattern (``^\\S(?:.*\\S)?$``), at most 20 characters."""
MAX_REFERENCE = 20
PREFIX = "/documents/"
SUFFIXES = frozenset({"actions", "bundle.json"})


@dataclass(frozen=True)
class ActionForm:
    """One action the party may take, as a form on the page."""

    code: str
    button: str
    hint: str
    select_label: str
    fixed_to: str
    choices: list[tuple[str, str]]
    preselected: str


def _action_forms(record: TitleRecord, me: str, parties: list[Party]) -> list[ActionForm]:
    names = {p.party_id: p.name for p in parties}
    others = [(p.party_id, p.name) for p in parties if p.party_id != me]
    forms = []
    for code in available_actions(record, me):
        fixed = fixed_recipient(record, code)
        chooses = code in ACTIONS_WITH_RECIPIENT and fixed is None
        preselected = ""
        if code is ActionCode.TRANSFER and record.endorsee not in (None, me):
            preselected = record.endorsee or ""
        forms.append(
            ActionForm(
                code=str(code),
                button=words.BUTTONS.get(code, str(code)),
                hint=words.HINTS.get(code, ""),
                select_label=words.RECIPIENT_LABELS.get(code, "Recipient") if chooses else "",
                fixed_to="" if fixed is None else names.get(fixed, fixed),
                choices=others if chooses else [],
                preselected=preselected,
            )
        )
    return forms


def valid_reference(reference: str) -> bool:
    """Whether ``reference`` may be a DCSA transport document reference (no control characters)."""
    if not 0 < len(reference) <= MAX_REFERENCE or not REFERENCE.fullmatch(reference):
        return False
    return not any(unicodedata.category(c) == "Cc" for c in reference)


def split_path(request: Request) -> tuple[str, str]:
    """The document reference and the suffix ('', 'actions' or 'bundle.json') of a request.

    Read from the raw path where the server keeps it, so an encoded '/' (``%2F``) stays inside
    the reference; a last segment that is a suffix is the suffix.
    """
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else quote(request.url.path)
    path = path.removeprefix(quote(request.scope.get("root_path", "")))
    segments = path.removeprefix(PREFIX).split("/")
    suffix = segments.pop() if len(segments) > 1 and segments[-1] in SUFFIXES else ""
    return unquote("/".join(segments), errors="replace"), suffix


def _visible(node: Node, me: str, reference: str) -> bool:
    if not valid_reference(reference):
        return False
    with node.engine.connect() as conn:
        return queries.may_see(conn, me, reference)


def _signed_in_party(request: Request) -> Party | None:
    principal = session.visitor(request).principal
    return None if principal is None else principal.party


def _reader(request: Request, reference: str) -> tuple[Party, Node] | Response:
    """The signed-in party and the node, or the page to show instead (sign in first; 404)."""
    me = _signed_in_party(request)
    if me is None:
        return _sign_in_first(request)
    node = node_of(request)
    if not _visible(node, me.party_id, reference):
        return _not_found(request, reference)
    return me, node


def _sign_in_first(request: Request) -> Response:
    context = {"title": "Sign in", "error": "Sign in to see documents and act on them."}
    return page(request, "signin.html", context, status=401)


def _not_found(request: Request, reference: str) -> Response:
    return page(
        request,
        "error.html",
        {
            "title": "Not found",
            "heading": "Document not found",
            "detail": f"There is no eBL {reference[:40]!r} that you may see on this node.",
            "status": 404,
        },
        status=404,
    )


def document_context(
    node: Node, me: Party, reference: str, sources: JourneySources | None = None
) -> dict[str, Any]:
    """The document page's values; ``sources`` give the journey its events and history."""
    row = node.record(reference)
    record = row.record
    parties = node.parties()
    names = {p.party_id: p.name for p in parties}
    raw = parse_json(node.document(reference))
    return {
        "title": f"B/L {reference}",
        "bill": bill_of_lading(raw if isinstance(raw, dict) else {}),
        "record": record,
        "status": words.status(record.status),
        "holder": names.get(record.possessor, record.possessor),
        "carrier": names.get(record.carrier, record.carrier),
        "endorsement": words.endorsement(record, names),
        "checksum": record.document_checksum,
        "timeline": timeline(node, reference, names),
        "pint_transfers": transfers_of(node, reference),
        "actions": _action_forms(record, me.party_id, parties),
        "is_holder": record.possessor == me.party_id,
        "journey": journey_section(node, reference, sources or JourneySources()),
    }


def _document_page(request: Request, reference: str, error: str | None, status: int) -> Response:
    reader = _reader(request, reference)
    if isinstance(reader, Response):
        return reader
    me, node = reader
    context = document_context(node, me, reference, sources_of(request))
    context["error"] = error
    return page(request, "document.html", context, status)


@router.get(PREFIX + "{rest:path}")
def document(request: Request) -> Response:
    reference, suffix = split_path(request)
    if suffix == "bundle.json":
        return _bundle(request, reference)
    if suffix:
        return _not_found(request, reference)
    return _document_page(request, reference, None, 200)


def _recipient(node: Node, record: TitleRecord, code: ActionCode, chosen: str) -> str | None:
    fixed = fixed_recipient(record, code)
    if fixed is not None:
        return fixed
    if code not in ACTIONS_WITH_RECIPIENT:
        return None
    if not chosen:
        raise InputError(f"choose a party for '{words.BUTTONS.get(code, code)}'")
    if chosen not in party_names(node):
        raise InputError("choose a party registered on this node")
    return chosen


def _act(request: Request, reference: str, code_text: str, chosen: str) -> Response:
    reader = _reader(request, reference)
    if isinstance(reader, Response):
        return reader
    me, node = reader
    try:
        if code_text not in ActionCode.__members__ or code_text == ActionCode.ISSUE:
            raise InputError(f"{code_text[:40]!r} is not an action you can take here")
        code = ActionCode(code_text)
        recipient = _recipient(node, node.record(reference).record, code, chosen)
        receipt = node.act(reference, code, actor=me.party_id, recipient=recipient)
    except CorridorError as refused:
        status = problems.for_error(refused).status_code
        return _document_page(request, reference, f"Not done: {refused.message}", status)
    names = party_names(node)
    to = receipt.record.possessor
    message = words.sentence(f"{words.done(code)}. {reference} is now held by {names.get(to, to)}")
    response = RedirectResponse(document_path(reference), status_code=303)
    session.set_flash(request, response, message)
    return response


@router.post(PREFIX + "{rest:path}")
async def act(request: Request) -> Response:
    reference, suffix = split_path(request)
    if suffix != "actions":
        return _not_found(request, reference)
    form = await read_form(request)
    if session.visitor(request).principal is not None:
        session.check_csrf(request, form.text(session.CSRF_FIELD))
    code = form.text("action", 64)
    chosen = form.text("recipient", 200)
    return await run_in_threadpool(_act, request, reference, code, chosen)


def _bundle(request: Request, reference: str) -> Response:
    reader = _reader(request, reference)
    if isinstance(reader, Response):
        return reader
    _me, node = reader
    try:
        bundle = build_bundle(node, reference)
    except NotFoundError:
        return _not_found(request, reference)
    body = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    return Response(
        body.encode(),
        media_type="application/json",
        headers={"Content-Disposition": attachment(f"{reference}.bundle.json")},
    )


def attachment(filename: str) -> str:
    """A Content-Disposition for ``filename``: an ASCII fallback and the RFC 6266 UTF-8 name."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
