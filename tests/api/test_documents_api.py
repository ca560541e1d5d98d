"""Issue, read, list and act on eBLs over HTTP: each endpoint's success and its refusals."""

from __future__ import annotations

from typing import Any

import pytest

from corridor.services.demo import document_with_reference

from .conftest import Api

REF = "CQAPI0001"
PROBLEM = "application/problem+json"


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"].endswith("/" + slug)
    assert body["status"] == status
    return body


def test_a_carrier_issues_and_the_receipt_names_the_new_record(api: Api) -> None:
    receipt = api.issue(REF)
    assert receipt["actionCode"] == "ISSUE"
    assert receipt["title"]["possessor"] == api.ids["exporter"]
    assert receipt["title"]["status"] == "ISSUED"
    assert receipt["leafIndex"] == 0


def test_only_a_carrier_may_issue(api: Api) -> None:
    body = {"transportDocument": document_with_reference(REF), "issueTo": api.ids["exporter"]}
    response = api.post("/api/v1/documents", "exporter", body)
    _problem(response, 403, "forbidden")
    assert api.get(f"/api/v1/documents/{REF}", "operator").status_code == 404


def test_a_document_that_breaks_a_dcsa_rule_names_the_field(api: Api) -> None:
    document = document_with_reference(REF)
    document["transportDocumentTypeCode"] = "SWB"  # a sea waybill cannot be to order
    body = {"transportDocument": document, "issueTo": api.ids["exporter"]}
    problem = _problem(api.post("/api/v1/documents", "carrier", body), 422, "document-rule")
    assert problem["errors"][0]["pointer"].startswith("#/transportDocument/")
    assert api.get("/api/v1/documents", "operator").json()["items"] == []


def test_unknown_fields_and_unknown_parties_are_refused(api: Api) -> None:
    body = {"transportDocument": document_with_reference(REF), "issueTo": "nobody", "x": 1}
    problem = _problem(api.post("/api/v1/documents", "carrier", body), 422, "validation")
    assert any(e["pointer"] == "#/x" for e in problem["errors"])
    del body["x"]
    _problem(api.post("/api/v1/documents", "carrier", body), 422, "unknown-party")


def test_malformed_json_is_a_problem_not_a_crash(api: Api) -> None:
    response = api.client.post(
        "/api/v1/documents",
        content=b"{not json",
        headers=api.headers("carrier", **{"Content-Type": "application/json"}),
    )
    _problem(response, 422, "validation")


def test_the_same_document_cannot_be_issued_twice(api: Api) -> None:
    api.issue(REF)
    body = {"transportDocument": document_with_reference(REF), "issueTo": api.ids["exporter"]}
    response = api.post("/api/v1/documents", "carrier", body)
    assert response.status_code in (409, 422), response.text
    assert len(api.get(f"/api/v1/documents/{REF}/history", "carrier").json()) == 1


def test_the_controller_acts_and_the_record_moves(api: Api) -> None:
    api.issue(REF)
    done = api.act(REF, "exporter", "ENDORSE_TO_ORDER", "cq_bank")
    assert done.status_code == 200, done.text
    moved = api.act(REF, "exporter", "TRANSFER", "cq_bank").json()
    assert moved["title"]["possessor"] == api.ids["cq_bank"]
    assert moved["title"]["endorsee"] == api.ids["cq_bank"]
    shown = api.get(f"/api/v1/documents/{REF}", "cq_bank").json()
    assert "TRANSFER" in shown["availableActions"]
    assert shown["transportDocument"]["transportDocumentReference"] == REF


def test_a_non_controller_is_refused_and_nothing_changes(api: Api) -> None:
    api.issue(REF)
    api.act(REF, "exporter", "TRANSFER", "cq_bank")
    _problem(api.act(REF, "exporter", "TRANSFER", "sg_bank"), 403, "not-controller")
    assert api.get(f"/api/v1/documents/{REF}", "exporter").json()["availableActions"] == []
    assert len(api.get(f"/api/v1/documents/{REF}/history", "exporter").json()) == 2


def test_an_action_in_the_wrong_state_is_a_conflict(api: Api) -> None:
    api.issue(REF)
    _problem(api.act(REF, "exporter", "SACC", "carrier"), 409, "title-rule")


def test_bad_action_bodies_name_the_field(api: Api) -> None:
    api.issue(REF)
    problem = _problem(api.act(REF, "exporter", "STEAL", "cq_bank"), 422, "validation")
    assert problem["errors"][0]["pointer"] == "#/actionCode"
    _problem(api.act(REF, "exporter", "TRANSFER", "no such party"), 422, "unknown-party")


def test_a_party_cannot_see_a_document_it_has_no_part_in(api: Api) -> None:
    api.issue(REF)
    _problem(api.get(f"/api/v1/documents/{REF}", "importer"), 404, "not-found")
    _problem(api.get(f"/api/v1/documents/{REF}/history", "importer"), 404, "not-found")
    _problem(api.act(REF, "importer", "TRANSFER", "cq_bank"), 404, "not-found")
    assert api.get("/api/v1/documents", "importer").json()["items"] == []


def test_the_operator_sees_everything_but_holds_no_title(api: Api) -> None:
    api.issue(REF)
    assert api.get(f"/api/v1/documents/{REF}", "operator").json()["availableActions"] == []
    _problem(api.act(REF, "operator", "TRANSFER", "cq_bank"), 403, "forbidden")


def test_lists_page_with_a_cursor_and_filter(api: Api) -> None:
    for n in range(5):
        api.issue(f"CQAPI000{n}")
    api.act("CQAPI0003", "exporter", "TRANSFER", "cq_bank")
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.get("/api/v1/documents", "exporter", params=params).json()
        seen += [item["transportDocumentReference"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [f"CQAPI000{n}" for n in range(5)]
    held = api.get("/api/v1/documents", "cq_bank", params={"possessor": api.ids["cq_bank"]})
    assert [i["transportDocumentReference"] for i in held.json()["items"]] == ["CQAPI0003"]


@pytest.mark.parametrize(
    ("params", "pointer"),
    [({"limit": 0}, "query:limit"), ({"status": "LOST"}, "query:status")],
)
def test_bad_list_queries_name_the_parameter(
    api: Api, params: dict[str, Any], pointer: str
) -> None:
    problem = _problem(api.get("/api/v1/documents", "carrier", params=params), 422, "validation")
    assert problem["errors"][0]["pointer"] == pointer


def test_a_cursor_that_the_api_never_gave_is_refused(api: Api) -> None:
    response = api.get("/api/v1/documents", "carrier", params={"cursor": "%%%"})
    _problem(response, 422, "invalid-input")


def test_awaiting_lists_the_surrenders_the_carrier_must_answer(api: Api) -> None:
    api.issue(REF)
    assert api.act(REF, "exporter", "SURRENDER_FOR_DELIVERY", "carrier").status_code == 200
    page = api.get("/api/v1/documents", "carrier", params={"awaiting": True}).json()
    assert [i["transportDocumentReference"] for i in page["items"]] == [REF]
    assert api.act(REF, "carrier", "SACC", "exporter").json()["title"]["status"] == "SURRENDERED"


def test_history_returns_each_jws_as_signed(api: Api) -> None:
    api.issue(REF)
    api.act(REF, "exporter", "TRANSFER", "cq_bank")
    history = api.get(f"/api/v1/documents/{REF}/history", "cq_bank").json()
    assert [h["actionCode"] for h in history] == ["ISSUE", "TRANSFER"]
    stored = api.node.history(REF)
    assert [h["jws"] for h in history] == [item.row.jws for item in stored]
