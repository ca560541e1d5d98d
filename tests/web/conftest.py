"""A seeded demo node behind the web app, and a browser-like client per party."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.services.access import SIGNIN, Access
from corridor.services.demo import seed_corridor
from corridor.services.node import Node

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
TOKEN_FIELD = re.compile(r'name="token" value="([^"]+)"')


@dataclass
class Web:
    node: Node
    ids: dict[str, str]
    client: TestClient

    def link(self, key: str) -> str:
        token = Access(self.node).create_token(self.ids[key], kind=SIGNIN).token
        return f"/signin?token={token}"

    def confirm(self, link: str) -> tuple[str, str]:
        """Open a sign-in link: the CSRF token and sign-in token of its confirmation form."""
        page = self.client.get(link, follow_redirects=False)
        assert page.status_code == 200, page.text
        csrf, token = CSRF.search(page.text), TOKEN_FIELD.search(page.text)
        assert csrf is not None
        assert token is not None
        return csrf.group(1), token.group(1)

    def sign_in(self, key: str) -> TestClient:
        """Sign this client in as the demo party ``key``: open its link, press "Sign in"."""
        csrf, token = self.confirm(self.link(key))
        data = {"csrf": csrf, "token": token}
        response = self.client.post("/signin", data=data, follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/"
        return self.client

    def csrf(self, path: str = "/") -> str:
        match = CSRF.search(self.client.get(path).text)
        assert match is not None
        return match.group(1)

    def status(self, reference: str) -> tuple[str, str, str | None]:
        record = self.node.record(reference).record
        return str(record.status), record.possessor, record.endorsee


def issue_values(web: Web) -> dict[str, str]:
    """The issue form's fields with their initial values, as the browser would send them."""
    html = web.client.get("/issue").text
    values = dict(
        re.findall(r'<input id="f-[^"]+" name="([^"]+)" type="text" value="([^"]*)"', html)
    )
    values.update(dict(re.findall(r'<textarea id="f-[^"]+" name="([^"]+)"[^>]*>([^<]*)<', html)))
    for name in ("issue_to", "to_order_of", "consignee", "pre_carriage"):
        select = re.search(rf'name="{name}".*?</select>', html, re.S)
        assert select is not None
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
        values[name] = chosen.group(1) if chosen else ""
    values["bill_kind"] = "to-order"
    values["csrf"] = web.csrf("/issue")
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in values.items()}


@pytest.fixture
def web(sqlite_node: Node) -> Iterator[Web]:
    ids = seed_corridor(sqlite_node)
    with TestClient(create_app(sqlite_node)) as client:
        yield Web(sqlite_node, ids, client)


@pytest.fixture
def any_web(node: Node) -> Iterator[Web]:
    """Like ``web``, on SQLite and (with CORRIDOR_TEST_DATABASE_URL) on PostgreSQL."""
    ids = seed_corridor(node)
    with TestClient(create_app(node), raise_server_exceptions=False) as client:
        yield Web(node, ids, client)
