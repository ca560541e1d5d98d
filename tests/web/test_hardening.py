"""Odd input on every form and query parameter, database failures and rate limits: never a 500,
never a traceback or SQL, always an HTML page outside the API."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError
from tests.web.conftest import Web, issue_values

from corridor.api.app import create_app
from corridor.api.ratelimit import RateLimiter
from corridor.services import proofs
from corridor.web import views_home
from corridor.web.forms import read_form

ODD = [
    "²",
    "١٢",
    "\x00",
    "a\x00b",
    "9" * 5000,
    "99999999999999999999",
    "",
    " ",
    "-1",
    "nan",
    "1e999",
    "😀",
    "\u202e\u200b",
    "'\"<>&",
    "%00",
]
REF = "WLSM26CQSG0101"


def _sane(response: object, what: object) -> None:
    status = getattr(response, "status_code", 0)
    text = getattr(response, "text", "")
    assert status < 500, (what, status)
    assert "Traceback" not in text, what
    assert "sqlalchemy" not in text.lower(), what


def test_odd_query_parameters(any_web: Web) -> None:
    client = any_web.client
    for value in ODD:
        for query in ({"first": value, "second": "1"}, {"first": "1", "second": value}):
            _sane(client.get("/log", params=query), query)
        _sane(client.get("/signin", params={"token": value}), value)
        _sane(client.get("/", params={"x": value}), value)


def test_log_superscript_two_is_refused_not_a_crash(any_web: Web) -> None:
    page = any_web.client.get("/log?first=%C2%B2&second=1")
    assert page.status_code == 422
    assert "Not checked: a tree size is a whole number" in page.text
    huge = any_web.client.get("/log?first=1&second=9999999999999999")
    assert huge.status_code == 422


def test_odd_form_fields_when_signed_out(any_web: Web) -> None:
    client = any_web.client
    csrf = any_web.csrf("/signin")
    for value in ODD:
        for data in ({"link": value}, {"token": value}, {"csrf": value, "token": value}):
            _sane(client.post("/signin", data={"csrf": csrf, **data}), data)
        _sane(client.post("/verify", data={"csrf": csrf, "pasted": value}), value)
        _sane(client.post("/signout", data={"csrf": value}), value)


def test_odd_action_fields(any_web: Web) -> None:
    client = any_web.sign_in("exporter")
    csrf = any_web.csrf(f"/documents/{REF}")
    for value in ODD:
        for data in ({"action": value}, {"action": "TRANSFER", "recipient": value}):
            answer = client.post(f"/documents/{REF}/actions", data={"csrf": csrf, **data})
            _sane(answer, data)
            assert answer.status_code in (403, 422), (data, answer.status_code)
        _sane(client.get(f"/documents/{quote(value, safe='')}"), value)
        _sane(client.get(f"/documents/{quote(value, safe='')}/bundle.json"), value)
    assert any_web.status(REF)[1] == any_web.ids["exporter"]


def test_odd_issue_fields(any_web: Web) -> None:
    client = any_web.sign_in("carrier")
    csrf = any_web.csrf("/issue")
    names = ["reference", "issue_to", "shipper", "to_order_of", "vessel", "voyage", "weight_0"]
    names += ["packages_0", "container_0", "seal_0", "goods_0", "hs_0", "loading_locode"]
    for name in names:
        for value in ODD:
            answer = client.post("/issue", data={"csrf": csrf, name: value})
            _sane(answer, (name, value))
            assert answer.status_code in (400, 409, 422), (name, value, answer.status_code)
    upload = b'{"transportDocumentReference": "A\\u0000B"}'
    files = {"document": ("td.json", upload, "application/json")}
    data = {"csrf": csrf, "issue_to": any_web.ids["exporter"]}
    answer = client.post("/issue", data=data, files=files)
    assert answer.status_code == 400
    assert "NUL" in answer.text


def test_numbers_in_the_issue_form_are_ascii(web: Web) -> None:
    web.sign_in("carrier")
    values = issue_values(web)
    for field, value in (("weight_0", "١٢"), ("weight_0", "nan"), ("packages_0", "²")):
        page = web.client.post("/issue", data=values | {field: value})
        assert page.status_code == 422
        assert f'data-testid="error-{field}">must be' in page.text


def test_odd_content_length_is_not_a_crash() -> None:
    """``'²'.isdigit()`` is True, but a Content-Length of '²' must not crash ``int()``."""
    asyncio.run(_read_with_odd_lengths())


async def _read_with_odd_lengths() -> None:
    body = b"link=x"
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    for declared in ("²".encode("latin-1"), b"9" * 40, b"", b"-1"):
        headers = [(b"content-type", b"application/x-www-form-urlencoded")]
        scope = {"type": "http", "method": "POST", "path": "/signin", "headers": headers}
        scope["headers"] = [*headers, (b"content-length", declared)]
        sent = False
        form = await read_form(Request(scope, receive))
        assert form.text("link") == "x", declared


@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        (OperationalError("SELECT secret FROM parties", {}, Exception("boom")), 503, "unavailable"),
        (IntegrityError("INSERT INTO sessions", {}, Exception("dup")), 409, "clashed"),
    ],
)
def test_database_errors_are_html_pages_on_web_paths(
    web: Web, monkeypatch: pytest.MonkeyPatch, error: Exception, status: int, heading: str
) -> None:
    def fail(*_args: object) -> None:
        raise error

    monkeypatch.setattr(views_home, "home_context", fail)
    web.sign_in("exporter")
    client = TestClient(web.client.app, raise_server_exceptions=False, cookies=web.client.cookies)
    page = client.get("/")
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert heading in page.text
    assert "SELECT" not in page.text
    assert "INSERT" not in page.text
    assert "Traceback" not in page.text


def test_database_errors_stay_problem_details_in_the_api(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("boom"))

    monkeypatch.setattr(proofs, "latest_checkpoint", fail)
    client = TestClient(web.client.app, raise_server_exceptions=False)
    api = client.get("/api/v1/log/checkpoint")
    assert api.status_code == 503
    assert api.headers["content-type"].startswith("application/problem+json")
    page = client.get("/log")
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")


def test_public_web_endpoints_are_rate_limited(web: Web) -> None:
    limiter = RateLimiter(rate=0.01, burst=2)
    with TestClient(create_app(web.node, rate_limiter=limiter)) as client:
        client.get("/verify")  # not limited: it does no work
        csrf_page = client.get("/signin")
        assert csrf_page.status_code == 200
        assert client.get("/log").status_code == 200
        for request in (
            lambda: client.get("/log"),
            lambda: client.get("/signin"),
            lambda: client.get("/signin?token=cor_x_y"),
            lambda: client.post("/signin", data={"link": "x"}),
            lambda: client.post("/verify", data={"pasted": "{}"}),
        ):
            page = request()
            assert page.status_code == 429
            assert page.headers["content-type"].startswith("text/html")
            assert "Too many requests" in page.text
            assert int(page.headers["retry-after"]) >= 1
        assert client.get("/verify").status_code == 200
