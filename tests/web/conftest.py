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


@dataclass
class Web:
    node: Node
    ids: dict[str, str]
    client: TestClient

    def link(self, key: str) -> str:
        token = Access(self.node).create_token(self.ids[key], kind=SIGNIN).token
        return f"/signin?token={token}"

    def sign_in(self, key: str) -> TestClient:
        """Sign this client in as the demo party ``key``."""
        response = self.client.get(self.link(key), follow_redirects=False)
        assert response.status_code == 303, response.text
        return self.client

    def csrf(self, path: str = "/") -> str:
        match = CSRF.search(self.client.get(path).text)
        assert match is not None
        return match.group(1)

    def status(self, reference: str) -> tuple[str, str, str | None]:
        record = self.node.record(reference).record
        return str(record.status), record.possessor, record.endorsee


@pytest.fixture
def web(sqlite_node: Node) -> Iterator[Web]:
    ids = seed_corridor(sqlite_node)
    with TestClient(create_app(sqlite_node)) as client:
        yield Web(sqlite_node, ids, client)
