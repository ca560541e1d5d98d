"""What the node refuses before any route runs, and the review's other API findings."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from corridor.api.ratelimit import MAX_CLIENTS, RateLimiter
from corridor.api.schemas import ActionIn
from corridor.services import proofs
from corridor.services.demo import document_with_reference
from corridor.storage import access as rows

from .conftest import Api
from .test_documents_api import _problem


def test_an_over_large_body_is_refused_before_it_is_read(api: Api) -> None:
    huge = b'{"format": "' + b"x" * (7 * 1024 * 1024) + b'"}'
    response = api.client.post(
        "/api/v1/verify", content=huge, headers={"Content-Type": "application/json"}
    )
    _problem(response, 413, "too-large")
    action = b'{"actionCode": "SIGN", "comments": "' + b"x" * 300_000 + b'"}'
    response = api.client.post(
        "/api/v1/documents/X/actions",
        content=action,
        headers=api.headers("exporter", **{"Content-Type": "application/json"}),
    )
    _problem(response, 413, "too-large")


def test_control_characters_are_refused_everywhere(api: Api) -> None:
    problem = _problem(api.get("/api/v1/documents?possessor=a%00b", "carrier"), 422, "validation")
    assert problem["errors"][0]["pointer"] == "query"
    _problem(api.get("/api/v1/parties/a%00b", "carrier"), 422, "validation")
    body = {"name": "a\u0000b", "roles": ["trader"]}
    problem = _problem(api.post("/api/v1/parties", "operator", body), 422, "validation")
    assert "#/name" in problem["detail"]
    document = document_with_reference("NUL0001")
    document["shippingInstructionsReference"] = "SI\u0000X"
    issue = {"transportDocument": document, "issueTo": api.ids["exporter"]}
    problem = _problem(api.post("/api/v1/documents", "carrier", issue), 422, "validation")
    assert "#/transportDocument/shippingInstructionsReference" in problem["detail"]


def test_references_with_spaces_and_slashes_are_reachable(api: Api) -> None:
    ref = "CQ/SG 001.A"
    api.issue(ref)
    path = "/api/v1/documents/CQ%2FSG%20001.A"
    assert api.get(path, "exporter").json()["title"]["transportDocumentReference"] == ref
    done = api.post(
        f"{path}/actions", "exporter", {"actionCode": "TRANSFER", "recipient": api.ids["cq_bank"]}
    )
    assert done.status_code == 200, done.text
    assert len(api.get(f"{path}/history", "cq_bank").json()) == 2
    assert api.client.post(
        "/api/v1/verify", json=api.get(f"{path}/bundle", "cq_bank").json()
    ).json()["valid"]


def test_a_replayed_token_creation_does_not_hand_out_or_keep_the_secret(api: Api) -> None:
    url = f"/api/v1/parties/{api.ids['cq_bank']}/tokens"
    key = {"Idempotency-Key": "tok-1"}
    made = api.post(url, "cq_bank", {"label": "erp"}, **key)
    assert made.status_code == 201
    secret = made.json()["token"]
    again = api.post(url, "cq_bank", {"label": "erp"}, **key)
    problem = _problem(again, 409, "token-shown-once")
    assert made.json()["tokenId"] in problem["detail"]
    assert secret not in again.text
    with api.node.engine.connect() as conn:
        stored = rows.get_idempotency_key(conn, api.ids["cq_bank"], "tok-1")
    assert stored is not None
    assert stored.body is not None
    assert secret.encode() not in stored.body
    assert len(api.get(url, "cq_bank").json()) == 2  # the fixture's token and this one


def test_registering_a_party_is_idempotent(api: Api) -> None:
    body = {"name": "Beibu Gulf Port Group", "roles": ["terminal"]}
    key = {"Idempotency-Key": "party-1"}
    first = api.post("/api/v1/parties", "operator", body, **key)
    again = api.post("/api/v1/parties", "operator", body, **key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()


def test_a_key_still_in_progress_is_a_conflict(api: Api) -> None:
    api.issue("CQBUSY001")
    body: dict[str, Any] = {"actionCode": "SIGN"}
    with api.node.engine.begin() as conn:  # a request that claimed the key and has not finished
        path = "POST /api/v1/documents/CQBUSY001/actions\n"
        request = path.encode() + ActionIn(actionCode="SIGN").model_dump_json().encode()
        fingerprint = hashlib.sha256(request).hexdigest()
        rows.claim_idempotency_key(conn, api.ids["exporter"], "busy", fingerprint, api.node.clock())
    response = api.post(
        "/api/v1/documents/CQBUSY001/actions", "exporter", body, **{"Idempotency-Key": "busy"}
    )
    _problem(response, 409, "idempotency-in-progress")


def test_concurrent_checkpoint_reads_sign_each_head_once(api: Api) -> None:
    api.issue("CQCKPT001")
    errors: list[BaseException] = []

    def read() -> None:
        try:
            proofs.latest_checkpoint(api.node)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert api.client.get("/api/v1/health").json()["treeSize"] == 1


def test_the_rate_limiter_never_holds_more_than_its_maximum() -> None:
    limiter = RateLimiter(rate=1, burst=1)
    for n in range(MAX_CLIENTS + 50):
        limiter.take(f"10.0.{n // 256}.{n % 256}", now=0.0)
    assert len(limiter._buckets) == MAX_CLIENTS


def test_unknown_methods_share_one_metrics_label(api: Api) -> None:
    for n in range(3):
        api.client.request(f"M{n}", "/api/v1/health")
    text = api.client.get("/metrics").text
    assert 'method="other"' in text
    assert 'method="M1"' not in text


def test_pages_get_an_html_answer_for_control_characters(api: Api) -> None:
    response = api.client.get("/log?first=%00")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "control characters" in response.text
