"""``validate_schema`` over the vendored PINT, ISS, SUR and END specs, and the vendored files."""

from __future__ import annotations

import base64
import copy
import hashlib
import importlib.resources
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from corridor.errors import CorridorError, DocumentRuleError, NotFoundError
from corridor.interop.dcsa import schema
from corridor.interop.dcsa.schema import (
    END_SPEC_FILE,
    ISS_SPEC_FILE,
    PINT_SPEC_FILE,
    SPEC_FILE,
    SUR_SPEC_FILE,
    VENDORED_SPECS,
    load_ebl_spec,
    load_spec,
    schema_errors,
    validate_schema,
)
from corridor.interop.dcsa.schema_loader import registry, spec_uri

SPEC_DIR = importlib.resources.files("corridor.interop.dcsa").joinpath("spec")
STANDARDS = Path(__file__).resolve().parents[4] / "shared" / "standards" / "dcsa"
CHECKSUM = "a" * 64


def _demo_td() -> dict[str, Any]:
    text = importlib.resources.files("corridor.demo").joinpath("chongqing_singapore_td.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return data


def _b64url(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _compact_jws(payload: Any) -> str:
    """A compact JWS in shape only: the schema checks the form, never the signature."""
    return f"{_b64url({'alg': 'ES256'})}.{_b64url(payload)}.c2lnbmF0dXJl"


def refused(spec_file: str, schema_name: str, instance: object) -> DocumentRuleError:
    with pytest.raises(DocumentRuleError) as caught:
        validate_schema(spec_file, schema_name, instance)
    return caught.value


# --- the public surface -------------------------------------------------------------------


def test_exported_names() -> None:
    assert sorted(schema.__all__) == [
        "END_SPEC_FILE",
        "ISS_SPEC_FILE",
        "PINT_SPEC_FILE",
        "SPEC_FILE",
        "SUR_SPEC_FILE",
        "VENDORED_SPECS",
        "describe_schema_error",
        "load_ebl_spec",
        "load_spec",
        "schema_errors",
        "validate_schema",
        "validate_transport_document_schema",
    ]


# --- the vendored files -------------------------------------------------------------------


@pytest.mark.parametrize("spec_file", [*VENDORED_SPECS, "LICENSE"])
def test_vendored_file_is_listed_with_its_checksum(spec_file: str) -> None:
    digest = hashlib.sha256(SPEC_DIR.joinpath(spec_file).read_bytes()).hexdigest()
    readme = SPEC_DIR.joinpath("README.md").read_text(encoding="utf-8")
    assert f"`{spec_file}`" in readme
    assert digest in readme


@pytest.mark.skipif(not STANDARDS.is_dir(), reason="the shared standards folder is not here")
@pytest.mark.parametrize("spec_file", [*VENDORED_SPECS, "LICENSE"])
def test_vendored_file_is_byte_for_byte_the_dcsa_file(spec_file: str) -> None:
    assert SPEC_DIR.joinpath(spec_file).read_bytes() == (STANDARDS / spec_file).read_bytes()


@pytest.mark.parametrize("spec_file", list(VENDORED_SPECS))
def test_every_spec_loads_once(spec_file: str) -> None:
    assert load_spec(spec_file) is load_spec(spec_file)
    assert str(load_spec(spec_file)["openapi"]).startswith("3.0")
    assert load_ebl_spec() is load_spec(SPEC_FILE)


def test_unquoted_date_times_stay_strings() -> None:
    media = load_spec(SUR_SPEC_FILE)["paths"]["/v3/ebl-surrender-requests"]["post"]["requestBody"]
    example = media["content"]["application/json"]["examples"]["surrenderExample"]["value"]
    assert example["endorsementChain"][0]["actionDateTime"] == "2024-09-04T09:41:00Z"


def test_every_spec_has_its_own_base_uri_in_one_registry() -> None:
    uris = {spec_uri(spec_file) for spec_file in VENDORED_SPECS}
    assert len(uris) == len(VENDORED_SPECS)
    # A $ref into another file resolves: the eBL 3.0.3 TD schema, reached from anywhere.
    validator = Draft4Validator(
        {"$ref": f"{spec_uri(SPEC_FILE)}#/components/schemas/TransportDocument"},
        registry=registry(),
    )
    validator.validate(_demo_td())


# --- unknown specs and schemas ------------------------------------------------------------


@pytest.mark.parametrize("spec_file", ["TNT_v1.0.0.yaml", "BKG_v2.0.0.yaml", "../LICENSE"])
def test_a_spec_that_is_not_vendored_is_a_clear_error(spec_file: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        validate_schema(spec_file, "Event", {})
    assert isinstance(caught.value, CorridorError)
    assert not isinstance(caught.value, KeyError)
    assert spec_file in str(caught.value)
    assert PINT_SPEC_FILE in str(caught.value)  # it lists what is vendored


def test_an_unknown_schema_name_is_a_clear_error() -> None:
    with pytest.raises(NotFoundError) as caught:
        schema_errors(PINT_SPEC_FILE, "EnvelopeTransferFinishedRespons", {})
    message = str(caught.value)
    assert not isinstance(caught.value, KeyError)
    assert PINT_SPEC_FILE in message
    assert "'EnvelopeTransferFinishedRespons'" in message
    assert "did you mean EnvelopeTransferFinishedResponse" in message


def test_a_tnt_schema_name_in_an_ebl_spec_is_a_clear_error() -> None:
    with pytest.raises(NotFoundError, match=r"\(EBL_END_v3\.0\.3\.yaml\) has no schema 'Event'"):
        validate_schema(END_SPEC_FILE, "Event", {})


# --- PINT ---------------------------------------------------------------------------------

FINISHED_EXTRAS: dict[str, dict[str, Any]] = {
    "RECE": {"receivedAdditionalDocumentChecksums": [CHECKSUM]},
    "DUPE": {
        "duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent": _compact_jws({}),
        "receivedAdditionalDocumentChecksums": [],
    },
    "BSIG": {"reason": "the manifest signature does not verify"},
    "BENV": {"reason": "the first transaction is not ISSUE"},
    "INCD": {"reason": "the document does not match its checksum"},
    "MDOC": {"missingAdditionalDocumentChecksums": [CHECKSUM]},
    "DISE": {"reason": "this node holds a different chain for the document"},
}


@pytest.mark.parametrize("code", list(FINISHED_EXTRAS))
def test_envelope_transfer_finished_response_for_each_code(code: str) -> None:
    response = {
        "lastEnvelopeTransferChainEntrySignedContentChecksum": CHECKSUM,
        "responseCode": code,
        **FINISHED_EXTRAS[code],
    }
    validate_schema(PINT_SPEC_FILE, "EnvelopeTransferFinishedResponse", response)


def test_an_unknown_response_code_names_the_field() -> None:
    response = {
        "lastEnvelopeTransferChainEntrySignedContentChecksum": CHECKSUM,
        "responseCode": "OKAY",
    }
    error = refused(PINT_SPEC_FILE, "EnvelopeTransferFinishedResponse", response)
    assert error.location == "/responseCode"
    assert error.reason == (
        "responseCode must be one of RECE, DUPE, BSIG, BENV, INCD, MDOC, DISE, not 'OKAY'"
    )
    assert schema_errors(PINT_SPEC_FILE, "EnvelopeTransferFinishedResponse", response) == [
        f"/responseCode: {error.reason}"
    ]


def test_a_missing_field_names_the_pint_spec() -> None:
    error = refused(PINT_SPEC_FILE, "EnvelopeTransferFinishedResponse", {"responseCode": "RECE"})
    assert error.location == "/lastEnvelopeTransferChainEntrySignedContentChecksum"
    assert "required by DCSA eBL PINT 3.0.0" in error.reason


def test_an_error_at_the_root_names_the_schema() -> None:
    error = refused(PINT_SPEC_FILE, "EnvelopeTransferFinishedResponse", "RECE")
    assert error.location == ""
    assert error.reason == "EnvelopeTransferFinishedResponse must be an object, not a string"


def _envelope() -> dict[str, Any]:
    return {
        "transportDocument": _demo_td(),
        "envelopeManifestSignedContent": _compact_jws({"transportDocumentChecksum": CHECKSUM}),
        "envelopeTransferChain": [_compact_jws({"eblPlatform": "CRDR"})],
    }


def test_an_envelope_with_the_demo_transport_document_validates() -> None:
    validate_schema(PINT_SPEC_FILE, "EblEnvelope", _envelope())


def test_an_envelope_checks_its_transport_document_and_jws_forms() -> None:
    envelope = _envelope()
    bad = copy.deepcopy(envelope)
    bad["transportDocument"]["isToOrder"] = "yes"
    assert refused(PINT_SPEC_FILE, "EblEnvelope", bad).location == "/transportDocument/isToOrder"
    bad = copy.deepcopy(envelope)
    bad["envelopeTransferChain"] = []
    assert refused(PINT_SPEC_FILE, "EblEnvelope", bad).location == "/envelopeTransferChain"
    bad = copy.deepcopy(envelope)
    bad["envelopeManifestSignedContent"] = "not a JWS"
    error = refused(PINT_SPEC_FILE, "EblEnvelope", bad)
    assert error.location == "/envelopeManifestSignedContent"
    assert "pattern" in error.reason


def test_control_tracking_registry_must_be_a_uri() -> None:
    entry = {
        "eblPlatform": "CRDR",
        "transportDocumentChecksum": CHECKSUM,
        "transactions": [
            {
                "actionCode": "ISSUE",
                "actionDateTime": "2026-03-12T08:00:00.000Z",
                "actor": {
                    "partyName": "Western Land-Sea",
                    "eblPlatform": "CRDR",
                    "identifyingCodes": [{"codeListProvider": "ZZZ", "partyCode": "WLSM"}],
                },
            }
        ],
        "controlTrackingRegistry": "https://ctr.example/registry",
    }
    validate_schema(PINT_SPEC_FILE, "EnvelopeTransferChainEntry", entry)
    entry["controlTrackingRegistry"] = "not a uri"
    error = refused(PINT_SPEC_FILE, "EnvelopeTransferChainEntry", entry)
    assert error.location == "/controlTrackingRegistry"
    assert "absolute URI" in error.reason


# --- ISS, SUR, END ------------------------------------------------------------------------


def _issuance_request() -> dict[str, Any]:
    media = load_spec(ISS_SPEC_FILE)["paths"]["/v3/ebl-issuance-requests"]["put"]["requestBody"]
    value = media["content"]["application/json"]["examples"]["regularSTDExample"]["value"]
    request: dict[str, Any] = copy.deepcopy(value)
    return request


@pytest.mark.parametrize("content", ["not base64!", "YWJj\n", "YWJjZA"])
def test_a_visualisation_must_be_standard_padded_base64(content: str) -> None:
    request = _issuance_request()
    request["eBLVisualisationByCarrier"]["content"] = content
    error = refused(ISS_SPEC_FILE, "IssuanceRequest", request)
    assert error.location == "/eBLVisualisationByCarrier/content"
    assert "base64" in error.reason


def test_issuance_response_code_is_checked() -> None:
    response = {"transportDocumentReference": "WLSM26CQSG0001", "issuanceResponseCode": "ISSU"}
    validate_schema(ISS_SPEC_FILE, "IssuanceResponse", response)
    response["issuanceResponseCode"] = "ISSUE"
    assert refused(ISS_SPEC_FILE, "IssuanceResponse", response).location == (
        "/issuanceResponseCode"
    )


@pytest.mark.parametrize(
    ("answer", "valid"),
    [
        ({"surrenderRequestReference": "SR-1", "action": "SURR"}, True),
        ({"surrenderRequestReference": "SR-1", "action": "SREJ", "comments": "unpaid"}, True),
        ({"surrenderRequestReference": "SR-1", "action": "SACC"}, False),
    ],
)
def test_surrender_request_answer(answer: dict[str, Any], valid: bool) -> None:
    assert (schema_errors(SUR_SPEC_FILE, "SurrenderRequestAnswer", answer) == []) is valid


def test_an_endorsement_chain_date_time_must_be_rfc3339() -> None:
    link = {
        "actionDateTime": "2026-03-12 08:00",
        "actionCode": "ISSUE",
        "actor": {
            "partyName": "Western Land-Sea",
            "eblPlatform": "CRDR",
            "identifyingCodes": [{"codeListProvider": "ZZZ", "partyCode": "WLSM"}],
        },
        "recipient": {
            "partyName": "Chongqing Exporter",
            "eblPlatform": "CRDR",
            "identifyingCodes": [{"codeListProvider": "ZZZ", "partyCode": "CQEX"}],
        },
    }
    error = refused(END_SPEC_FILE, "EndorsementChainLink", link)
    assert error.location == "/actionDateTime"
    assert "RFC 3339" in error.reason
    link["actionDateTime"] = "2026-03-12T08:00:00Z"
    validate_schema(END_SPEC_FILE, "EndorsementChainLink", link)
