"""Web sessions, CSRF tokens and flash messages for the server-rendered pages.

A session is the random secret that ``Access.start_session`` returns, kept in an HttpOnly,
SameSite=Lax cookie; the node stores only its hash. Every POST form carries a CSRF token that is
the HMAC-SHA-256 of a per-browser secret: the session secret when signed in, otherwise an
anonymous random cookie (so even the public forms, such as signing in, cannot be submitted from
another site). The HMAC key is derived from the node's master key (``Access.derive_key``). A
flash message is a short-lived cookie read once after a redirect. The cookies are ``Secure``
when the request came over https, and stay usable over plain http for the local demo.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from corridor.api.auth import access_of
from corridor.errors import CorridorError
from corridor.services.access import SESSION_LIFETIME, Principal

SESSION_COOKIE = "corridor_session"
ANON_COOKIE = "corridor_anon"
FLASH_COOKIE = "corridor_flash"
CSRF_FIELD = "csrf"
_CSRF_PURPOSE = "csrf"
_MAX_FLASH = 300


class CsrfError(CorridorError):
    """A POST form came without the token of this browser's session."""


@dataclass(frozen=True)
class Visitor:
    """Who is looking at a page: a signed-in party or nobody, and the browser's CSRF seed."""

    principal: Principal | None
    seed: str
    new_anon_seed: bool

    @property
    def party_id(self) -> str | None:
        return None if self.principal is None else self.principal.party_id


def visitor(request: Request) -> Visitor:
    """The visitor of this request (computed once per request)."""
    cached = getattr(request.state, "visitor", None)
    if isinstance(cached, Visitor):
        return cached
    principal = None
    secret = request.cookies.get(SESSION_COOKIE, "")
    if 0 < len(secret) <= 200:
        principal = access_of(request).session(secret)
    if principal is not None and principal.party is not None:
        found = Visitor(principal, secret, new_anon_seed=False)
    else:
        anon = request.cookies.get(ANON_COOKIE, "")
        fresh = not (20 <= len(anon) <= 100)
        found = Visitor(None, secrets.token_urlsafe(32) if fresh else anon, new_anon_seed=fresh)
    request.state.visitor = found
    return found


def csrf_token(request: Request, seed: str) -> str:
    """The CSRF token of ``seed``, keyed with a secret derived from this node's master key."""
    key = access_of(request).derive_key(_CSRF_PURPOSE)
    return hmac.new(key, seed.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, presented: object) -> None:
    """Raise ``CsrfError`` unless ``presented`` is this browser's CSRF token."""
    who = visitor(request)
    expected = csrf_token(request, who.seed)
    if who.new_anon_seed or not isinstance(presented, str):
        raise CsrfError("the form has no valid security token")
    if not hmac.compare_digest(expected.encode(), presented.encode("utf-8", "replace")):
        raise CsrfError("the form's security token does not match this browser's session")


def _secure(request: Request) -> bool:
    """Cookies are Secure over https; plain http is left working for the local demo."""
    return request.url.scheme == "https"


def _cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=_secure(request))


def remember(request: Request, response: Response) -> None:
    """Keep the anonymous CSRF seed this page's forms were made with."""
    who = visitor(request)
    if who.new_anon_seed:
        _cookie(request, response, ANON_COOKIE, who.seed, max_age=None)


def start_session(request: Request, response: Response, secret: str) -> None:
    lifetime = int(SESSION_LIFETIME.total_seconds())
    _cookie(request, response, SESSION_COOKIE, secret, max_age=lifetime)


def end_session(request: Request, response: Response) -> None:
    delete_cookie(request, response, SESSION_COOKIE)


def set_flash(request: Request, response: Response, message: str) -> None:
    encoded = base64.urlsafe_b64encode(message[:_MAX_FLASH].encode()).decode()
    _cookie(request, response, FLASH_COOKIE, encoded, max_age=60)
