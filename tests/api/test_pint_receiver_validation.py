"""``POST /v3/receiver-validation``: DCSA PINT 3.0.0 receiver validation over the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from corridor.api.dcsa_errors import detailed_error, error_response
from corridor.api.ratelimit import RateLimiter
from corridor.api.routes_pint import IdentifyingCode as RvIdentifyingCode
from corridor.api.routes_pint import matching_party
from corridor.domain.party import CodeScheme, IdentifyingCode, Party, Role
from corridor.interop.dcsa.schema import PINT_SPEC_FILE, schema_errors
from corridor.services.node import Node

from .conftest import Api, make_api

PATH = "/v3/receiver-validation"
CQ_BANK_LEI = "5493001CQYZB7K3N9T60"
DCSA_CODE = "DCSA-FWD-000042"


def ask(api: Api, body: Any, **headers: str) -> Any:
    return api.client.post(PATH, json=body, headers=headers)


def assert_error_response(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["API-Version"] == "3.0.0"
    body: dict[str, Any] = response.json()
    assert schema_errors(PINT_SPEC_FILE, "ErrorResponse", body) == []
    assert body["statusCode"] == status
    assert body["requestUri"] == PATH
    assert body["httpMethod"] == "POST"
    assert body["errorDateTime"].endswith("Z")
    return body


def assert_party_name(response: Any, name: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["API-Version"] == "3.0.0"
    body = response.json()
    assert schema_errors(PINT_SPEC_FILE, "ReceiverValidationResponse", body) == []
    assert body == {"partyName": name}


def test_platform_code_and_party_id(api: Api) -> None:
    platform = api.node.config.platform

    response = ask(api, {"codeListProvider": platform, "partyCode": api.ids["sg_bank"]})

    assert_party_name(response, "Straits Merchant Bank Singapore")


@pytest.mark.parametrize("list_name", [{"codeListName": "LEI"}, {}], ids=["LEI", "no-list-name"])
def test_gleif_lei(api: Api, list_name: dict[str, str]) -> None:
    body = {"codeListProvider": "GLEIF", "partyCode": CQ_BANK_LEI, **list_name}

    assert_party_name(ask(api, body), "Chongqing Yangtze Commercial Bank")


def test_dcsa_code(api: Api) -> None:
    api.node.add_party(
        "Qianhai Forwarding Ltd.",
        frozenset({Role.TRADER}),
        [IdentifyingCode(CodeScheme.DCSA, DCSA_CODE)],
    )

    response = ask(api, {"codeListProvider": "DCSA", "partyCode": DCSA_CODE})

    assert_party_name(response, "Qianhai Forwarding Ltd.")


def test_long_name_is_cut_to_seventy_characters_without_outer_spaces(api: Api) -> None:
    name = "A" * 69 + " " + "B" * 20
    party = api.node.add_party(name, frozenset({Role.TRADER}))
    body = {"codeListProvider": api.node.config.platform, "partyCode": party.party_id}

    assert_party_name(ask(api, body), "A" * 69)


@pytest.mark.parametrize(
    "body",
    [
        {"codeListProvider": "GLEIF", "partyCode": "529900T8BM49AURSDO55", "codeListName": "LEI"},
        {"codeListProvider": "GLEIF", "partyCode": CQ_BANK_LEI, "codeListName": "DUNS"},
        {"codeListProvider": "DNB", "partyCode": "123456789"},
        {"codeListProvider": "DCSA", "partyCode": "no-such-code"},
        {"codeListProvider": "WAVE", "partyCode": "<sg_bank>"},
        {"codeListProvider": "<platform>", "partyCode": "nobody-0000"},
    ],
    ids=["unknown-lei", "wrong-list", "unknown-list", "unknown-dcsa", "other-platform", "no-id"],
)
def test_unknown_answers_the_same_vague_404(api: Api, body: dict[str, str]) -> None:
    filled = {
        key: value.replace("<sg_bank>", api.ids["sg_bank"]).replace(
            "<platform>", api.node.config.platform
        )
        for key, value in body.items()
    }

    error = assert_error_response(ask(api, filled), 404)

    assert error["errors"][0]["errorCodeText"] == "Not found"
    message = error["errors"][0]["errorCodeMessage"]
    assert "no party on this platform answers to this identifying code" in message
    assert api.ids["sg_bank"] not in str(error)


def test_several_matches_name_nobody() -> None:
    # Codes are unique per node, so two matches only come from parties not made through it.
    twins = [
        Party(pid, pid, frozenset({Role.TRADER}), (IdentifyingCode(CodeScheme.DCSA, "TW"),), "CRDR")
        for pid in ("twin-one", "twin-two")
    ]
    code = RvIdentifyingCode(code_list_provider="DCSA", party_code="TW")

    assert matching_party(code, "CRDR", twins) is None
    assert matching_party(code, "CRDR", twins[:1]) == twins[0]
    assert matching_party(code, "WAVE", twins[:1]) is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"codeListProvider": "GLEIF"}, "partyCode"),
        ({"codeListProvider": "GLEIF", "partyCode": "X", "extra": 1}, "extra"),
        ({"codeListProvider": "GLEIF", "partyCode": "X" * 151}, "partyCode"),
        ({"codeListProvider": "G" * 101, "partyCode": "X"}, "codeListProvider"),
        (
            {"codeListProvider": "GLEIF", "partyCode": "X", "codeListName": "L" * 101},
            "codeListName",
        ),
        ({"codeListProvider": "GLEIF", "partyCode": "X\u0000Y"}, "partyCode"),
        ({"codeListProvider": "GLEIF", "partyCode": 42}, "partyCode"),
    ],
    ids=["missing", "extra", "code-long", "provider-long", "name-long", "nul", "number"],
)
def test_bad_field_answers_422_naming_it(api: Api, body: dict[str, Any], field: str) -> None:
    error = assert_error_response(ask(api, body), 422)

    assert [item.get("property") for item in error["errors"]] == [field]
    assert error["errors"][0]["jsonPath"] == f"$.{field}"


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"", b'"text"'])
def test_not_an_object_answers_400(api: Api, content: bytes) -> None:
    response = api.client.post(PATH, content=content, headers={"Content-Type": "application/json"})

    assert_error_response(response, 400)


def test_api_version_header_is_accepted(api: Api) -> None:
    body = {"codeListProvider": "GLEIF", "partyCode": CQ_BANK_LEI}

    assert_party_name(ask(api, body, **{"API-Version": "3"}), "Chongqing Yangtze Commercial Bank")


def test_no_token_needed_but_rate_limited(node: Node) -> None:
    limited = make_api(node, RateLimiter(rate=0.001, burst=2))
    body = {"codeListProvider": "GLEIF", "partyCode": CQ_BANK_LEI}
    with limited.client:
        answers = [limited.client.post(PATH, json=body) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    error = assert_error_response(answers[2], 429)
    assert answers[2].headers["Retry-After"].isdigit()
    assert "too many requests" in error["errors"][0]["errorCodeMessage"]


def test_other_methods_are_not_dcsa_operations(api: Api) -> None:
    assert api.client.get(PATH).status_code == 405


def test_openapi_declares_dcsa_errors_not_problems(api: Api) -> None:
    operation = api.client.get("/openapi.json").json()["paths"][PATH]["post"]

    for status in ("400", "404", "422", "429", "500", "503"):
        content = operation["responses"][status]["content"]
        assert list(content) == ["application/json"], status
        assert content["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
        assert "API-Version" in operation["responses"][status]["headers"]
    assert "API-Version" in operation["responses"]["200"]["headers"]
    assert "security" not in operation


def test_every_built_error_response_validates(api: Api) -> None:
    class FakeUrl:
        path = "/v3/receiver-validation/" + "x" * 3000

    class FakeRequest:
        method = "TRACE"
        url = FakeUrl()

    long_error = detailed_error(
        "T" * 500, "M" * 6000, property="p" * 200, value="\ud800" * 600, json_path="$" * 900
    )
    for status in (400, 404, 418, 422, 429, 500, 503, 599):
        response = error_response(FakeRequest(), status, [long_error] * 30)  # type: ignore[arg-type]
        assert schema_errors(PINT_SPEC_FILE, "ErrorResponse", _json(response.body)) == []


def _json(body: bytes | memoryview) -> Any:
    return json.loads(bytes(body))
