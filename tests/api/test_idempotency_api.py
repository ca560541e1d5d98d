"""Idempotency keys: a retried request never acts twice."""

from __future__ import annotations

from corridor.services.demo import document_with_reference

from .conftest import Api
from .test_documents_api import _problem

REF = "CQIDEM001"


def _entries(api: Api) -> int:
    return len(api.get(f"/api/v1/documents/{REF}/history", "carrier").json())


def test_a_retry_with_the_same_key_returns_the_first_answer_and_acts_once(api: Api) -> None:
    api.issue(REF)
    first = api.act(REF, "exporter", "TRANSFER", "cq_bank", **{"Idempotency-Key": "k-1"})
    again = api.act(REF, "exporter", "TRANSFER", "cq_bank", **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _entries(api) == 2


def test_without_a_key_a_retry_is_a_second_request(api: Api) -> None:
    api.issue(REF)
    assert api.act(REF, "exporter", "TRANSFER", "cq_bank").status_code == 200
    _problem(api.act(REF, "exporter", "TRANSFER", "cq_bank"), 403, "not-controller")


def test_the_same_key_for_a_different_request_is_refused(api: Api) -> None:
    api.issue(REF)
    api.act(REF, "exporter", "ENDORSE_TO_ORDER", "cq_bank", **{"Idempotency-Key": "k-2"})
    other = api.act(REF, "exporter", "TRANSFER", "cq_bank", **{"Idempotency-Key": "k-2"})
    assert "different request" in _problem(other, 422, "invalid-input")["detail"]
    assert _entries(api) == 2


def test_keys_belong_to_their_party(api: Api) -> None:
    api.issue(REF)
    api.issue("CQIDEM002")
    key = {"Idempotency-Key": "shared"}
    assert api.act(REF, "exporter", "TRANSFER", "cq_bank", **key).status_code == 200
    assert api.act("CQIDEM002", "exporter", "TRANSFER", "sg_bank", **key).status_code == 422
    assert api.act(REF, "cq_bank", "TRANSFER", "sg_bank", **key).status_code == 200


def test_a_refused_request_does_not_use_up_its_key(api: Api) -> None:
    api.issue(REF)
    key = {"Idempotency-Key": "k-3"}
    api.act(REF, "exporter", "ENDORSE_TO_ORDER", "cq_bank")
    _problem(api.act(REF, "cq_bank", "TRANSFER", "sg_bank", **key), 403, "not-controller")
    api.act(REF, "exporter", "TRANSFER", "cq_bank")
    assert api.act(REF, "cq_bank", "TRANSFER", "sg_bank", **key).status_code == 200


def test_issuing_is_idempotent_too(api: Api) -> None:
    body = {"transportDocument": document_with_reference(REF), "issueTo": api.ids["exporter"]}
    key = {"Idempotency-Key": "issue-1"}
    first = api.post("/api/v1/documents", "carrier", body, **key)
    again = api.post("/api/v1/documents", "carrier", body, **key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert _entries(api) == 1


def test_an_over_long_key_is_refused(api: Api) -> None:
    api.issue(REF)
    long_key = {"Idempotency-Key": "k" * 256}
    problem = _problem(api.act(REF, "exporter", "SIGN", **long_key), 422, "validation")
    assert problem["errors"][0]["pointer"] == "header:Idempotency-Key"
