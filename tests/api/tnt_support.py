"""Helpers for the Track & Trace API tests: an app whose workers stay stopped, and spec checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.api.conftest import Api, make_api

from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT22_SPEC_FILE, TNT30_SPEC_FILE
from corridor.interop.dcsa.tnt.v22_in import V22_EVENT_SCHEMAS
from corridor.services.node import Node


@contextmanager
def quiet_api(node: Node) -> Iterator[Api]:
    """An ``Api`` whose background workers do not start (tests deliver callbacks themselves)."""
    api = make_api(node)
    app: Any = api.client.app
    app.state.event_worker.autostart = False
    app.state.dcsa_worker.autostart = False
    with api.client:
        yield api


def assert_v22_events(body: Any) -> None:
    """``body`` is what TNT 2.2 ``GET /v2/events`` answers: an array of valid 2.2 events."""
    assert isinstance(body, list)
    for event in body:
        assert schema_errors(TNT22_SPEC_FILE, V22_EVENT_SCHEMAS[event["eventType"]], event) == []


def assert_v22_error(response: Any, status: int) -> dict[str, Any]:
    """A TNT 2.2 ``error`` body with ``status``, and ``API-Version: 2.2.0``."""
    assert response.status_code == status, response.text
    assert response.headers["API-Version"] == "2.2.0"
    body: dict[str, Any] = response.json()
    assert schema_errors(TNT22_SPEC_FILE, "error", body) == []
    assert body["statusCode"] == status
    return body


def assert_v30(response: Any, status: int, schema: str) -> dict[str, Any]:
    """A TNT 3.0 body of ``schema`` with ``status``, and ``API-Version: 3.0.0``."""
    assert response.status_code == status, response.text
    assert response.headers["API-Version"] == "3.0.0"
    body: dict[str, Any] = response.json()
    assert schema_errors(TNT30_SPEC_FILE, schema, body) == []
    if schema.endswith("Error"):
        assert any(e["severity"] == "ERROR" for e in body["feedbackElements"])
    return body
