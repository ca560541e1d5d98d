"""The DCSA EBL_ISS / EBL_SUR 3.0.3 endpoints: status codes, ErrorResponse, API-Version."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.api.ratelimit import RateLimiter
from corridor.domain.title import ActionCode, Status
from corridor.interop.dcsa.schema import ISS_SPEC_FILE, SUR_SPEC_FILE, schema_errors
from corridor.services.dcsa_surrender import Surrenders
from corridor.services.demo import seed_parties
from corridor.services.node import Node
from corridor.services.platforms import Platforms


def _sim() -> ModuleType:
    name = "corridor_tests_dcsa_sim"
    if name not in sys.modules:
        path = Path(__file__).parents[1] / "unit" / "services" / "dcsa_sim.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


sim: Any = _sim()
REF = "WLSM26CQSG0001"
SIGNER = sim.carrier_signer()


class Dcsa:
    def __init__(self, node: Node, client: TestClient) -> None:
        self.node = node
        self.client = client
        self.ids = seed_parties(node)
        Platforms(node).add("WLSM", "carrier system", sim.CARRIER_URL, [sim.public_pem(SIGNER)])

    def issuance(self) -> dict[str, Any]:
        exporter = self.ids["exporter"]
        to = sim.issue_to(exporter, self.node.party(exporter).name)
        body: dict[str, Any] = sim.issuance_request(SIGNER, sim.td(REF), to)
        return body


@pytest.fixture
def dcsa(node: Node) -> Iterator[Dcsa]:
    app = create_app(node, rate_limiter=RateLimiter(rate=1000, burst=10_000), web=False)
    app.state.dcsa_worker.autostart = False
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Dcsa(node, client)


def _error(response: Any, status: int, spec: str = ISS_SPEC_FILE) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["API-Version"] == "3.0.3"
    body: dict[str, Any] = response.json()
    assert schema_errors(spec, "ErrorResponse", body) == []
    return body


def test_a_valid_issuance_request_is_204_and_issued_by_the_worker(dcsa: Dcsa) -> None:
    response = dcsa.client.put("/v3/ebl-issuance-requests", json=dcsa.issuance())
    assert response.status_code == 204
    assert response.headers["API-Version"] == "3.0.3"
    worker = dcsa.client.app.state.dcsa_worker  # type: ignore[attr-defined]
    recorder = sim.Recorder()
    dcsa.client.app.state.dcsa_outbox._http = recorder.client()  # type: ignore[attr-defined]
    assert worker.run_once() == 2  # processed, then delivered
    assert dcsa.node.record(REF).record.status is Status.ISSUED
    assert recorder.calls[0].body["issuanceResponseCode"] == "ISSU"
    again = dcsa.client.put("/v3/ebl-issuance-requests", json=dcsa.issuance())
    body = _error(again, 409)
    assert body["statusCode"] == 409


def test_a_body_that_is_not_json_is_400(dcsa: Dcsa) -> None:
    response = dcsa.client.put(
        "/v3/ebl-issuance-requests", content=b"{", headers={"content-type": "application/json"}
    )
    assert _error(response, 400)["errors"][0]["errorCodeText"] == "malformedRequest"


def test_a_schema_violation_is_400_naming_the_property(dcsa: Dcsa) -> None:
    body = dcsa.issuance()
    body["issueTo"]["sendToPlatform"] = "TOOLONG"
    (error,) = _error(dcsa.client.put("/v3/ebl-issuance-requests", json=body), 400)["errors"]
    assert error["property"] == "sendToPlatform"
    assert error["jsonPath"] == "$.issueTo.sendToPlatform"


def test_a_bad_signature_is_422(dcsa: Dcsa) -> None:
    body = dcsa.issuance()
    body["issuanceManifestSignedContent"] = sim.peer.flip_bit(body["issuanceManifestSignedContent"])
    error = _error(dcsa.client.put("/v3/ebl-issuance-requests", json=body), 422)
    assert "issuanceManifestSignedContent" in error["errors"][0]["errorCodeMessage"]


def test_a_checksum_mismatch_is_422(dcsa: Dcsa) -> None:
    body = dcsa.issuance()
    body["document"]["shippingInstructionsReference"] = "SI-CHANGED"
    error = _error(dcsa.client.put("/v3/ebl-issuance-requests", json=body), 422)
    assert "documentChecksum" in error["errors"][0]["errorCodeMessage"]


def test_issuance_responses_for_unknown_requests_are_404(dcsa: Dcsa) -> None:
    answer = {"transportDocumentReference": REF, "issuanceResponseCode": "ISSU"}
    _error(dcsa.client.post("/v3/ebl-issuance-responses", json=answer), 404)


def test_surrender_requests_for_documents_not_sent_are_404(dcsa: Dcsa) -> None:
    body = {
        "surrenderRequestReference": "Z1",
        "transportDocumentReference": REF,
        "surrenderRequestCode": "SREQ",
    }
    _error(dcsa.client.post("/v3/ebl-surrender-requests", json=body), 404, SUR_SPEC_FILE)


def test_surrender_responses_apply_once(dcsa: Dcsa) -> None:
    node, ids = dcsa.node, dcsa.ids
    node.issue(sim.td(REF), carrier=ids["carrier"], to=ids["exporter"])
    node.act(
        REF, ActionCode.SURRENDER_FOR_DELIVERY, actor=ids["exporter"], recipient=ids["carrier"]
    )
    sent = Surrenders(node).request(REF)
    assert sent is not None
    reference = sent.surrender_request_reference
    unknown = {"surrenderRequestReference": "guess", "action": "SURR"}
    _error(dcsa.client.post("/v3/ebl-surrender-responses", json=unknown), 404, SUR_SPEC_FILE)
    no_comment = {"surrenderRequestReference": reference, "action": "SREJ"}
    error = _error(
        dcsa.client.post("/v3/ebl-surrender-responses", json=no_comment), 400, SUR_SPEC_FILE
    )
    assert error["errors"][0]["property"] == "comments"
    accept = {"surrenderRequestReference": reference, "action": "SURR"}
    response = dcsa.client.post("/v3/ebl-surrender-responses", json=accept)
    assert response.status_code == 204
    assert node.record(REF).record.status is Status.SURRENDERED
    _error(dcsa.client.post("/v3/ebl-surrender-responses", json=accept), 409, SUR_SPEC_FILE)


def test_the_openapi_document_lists_the_four_operations(dcsa: Dcsa) -> None:
    paths = dcsa.client.get("/openapi.json").json()["paths"]
    assert "put" in paths["/v3/ebl-issuance-requests"]
    for path in ("/v3/ebl-issuance-responses", "/v3/ebl-surrender-requests"):
        assert "post" in paths[path]
    assert "409" in paths["/v3/ebl-surrender-responses"]["post"]["responses"]


def test_the_worker_starts_and_stops_with_the_app(node: Node) -> None:
    app = create_app(node, web=False)
    worker = app.state.dcsa_worker
    with TestClient(app):
        assert worker.running
    assert not worker.running
