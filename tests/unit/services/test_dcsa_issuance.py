"""DCSA EBL_ISS 3.0.3, platform side: every check of ``IssuanceRequests`` and its answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from corridor.domain.title import Status
from corridor.errors import (
    ConflictError,
    DocumentRuleError,
    MalformedInputError,
    VerificationError,
)
from corridor.interop.dcsa.schema import ISS_SPEC_FILE, schema_errors
from corridor.services.dcsa_issuance import IssuanceRequests
from corridor.services.platforms import Platforms

from .conftest import PlatformSide

REF = "WLSM26CQSG0001"


def _requests(platform: PlatformSide) -> IssuanceRequests:
    return IssuanceRequests(platform.node, platform.outbox)


def _send(platform: PlatformSide, body: dict[str, Any]) -> str:
    return _requests(platform).receive(json.dumps(body).encode())


def _answer(platform: PlatformSide) -> dict[str, Any]:
    """Process, deliver, and return the one IssuanceResponse the carrier received."""
    requests = _requests(platform)
    assert requests.process_pending() == 1
    assert platform.outbox.deliver_due() == 1
    (call,) = platform.carrier.calls
    assert call.method == "POST"
    assert call.url == "http://carrier.test/v3/ebl-issuance-responses"
    assert schema_errors(ISS_SPEC_FILE, "IssuanceResponse", call.body) == []
    body: dict[str, Any] = call.body
    return body


def _valid(platform: PlatformSide, sim: Any, **changes: Any) -> dict[str, Any]:
    return sim.issuance_request(platform.signer, sim.td(REF), platform.issue_to(), **changes)


def test_a_signed_request_is_issued_and_answered_issu(platform: PlatformSide, sim: Any) -> None:
    assert _send(platform, _valid(platform, sim)) == REF
    assert _requests(platform).get(REF).state == "RECEIVED"
    answer = _answer(platform)
    assert answer == {"transportDocumentReference": REF, "issuanceResponseCode": "ISSU"}
    record = platform.node.record(REF).record
    assert record.status is Status.ISSUED
    assert record.possessor == platform.ids["exporter"]
    assert record.carrier == platform.ids["carrier"]
    assert record.document_checksum == sim.peer.jcs_sha256(sim.td(REF))
    assert _requests(platform).get(REF).response_code == "ISSU"


def test_a_visualisation_signed_by_the_carrier_is_accepted(
    platform: PlatformSide, sim: Any
) -> None:
    _send(platform, _valid(platform, sim, visualisation=b"%PDF-1.7 carrier copy"))
    assert _answer(platform)["issuanceResponseCode"] == "ISSU"


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "EdDSA"])
def test_every_peer_algorithm_verifies(platform: PlatformSide, sim: Any, alg: str) -> None:
    signer = sim.carrier_signer(alg)
    Platforms(platform.node).add_key(sim.CARRIER_CODE, sim.public_pem(signer))
    body = sim.issuance_request(signer, sim.td(REF), platform.issue_to())
    assert _send(platform, body) == REF


def test_a_body_that_is_not_json_is_malformed(platform: PlatformSide) -> None:
    with pytest.raises(MalformedInputError):
        _requests(platform).receive(b"{not json")


def test_a_schema_violation_names_the_field(platform: PlatformSide, sim: Any) -> None:
    body = _valid(platform, sim)
    del body["issueTo"]["sendToPlatform"]
    with pytest.raises(DocumentRuleError) as caught:
        _send(platform, body)
    assert caught.value.location == "/issueTo/sendToPlatform"


def test_a_bad_signature_is_refused_and_nothing_is_stored(platform: PlatformSide, sim: Any) -> None:
    body = _valid(platform, sim)
    body["issuanceManifestSignedContent"] = sim.peer.flip_bit(body["issuanceManifestSignedContent"])
    with pytest.raises(VerificationError) as caught:
        _send(platform, body)
    assert caught.value.check == "issuanceManifestSignedContent"
    assert "does not verify" in caught.value.detail
    assert _send(platform, _valid(platform, sim)) == REF  # the reference was not taken


def test_a_key_the_registry_does_not_hold_is_refused(platform: PlatformSide, sim: Any) -> None:
    stranger = sim.carrier_signer()
    with pytest.raises(VerificationError, match="no key registered for WLSM"):
        _send(platform, sim.issuance_request(stranger, sim.td(REF), platform.issue_to()))


def test_a_carrier_without_a_registered_system_is_refused(platform: PlatformSide, sim: Any) -> None:
    document = sim.td(REF)
    document["carrierCode"] = "ZZZZ"
    body = sim.issuance_request(platform.signer, document, platform.issue_to())
    with pytest.raises(VerificationError, match="no carrier system 'ZZZZ'"):
        _send(platform, body)


def test_a_manifest_payload_that_is_not_an_issuance_manifest_is_refused(
    platform: PlatformSide, sim: Any
) -> None:
    body = _valid(platform, sim, documentChecksum="not-hex")
    with pytest.raises(VerificationError, match="not an IssuanceManifest"):
        _send(platform, body)


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"documentChecksum": "0" * 64}, "documentChecksum"),
        ({"issueToChecksum": "0" * 64}, "issueToChecksum"),
        (
            {"visualisation": b"%PDF", "eBLVisualisationByCarrierChecksum": "0" * 64},
            "eBLVisualisationByCarrierChecksum",
        ),
        ({"eBLVisualisationByCarrierChecksum": "a" * 64}, "eBLVisualisationByCarrierChecksum"),
    ],
)
def test_checksums_must_match_what_was_sent(
    platform: PlatformSide, sim: Any, changes: dict[str, Any], check: str
) -> None:
    with pytest.raises(VerificationError) as caught:
        _send(platform, _valid(platform, sim, **changes))
    assert caught.value.check == check


def test_an_unsigned_visualisation_is_refused(platform: PlatformSide, sim: Any) -> None:
    body = _valid(platform, sim)
    body["eBLVisualisationByCarrier"] = {"name": "x.pdf", "content": "JVBERg=="}
    with pytest.raises(VerificationError) as caught:
        _send(platform, body)
    assert caught.value.check == "eBLVisualisationByCarrierChecksum"


def test_the_issue_to_checksum_is_over_issue_to_as_sent(platform: PlatformSide, sim: Any) -> None:
    body = _valid(platform, sim)
    body["issueTo"]["partyName"] = "Someone Else Ltd"
    with pytest.raises(VerificationError) as caught:
        _send(platform, body)
    assert caught.value.check == "issueToChecksum"


def test_a_reference_is_accepted_once(platform: PlatformSide, sim: Any) -> None:
    _send(platform, _valid(platform, sim))
    with pytest.raises(ConflictError, match="used before"):
        _send(platform, _valid(platform, sim))


def test_a_reference_already_issued_here_is_a_conflict(platform: PlatformSide, sim: Any) -> None:
    ids = platform.ids
    platform.node.issue(sim.td(REF), carrier=ids["carrier"], to=ids["exporter"])
    with pytest.raises(ConflictError):
        _send(platform, _valid(platform, sim))


def test_issue_to_on_another_platform_is_breq_naming_the_field(
    platform: PlatformSide, sim: Any
) -> None:
    to = sim.issue_to(platform.ids["exporter"], "Chongqing Yuxin", platform="BOLE")
    _send(platform, sim.issuance_request(platform.signer, sim.td(REF), to))
    answer = _answer(platform)
    assert answer["issuanceResponseCode"] == "BREQ"
    assert "$.issueTo.sendToPlatform" in answer["reason"]
    assert answer["errors"][0]["errorCode"] == "issueTo.sendToPlatform"
    with pytest.raises(Exception, match="no eBL"):
        platform.node.record(REF)


def test_an_unknown_issue_to_party_is_refu(platform: PlatformSide, sim: Any) -> None:
    to = sim.issue_to("no-such-party", "HHL Invest")
    _send(platform, sim.issuance_request(platform.signer, sim.td(REF), to))
    answer = _answer(platform)
    assert answer["issuanceResponseCode"] == "REFU"
    assert answer["errors"][0]["errorCode"] == "ISSUE_TO_UNKNOWN"


@pytest.mark.parametrize(
    ("issuer", "code"),
    [("Unknown Lines Ltd", "CARRIER_UNKNOWN"), ("Straits Merchant Bank Singapore", "CARRIER_ROLE")],
)
def test_the_issuing_party_must_be_a_local_carrier(
    platform: PlatformSide, sim: Any, issuer: str, code: str
) -> None:
    document = sim.td(REF)
    document["documentParties"]["issuingParty"]["partyName"] = issuer
    _send(platform, sim.issuance_request(platform.signer, document, platform.issue_to()))
    answer = _answer(platform)
    assert answer["issuanceResponseCode"] == "REFU"
    assert answer["errors"][0]["errorCode"] == code


def test_a_document_rule_broken_at_issue_is_breq_naming_the_field(
    platform: PlatformSide, sim: Any
) -> None:
    document = sim.td(REF)
    document["documentParties"]["endorsee"]["partyName"] = "Nobody Registered Ltd"
    _send(platform, sim.issuance_request(platform.signer, document, platform.issue_to()))
    answer = _answer(platform)
    assert answer["issuanceResponseCode"] == "BREQ"
    assert answer["errors"][0]["errorCode"] == "DOCUMENT_RULE"
    assert answer["reason"].startswith("$.document.documentParties.endorsee.partyName")


def test_processing_after_a_crash_answers_issu_once(platform: PlatformSide, sim: Any) -> None:
    _send(platform, _valid(platform, sim))
    ids = platform.ids
    platform.node.issue(sim.td(REF), carrier=ids["carrier"], to=ids["exporter"])  # then "crash"
    assert _answer(platform)["issuanceResponseCode"] == "ISSU"
    assert _requests(platform).process(REF) is None  # answered: never twice
    assert _requests(platform).process_pending() == 0


def test_a_leased_request_is_not_processed_twice(platform: PlatformSide, sim: Any) -> None:
    _send(platform, _valid(platform, sim))
    first = _requests(platform)
    assert first.process(REF) is not None
    assert first.process(REF) is None
