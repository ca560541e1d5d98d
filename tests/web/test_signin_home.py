"""Sign-in, sign-out, CSRF on the session forms, the landing page and each role's home."""

from __future__ import annotations

import hashlib
import hmac

from fastapi.testclient import TestClient
from tests.web.conftest import CSRF, TOKEN_FIELD, Web

from corridor.services.access import SESSION_LIFETIME, SIGNIN, Access, Principal


def test_landing_page_when_not_signed_in(web: Web) -> None:
    page = web.client.get("/")
    assert page.status_code == 200
    assert "How to sign in" in page.text
    assert 'href="/verify"' in page.text
    assert 'href="/log"' in page.text
    assert 'href="/issue"' not in page.text


def test_signin_link_asks_first_and_the_button_signs_in(web: Web) -> None:
    link = web.link("exporter")
    confirm = web.client.get(link, follow_redirects=False)
    assert confirm.status_code == 200
    assert "Sign in as Chongqing Yuxin Auto Parts Export Co., Ltd.?" in confirm.text
    assert "corridor_session" not in confirm.headers.get("set-cookie", "")
    assert "How to sign in" in web.client.get("/").text  # opening the link alone did nothing
    csrf, token = web.confirm(link)
    assert link.endswith(token)
    response = web.client.post(
        "/signin", data={"csrf": csrf, "token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "corridor_session" in c)
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    assert f"Max-Age={int(SESSION_LIFETIME.total_seconds())}" in cookie
    assert "secure" not in cookie.lower()  # plain http: the local demo must keep working
    home = web.client.get("/")
    assert "Chongqing Yuxin Auto Parts Export Co., Ltd." in home.text
    assert "shipper, trader" in home.text
    assert "You are signed in as" in home.text  # the flash, shown once
    assert "You are signed in as" not in web.client.get("/").text


def test_login_csrf_another_site_cannot_sign_a_visitor_in(web: Web) -> None:
    """A cross-site form POSTs an attacker's token, but it cannot know this browser's CSRF."""
    token = web.link("importer").split("token=")[1]
    web.client.get("/")  # the victim's browser has an anonymous CSRF seed
    for data in ({"token": token}, {"token": token, "csrf": "0" * 64}):
        refused = web.client.post("/signin", data=data, follow_redirects=False)
        assert refused.status_code == 403
        assert "corridor_session" not in refused.headers.get("set-cookie", "")
    assert "How to sign in" in web.client.get("/").text


def test_csrf_key_is_derived_from_the_node(web: Web) -> None:
    csrf = web.csrf("/signin")
    seed = web.client.cookies["corridor_anon"]
    key = Access(web.node).derive_key("csrf")
    assert csrf == hmac.new(key, seed.encode(), hashlib.sha256).hexdigest()
    assert csrf != hmac.new(b"corridor-web-csrf/1", seed.encode(), hashlib.sha256).hexdigest()


def test_cookies_are_secure_over_https(web: Web) -> None:
    client = TestClient(web.client.app, base_url="https://testserver")
    page = client.get("/signin")
    anon = next(c for c in page.headers.get_list("set-cookie") if "corridor_anon" in c)
    assert "secure" in anon.lower()
    link = web.link("carrier")
    csrf = CSRF.search(client.get(link).text)
    token = TOKEN_FIELD.search(client.get(link).text)
    assert csrf is not None
    assert token is not None
    data = {"csrf": csrf.group(1), "token": token.group(1)}
    done = client.post("/signin", data=data, follow_redirects=False)
    assert done.status_code == 303
    for cookie in done.headers.get_list("set-cookie"):
        assert "secure" in cookie.lower(), cookie


def test_a_revoked_link_shows_no_confirmation_and_ends_its_session(web: Web) -> None:
    access = Access(web.node)
    issued = access.create_token(web.ids["carrier"], kind=SIGNIN)
    csrf, token = web.confirm(f"/signin?token={issued.token}")
    web.client.post("/signin", data={"csrf": csrf, "token": token})
    assert "Issue a new eBL" in web.client.get("/").text
    access.revoke_token(issued.row.token_id, by=Principal(None))
    assert "How to sign in" in web.client.get("/").text
    page = web.client.get(f"/signin?token={issued.token}")
    assert page.status_code == 401
    assert "Sign-in failed: the token has been revoked." in page.text
    assert 'name="token"' not in page.text


def test_bad_signin_token_is_refused(web: Web) -> None:
    page = web.client.get("/signin?token=cor_nope_nope", follow_redirects=False)
    assert page.status_code == 401
    assert "Sign-in failed" in page.text
    assert "corridor_session" not in page.headers.get("set-cookie", "")
    api_token = Access(web.node).create_token(web.ids["exporter"]).token
    assert web.client.get(f"/signin?token={api_token}").status_code == 401
    csrf = web.csrf("/signin")
    posted = web.client.post("/signin", data={"csrf": csrf, "token": api_token})
    assert posted.status_code == 401
    for odd in ("", "%C2%B2", "cor_" + "a" * 400, "%F0%9F%98%80", "cor_%C2%B2_x", "%FF"):
        page = web.client.get(f"/signin?token={odd}")
        assert page.status_code == 401, odd
        assert "Sign-in failed" in page.text


def test_signin_page_explains_and_accepts_a_pasted_link(web: Web) -> None:
    page = web.client.get("/signin")
    assert page.status_code == 200
    assert "corridor token create PARTY --signin" in page.text
    csrf = web.csrf("/signin")
    link = "http://127.0.0.1:8000" + web.link("carrier")
    done = web.client.post("/signin", data={"csrf": csrf, "link": link}, follow_redirects=False)
    assert done.status_code == 303
    assert "Issue a new eBL" in web.client.get("/").text


def test_pasted_link_without_csrf_is_refused(web: Web) -> None:
    web.client.get("/signin")
    refused = web.client.post("/signin", data={"link": web.link("carrier")})
    assert refused.status_code == 403
    assert "This form has expired" in refused.text
    assert "How to sign in" in web.client.get("/").text


def test_signout_ends_the_session(web: Web) -> None:
    web.sign_in("exporter")
    assert web.client.post("/signout", data={}).status_code == 403
    csrf = web.csrf()
    assert web.client.post("/signout", data={"csrf": "0" * 64}).status_code == 403
    done = web.client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert "How to sign in" in web.client.get("/").text


def test_carrier_home_counts_issued_and_awaiting(web: Web) -> None:
    home = web.sign_in("carrier").get("/").text
    assert 'data-testid="count-issued">5<' in home
    assert 'data-testid="count-awaiting">1<' in home
    assert "WLSM26CQSG0104" in home
    assert "Recent activity" in home
    assert 'href="/issue"' in home


def test_bank_home_shows_pledges(web: Web) -> None:
    home = web.sign_in("cq_bank").get("/").text
    assert "Held as pledge" in home
    assert 'data-testid="count-pledge">1<' in home
    assert "WLSM26CQSG0102" in home
    assert 'href="/issue"' not in home


def test_html_errors_outside_the_api_and_problems_inside(web: Web) -> None:
    page = web.client.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    api = web.client.get("/api/v1/no-such")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
    assert web.client.get("/static/corridor.css").status_code == 200
    assert web.client.get("/static/nothing.css").status_code == 404
