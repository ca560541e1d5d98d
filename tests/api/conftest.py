"""An API client over a fresh node (SQLite and PostgreSQL) with a token per demo party."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.api.ratelimit import RateLimiter
from corridor.services.access import Access
from corridor.services.demo import document_with_reference, seed_parties
from corridor.services.node import Node


@dataclass
class Api:
    client: TestClient
    node: Node
    ids: dict[str, str]
    tokens: dict[str, str]

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def get(self, path: str, who: str | None = None, **kwargs: Any) -> Any:
        headers = {} if who is None else self.headers(who)
        return self.client.get(path, headers=headers, **kwargs)

    def post(self, path: str, who: str, body: Any, **headers: str) -> Any:
        return self.client.post(path, headers=self.headers(who, **headers), json=body)

    def issue(self, reference: str, to: str = "exporter") -> Any:
        body = {"transportDocument": document_with_reference(reference), "issueTo": self.ids[to]}
        response = self.post("/api/v1/documents", "carrier", body)
        assert response.status_code == 201, response.text
        return response.json()

    def act(
        self, reference: str, who: str, code: str, to: str | None = None, **headers: str
    ) -> Any:
        body: dict[str, Any] = {"actionCode": code}
        if to is not None:
            body["recipient"] = self.ids.get(to, to)
        return self.post(f"/api/v1/documents/{reference}/actions", who, body, **headers)


def make_api(node: Node, limiter: RateLimiter | None = None) -> Api:
    ids = seed_parties(node)
    access = Access(node)
    tokens = {key: access.create_token(pid, label="test").token for key, pid in ids.items()}
    tokens["operator"] = access.create_token(None, label="test operator").token
    app = create_app(node, rate_limiter=limiter or RateLimiter(rate=1000, burst=10_000))
    return Api(TestClient(app, raise_server_exceptions=False), node, ids, tokens)


@pytest.fixture
def api(node: Node) -> Iterator[Api]:
    made = make_api(node)
    with made.client:
        yield made
