"""Rendering a page: the Jinja2 environment and the context every template gets."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from corridor.domain.party import Role
from corridor.web import session

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


def document_path(reference: str, suffix: str = "") -> str:
    """The address of a document's page (or ``suffix`` under it), the reference percent-encoded.

    A DCSA reference may hold spaces, '/' and any other character, so it is one encoded segment.
    """
    path = "/documents/" + quote(reference, safe="")
    return f"{path}/{suffix}" if suffix else path


TEMPLATES.env.filters["document_path"] = document_path


def _flash(request: Request) -> str | None:
    encoded = request.cookies.get(session.FLASH_COOKIE)
    if not encoded:
        return None
    try:
        return base64.urlsafe_b64decode(encoded.encode()).decode()[:300]
    except (ValueError, UnicodeDecodeError):
        return None


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render ``template`` with the visitor, its CSRF token and any flash message."""
    who = session.visitor(request)
    party = None if who.principal is None else who.principal.party
    flash = _flash(request)
    values: dict[str, Any] = {
        "me": party,
        "is_carrier": party is not None and Role.CARRIER in party.roles,
        "csrf": session.csrf_token(request, who.seed),
        "csrf_field": session.CSRF_FIELD,
        "flash": flash,
        "error": None,
        "title": "",
    }
    values.update(context or {})
    response = TEMPLATES.TemplateResponse(request, template, values, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    session.remember(request, response)
    if flash is not None or session.FLASH_COOKIE in request.cookies:
        session.delete_cookie(request, response, session.FLASH_COOKIE)
    return response


def error_page(request: Request, status: int, heading: str, detail: str) -> HTMLResponse:
    """A plain HTML error page (never a traceback)."""
    context = {"title": heading, "heading": heading, "detail": detail, "status": status}
    return page(request, "error.html", context, status)
