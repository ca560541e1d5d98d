"""``GET /api/v1/documents/{ref}/transport-document``: the DCSA JSON exactly as issued."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import quote

from sqlalchemy import update

from corridor.crypto.canonical import canonical_bytes, checksum
from corridor.services.demo import document_with_reference
from corridor.storage import tables

from .conftest import Api

REF = "CQTD0001"
PROBLEM = "application/problem+json"


def _path(reference: str) -> str:
    return f"/api/v1/documents/{quote(reference, safe='')}/transport-document"


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"].endswith("/" + slug)
    return body


def _issue(api: Api, document: dict[str, Any]) -> None:
    body = {"transportDocument": document, "issueTo": api.ids["exporter"]}
    response = api.post("/api/v1/documents", "carrier", body)
    assert response.status_code == 201, response.text


def test_the_holder_gets_the_canonical_bytes_and_their_digest(api: Api) -> None:
    document = document_with_reference(REF)
    _issue(api, document)
    response = api.get(_path(REF), "exporter")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.content == canonical_bytes(document)
    digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
    assert response.headers["repr-digest"] == f"sha-256=:{digest}:"
    title = api.get(f"/api/v1/documents/{REF}", "exporter").json()["title"]
    assert hashlib.sha256(response.content).hexdigest() == title["documentChecksum"]


def test_members_nobody_defines_come_back_byte_for_byte(api: Api) -> None:
    document = document_with_reference(REF)
    document["extendedContractQuotationReference"] = "PINT-Q-2026-0001"  # a PINT 3.0.0 field
    document["xCorridorNote"] = {"nested": [1, 2.5, 1e-7, "重庆"]}
    _issue(api, document)
    response = api.get(_path(REF), "carrier")
    assert response.content == canonical_bytes(document)
    assert response.json()["xCorridorNote"]["nested"][3] == "重庆"


def test_visibility_is_that_of_the_document(api: Api) -> None:
    _issue(api, document_with_reference(REF))
    for who in ("carrier", "exporter", "operator"):
        assert api.get(_path(REF), who).status_code == 200, who
    _problem(api.get(_path(REF), "importer"), 404, "not-found")
    _problem(api.get(_path(REF)), 401, "unauthenticated")
    # After a transfer the new holder sees it too.
    assert api.act(REF, "exporter", "TRANSFER", "cq_bank").status_code == 200
    assert api.get(_path(REF), "cq_bank").status_code == 200


def test_an_unknown_reference_is_404(api: Api) -> None:
    problem = _problem(api.get(_path("NOPE0001"), "operator"), 404, "not-found")
    assert problem["detail"] == "no eBL with reference NOPE0001 on this node"


def test_a_reference_with_a_slash_and_a_space(api: Api) -> None:
    reference = "CQ/SG 001.A"
    document = document_with_reference(reference)
    _issue(api, document)
    response = api.get(_path(reference), "exporter")
    assert response.status_code == 200, response.text
    assert response.content == canonical_bytes(document)


def test_a_damaged_copy_is_never_served(api: Api) -> None:
    document = document_with_reference(REF)
    _issue(api, document)
    tampered = dict(document, termsAndConditions="Nothing is the carrier's fault.")
    with api.node.engine.begin() as conn:
        conn.execute(
            update(tables.documents)
            .where(tables.documents.c.reference == REF)
            .values(canonical_json=canonical_bytes(tampered))
        )
    problem = _problem(api.get(_path(REF), "exporter"), 503, "node-unavailable")
    assert f"but the register records {checksum(document)}" in problem["detail"]
    assert "corridor log audit" in problem["detail"]
