"""Signing in with a link, and signing out.

A sign-in link (``/signin?token=cor_...``, printed by ``corridor demo`` or made with
``corridor token create PARTY --signin``) does not sign in by itself: opening it shows "Sign in
as <party>?" with a button, a POST form carrying this browser's CSRF token and the link's token.
So another site cannot sign a visitor in as a party of its choosing (login CSRF). The POST
starts the session and redirects to ``/``, so the token does not stay in the address bar.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from corridor.api.auth import access_of
from corridor.api.ratelimit import public_rate_limit
from corridor.errors import AuthenticationError
from corridor.services.access import SIGNIN
from corridor.web import session
from corridor.web.forms import read_form
from corridor.web.templating import page

router = APIRouter(include_in_schema=False)
MAX_TOKEN = 300
_LIMITED = [Depends(public_rate_limit)]


def _token_from(link: str) -> str:
    """The token of a pasted sign-in link, or the text itself if it is a bare token."""
    if "token=" not in link:
        return link.strip()
    values = parse_qs(urlsplit(link.strip()).query).get("token", [""])
    return values[0].strip()


def _checked(token: str) -> str:
    if not token or len(token) > MAX_TOKEN or not token.isascii() or not token.isprintable():
        raise AuthenticationError("that is not a Corridor sign-in link")
    return token


def _refused(request: Request, refused: AuthenticationError) -> Response:
    context = {"title": "Sign in", "error": f"Sign-in failed: {refused.message}."}
    return page(request, "signin.html", context, status=401)


def _confirm(request: Request, token: str) -> Response:
    """The "Sign in as <party>?" page; nothing is started until its form is posted."""
    try:
        principal = access_of(request).authenticate(_checked(token), kind=SIGNIN)
    except AuthenticationError as refused:
        return _refused(request, refused)
    context = {"title": "Sign in", "party_name": principal.display_name, "token": token}
    response = page(request, "signin_confirm.html", context)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _sign_in(request: Request, token: str) -> Response:
    access = access_of(request)
    try:
        secret, principal = access.start_session(_checked(token))
    except AuthenticationError as refused:
        return _refused(request, refused)
    old = session.visitor(request)
    if old.principal is not None:
        access.end_session(old.seed)
    response = RedirectResponse("/", status_code=303)
    session.start_session(request, response, secret)
    session.set_flash(request, response, f"You are signed in as {principal.display_name}")
    return response


@router.get("/signin", dependencies=_LIMITED)
def signin(request: Request, token: str | None = None) -> Response:
    if token is not None:
        return _confirm(request, token[: MAX_TOKEN + 1])
    return page(request, "signin.html", {"title": "Sign in"})


@router.post("/signin", dependencies=_LIMITED)
async def signin_posted(request: Request) -> Response:
    """Sign in with the confirmed link's token, or with a pasted link."""
    form = await read_form(request)
    session.check_csrf(request, form.text(session.CSRF_FIELD))
    token = form.text("token", MAX_TOKEN + 1) or _token_from(form.text("link", 1000))
    return await run_in_threadpool(_sign_in, request, token)


def _sign_out(request: Request) -> Response:
    who = session.visitor(request)
    if who.principal is not None:
        access_of(request).end_session(who.seed)
    response = RedirectResponse("/", status_code=303)
    session.end_session(request, response)
    session.set_flash(request, response, "Signed out.")
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    form = await read_form(request)
    session.check_csrf(request, form.text(session.CSRF_FIELD))
    return await run_in_threadpool(_sign_out, request)
