"""``GET /v3/endorsement-chains/{transportDocumentReference}``: DCSA END 3.0.3 over the API."""

from __future__ import annotations

import pytest

from corridor.interop.dcsa.schema import END_SPEC_FILE, schema_errors

from .conftest import Api

PATHS = ["/v3/endorsement-chains", "/endorsement-chains"]


def journey(api: Api, ref: str) -> None:
    api.issue(ref)
    for who, code, to in [
        ("exporter", "ENDORSE_TO_ORDER", "cq_bank"),
        ("exporter", "TRANSFER", "cq_bank"),
        ("cq_bank", "ENDORSE_TO_ORDER", "sg_bank"),
        ("cq_bank", "TRANSFER", "sg_bank"),
        ("sg_bank", "ENDORSE", "importer"),
        ("sg_bank", "TRANSFER", "importer"),
        ("importer", "SURRENDER_FOR_DELIVERY", "carrier"),
        ("carrier", "SACC", "importer"),
    ]:
        response = api.act(ref, who, code, to)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", PATHS)
def test_returns_one_chain_newest_first(api: Api, path: str) -> None:
    journey(api, "CQEND001")

    response = api.get(f"{path}/CQEND001", "importer")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert isinstance(body, list)
    assert len(body) == 1
    assert schema_errors(END_SPEC_FILE, "EndorsementChain", body[0]) == []
    codes = [link["actionCode"] for link in body[0]["endorsementChain"]]
    assert codes[0] == "SURRENDERED"
    assert codes[-1] == "ISSUE"
    assert len(codes) == 9


def test_filters_that_match(api: Api) -> None:
    api.issue("CQEND002")

    response = api.get("/v3/endorsement-chains/CQEND002?carrierSCACCode=WLSM", "exporter")

    assert response.status_code == 200, response.text
    assert response.json()[0]["carrierSCACCode"] == "WLSM"


@pytest.mark.parametrize(
    "query", ["carrierSCACCode=MAEU", "transportDocumentSubReference=v1"], ids=["scac", "sub"]
)
def test_filters_that_do_not_match_answer_404(api: Api, query: str) -> None:
    api.issue("CQEND003")

    response = api.get(f"/v3/endorsement-chains/CQEND003?{query}", "exporter")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", PATHS)
def test_needs_a_token(api: Api, path: str) -> None:
    api.issue("CQEND004")

    response = api.get(f"{path}/CQEND004")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", PATHS)
def test_invisible_and_unknown_documents_answer_404(api: Api, path: str) -> None:
    api.issue("CQEND005")

    invisible = api.get(f"{path}/CQEND005", "sg_bank")
    unknown = api.get(f"{path}/NOSUCHREF", "carrier")

    assert invisible.status_code == 404
    assert unknown.status_code == 404
    assert invisible.json()["detail"] == "no eBL with reference CQEND005 on this node"


def test_operator_sees_every_chain(api: Api) -> None:
    api.issue("CQEND006")

    response = api.get("/v3/endorsement-chains/CQEND006", "operator")

    assert response.status_code == 200


def test_only_the_v3_path_is_documented(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]

    assert not any(p.startswith("/endorsement-chains") for p in paths)
    operation = paths["/v3/endorsement-chains/{transportDocumentReference}"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "transportDocumentReference",
        "transportDocumentSubReference",
        "carrierSCACCode",
    }


@pytest.mark.parametrize("path", PATHS)
def test_invalid_input_is_a_problem_not_a_page(api: Api, path: str) -> None:
    response = api.get(f"{path}/{'X' * 21}?carrierSCACCode=TOOLONG", "carrier")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    pointers = {error["pointer"] for error in response.json()["errors"]}
    assert pointers == {"path:transportDocumentReference", "query:carrierSCACCode"}
