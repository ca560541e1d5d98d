"""Sign-in, sign-out, CSRF on the session forms, the landing page and each role's home."""

from __future__ import annotations

from tests.web.conftest import Web

from corridor.services.access import Access


def test_landing_page_when_not_signed_in(web: Web) -> None:
    page = web.client.get("/")
    assert page.status_code == 200
    assert "How to sign in" in page.text
    assert 'href="/verify"' in page.text
    assert 'href="/log"' in page.text
    assert 'href="/issue"' not in page.text


def test_signin_link_sets_a_session_cookie_and_leaves_the_url(web: Web) -> None:
    response = web.client.get(web.link("exporter"), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "corridor_session" in c)
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    home = web.client.get("/")
    assert "Chongqing Yuxin Auto Parts Export Co., Ltd." in home.text
    assert "shipper, trader" in home.text
    assert "You are signed in as" in home.text  # the flash, shown once
    assert "You are signed in as" not in web.client.get("/").text


def test_bad_signin_token_is_refused(web: Web) -> None:
    page = web.client.get("/signin?token=cor_nope_nope", follow_redirects=False)
    assert page.status_code == 401
    assert "Sign-in failed" in page.text
    assert "corridor_session" not in page.headers.get("set-cookie", "")
    api_token = Access(web.node).create_token(web.ids["exporter"]).token
    assert web.client.get(f"/signin?token={api_token}").status_code == 401


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
