"""The public side: health, checkpoints, proofs, bundle verification, metrics, rate limits."""

from __future__ import annotations

import base64
import copy

from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.api.ratelimit import RateLimiter
from corridor.ledger.checkpoint import NoteVerifier, open_checkpoint
from corridor.ledger.merkle import verify_consistency, verify_inclusion
from corridor.services.node import Node

from .conftest import Api
from .test_documents_api import _problem


def _b(text: str) -> bytes:
    return base64.b64decode(text)


def test_health_answers_without_a_token(api: Api) -> None:
    health = api.client.get("/api/v1/health").json()
    assert health["status"] == "ok"
    assert health["treeSize"] == 0


def test_the_checkpoint_is_a_signed_note_for_the_head(api: Api) -> None:
    api.issue("CQLOG0001")
    shown = api.client.get("/api/v1/log/checkpoint").json()
    checkpoint = open_checkpoint(
        shown["note"], NoteVerifier.from_verifier_key(shown["verifierKey"])
    )
    assert checkpoint.size == shown["treeSize"] == 1
    assert base64.b64encode(checkpoint.root_hash).decode() == shown["rootHash"]


def test_inclusion_and_consistency_proofs_verify(api: Api) -> None:
    for n in range(3):
        api.issue(f"CQLOG000{n}")
    proof = api.client.get("/api/v1/log/proofs/inclusion", params={"leafIndex": 1}).json()
    assert proof["treeSize"] == 3
    path = [_b(h) for h in proof["auditPath"]]
    assert verify_inclusion(_b(proof["leafHash"]), 1, 3, path, _b(proof["rootHash"]))
    old = api.client.get("/api/v1/log/proofs/inclusion", params={"leafIndex": 0, "treeSize": 1})
    assert old.json()["auditPath"] == []
    con = api.client.get("/api/v1/log/proofs/consistency", params={"first": 1, "second": 3})
    body = con.json()
    proof_path = [_b(h) for h in body["proof"]]
    first, second = _b(body["firstRootHash"]), _b(body["secondRootHash"])
    assert verify_consistency(1, 3, first, second, proof_path)
    assert not verify_consistency(1, 3, second, first, proof_path)


def test_proofs_for_trees_the_node_has_not_committed_are_refused(api: Api) -> None:
    api.issue("CQLOG0001")
    beyond = api.client.get("/api/v1/log/proofs/consistency", params={"first": 1, "second": 9})
    _problem(beyond, 422, "invalid-input")
    missing = api.client.get("/api/v1/log/proofs/inclusion", params={"leafIndex": 5})
    _problem(missing, 404, "not-found")
    backwards = api.client.get("/api/v1/log/proofs/consistency", params={"first": 2, "second": 1})
    _problem(backwards, 422, "invalid-input")


def test_an_exported_bundle_verifies_and_a_tampered_one_names_the_check(api: Api) -> None:
    api.issue("CQLOG0001")
    api.act("CQLOG0001", "exporter", "TRANSFER", "cq_bank")
    bundle = api.get("/api/v1/documents/CQLOG0001/bundle", "cq_bank").json()
    result = api.client.post("/api/v1/verify", json=bundle).json()
    assert result["valid"] is True
    assert result["entries"] == 2
    tampered = copy.deepcopy(bundle)
    tampered["transportDocument"]["shippingInstructionsReference"] = "SI-FORGED"
    failed = api.client.post("/api/v1/verify", json=tampered).json()
    assert failed["valid"] is False
    assert failed["check"] == "document-checksum"
    assert api.client.post("/api/v1/verify", json={"format": 1}).json()["valid"] is False
    _problem(api.client.post("/api/v1/verify", json=[1, 2]), 422, "validation")


def test_bundles_are_only_for_parties_that_may_see_the_document(api: Api) -> None:
    api.issue("CQLOG0001")
    _problem(api.get("/api/v1/documents/CQLOG0001/bundle", "importer"), 404, "not-found")


def test_metrics_count_actions_and_batches(api: Api) -> None:
    api.issue("CQLOG0001")
    text = api.client.get("/metrics").text
    assert 'corridor_actions_total{action_code="ISSUE"} 1.0' in text
    assert "corridor_batches_total" in text
    assert 'route="/api/v1/documents"' in text


def test_public_endpoints_are_rate_limited(node: Node) -> None:
    app = create_app(node, rate_limiter=RateLimiter(rate=0.001, burst=2))
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/health").status_code == 200
        limited = client.get("/api/v1/health")
        _problem(limited, 429, "rate-limited")
        assert int(limited.headers["retry-after"]) >= 1
