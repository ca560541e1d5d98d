"""DCSA EBL_ISS / EBL_SUR 3.0.3, carrier side: ``CarrierSystem``, checked independently."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from corridor.errors import ConflictError, DocumentRuleError, InputError, NotFoundError
from corridor.interop.dcsa.schema import ISS_SPEC_FILE, SUR_SPEC_FILE, schema_errors
from corridor.services.dcsa_carrier import CarrierSystem, Visualisation
from corridor.services.dcsa_outbox import Outbox
from corridor.services.node import Node
from corridor.services.platforms import Platforms

REF = "WLSM26CQSG0001"
TO = {
    "partyName": "HHL Invest",
    "sendToPlatform": "BOLE",
    "identifyingCodes": [{"codeListProvider": "BOLE", "partyCode": "BOLE001"}],
}


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def carrier(node: Node, sim: Any) -> tuple[CarrierSystem, Any]:
    Platforms(node).add("BOLE", "Bolero", "http://bole.test")
    recorder = sim.Recorder()
    return CarrierSystem(node, Outbox(node, recorder.client())), recorder


def test_the_issuance_request_verifies_independently(
    carrier: tuple[CarrierSystem, Any], sim: Any
) -> None:
    system, _ = carrier
    pdf = b"%PDF-1.7 rendering"
    request = system.issuance_request(sim.td(REF), TO, Visualisation("copy.pdf", pdf))
    assert schema_errors(ISS_SPEC_FILE, "IssuanceRequest", request) == []
    header_b64, payload_b64, signature_b64 = request["issuanceManifestSignedContent"].split(".")
    header = json.loads(_b64url(header_b64))
    assert header["alg"] == "EdDSA"
    public = load_pem_public_key(system.carrier_public_pem("WLSM").encode())
    public.verify(_b64url(signature_b64), f"{header_b64}.{payload_b64}".encode())  # type: ignore[union-attr, call-arg]
    manifest = json.loads(_b64url(payload_b64))
    assert schema_errors(ISS_SPEC_FILE, "IssuanceManifest", manifest) == []
    assert manifest == {
        "documentChecksum": hashlib.sha256(rfc8785.dumps(sim.td(REF))).hexdigest(),
        "issueToChecksum": hashlib.sha256(rfc8785.dumps(TO)).hexdigest(),
        "eBLVisualisationByCarrierChecksum": hashlib.sha256(pdf).hexdigest(),
    }
    assert base64.b64decode(request["eBLVisualisationByCarrier"]["content"]) == pdf


def test_the_carrier_key_is_stable_and_not_the_node_key(node: Node) -> None:
    system = CarrierSystem(node)
    key = system.signing_key("WLSM")
    assert key.public_key.kid == CarrierSystem(node).signing_key("WLSM").public_key.kid
    assert key.public_key.kid != system.signing_key("MSCU").public_key.kid
    assert key.public_key.kid != node.node_key.public_key.kid


def test_an_invalid_document_is_refused_naming_the_field(
    carrier: tuple[CarrierSystem, Any], sim: Any
) -> None:
    system, _ = carrier
    document = sim.td(REF)
    del document["transportDocumentReference"]
    with pytest.raises(DocumentRuleError) as caught:
        system.issuance_request(document, TO)
    assert caught.value.location == "/document/transportDocumentReference"


def test_send_puts_the_request_and_keeps_the_answer(
    carrier: tuple[CarrierSystem, Any], sim: Any
) -> None:
    system, recorder = carrier
    outbox_id = system.send_issuance(sim.td(REF), platform="BOLE", issue_to=TO)
    assert system.outbox.deliver(outbox_id).status == "DELIVERED"
    (call,) = recorder.calls
    assert (call.method, call.url) == ("PUT", "http://bole.test/v3/ebl-issuance-requests")
    assert schema_errors(ISS_SPEC_FILE, "IssuanceRequest", call.body) == []
    with pytest.raises(InputError, match="sent already"):
        system.send_issuance(sim.td(REF), platform="BOLE", issue_to=TO)
    assert system.issuance_status(REF).sent.response_code is None
    answer = {"transportDocumentReference": REF, "issuanceResponseCode": "ISSU"}
    system.receive_issuance_response(json.dumps(answer))
    assert system.issuance_status(REF).sent.response_code == "ISSU"
    with pytest.raises(ConflictError, match="already answered"):
        system.receive_issuance_response(json.dumps(answer))


def test_a_refused_put_is_failed_not_retried(carrier: tuple[CarrierSystem, Any], sim: Any) -> None:
    system, recorder = carrier
    recorder.statuses.append(409)
    outbox_id = system.send_issuance(sim.td(REF), platform="BOLE", issue_to=TO)
    row = system.outbox.deliver(outbox_id)
    assert row.status == "FAILED"
    assert row.last_status == 409
    assert system.outbox.deliver_due() == 0


def test_send_to_an_unknown_platform_is_refused(node: Node, sim: Any) -> None:
    with pytest.raises(NotFoundError):
        CarrierSystem(node).send_issuance(sim.td(REF), platform="WAVE", issue_to=TO)


def test_an_answer_for_a_request_never_sent_is_not_found(node: Node) -> None:
    answer = {"transportDocumentReference": REF, "issuanceResponseCode": "REFU", "reason": "no"}
    with pytest.raises(NotFoundError):
        CarrierSystem(node).receive_issuance_response(json.dumps(answer))


def _surrender_request(reference: str = "Z12345", document: str = REF) -> str:
    body = {
        "surrenderRequestReference": reference,
        "transportDocumentReference": document,
        "surrenderRequestCode": "SREQ",
    }
    assert schema_errors(SUR_SPEC_FILE, "SurrenderRequestDetails", body) == []
    return json.dumps(body)


def test_surrender_requests_are_kept_and_answered_once(
    carrier: tuple[CarrierSystem, Any], sim: Any
) -> None:
    system, recorder = carrier
    system.send_issuance(sim.td(REF), platform="BOLE", issue_to=TO)
    row = system.receive_surrender_request(_surrender_request())
    assert (row.platform_code, row.transport_document_reference) == ("BOLE", REF)
    with pytest.raises(ConflictError, match="used before"):
        system.receive_surrender_request(_surrender_request())
    assert [r.surrender_request_reference for r in system.surrender_requests()] == ["Z12345"]
    outbox_id = system.answer_surrender("Z12345", accept=True)
    assert system.outbox.deliver(outbox_id).status == "DELIVERED"
    call = recorder.calls[-1]
    assert (call.method, call.url) == ("POST", "http://bole.test/v3/ebl-surrender-responses")
    assert call.body == {"surrenderRequestReference": "Z12345", "action": "SURR"}
    assert schema_errors(SUR_SPEC_FILE, "SurrenderRequestAnswer", call.body) == []
    with pytest.raises(ConflictError, match="already answered"):
        system.answer_surrender("Z12345", accept=False, comments="changed my mind")


def test_a_rejection_carries_comments(carrier: tuple[CarrierSystem, Any], sim: Any) -> None:
    system, recorder = carrier
    system.send_issuance(sim.td(REF), platform="BOLE", issue_to=TO)
    system.receive_surrender_request(_surrender_request())
    with pytest.raises(InputError, match="comments"):
        system.answer_surrender("Z12345", accept=False)
    system.outbox.deliver(system.answer_surrender("Z12345", accept=False, comments=" unpaid  "))
    assert recorder.calls[-1].body == {
        "surrenderRequestReference": "Z12345",
        "action": "SREJ",
        "comments": "unpaid",
    }


def test_a_surrender_request_for_a_document_not_sent_is_not_found(node: Node) -> None:
    with pytest.raises(NotFoundError, match="did not send"):
        CarrierSystem(node).receive_surrender_request(_surrender_request())


def test_answering_an_unknown_request_is_not_found(node: Node) -> None:
    with pytest.raises(NotFoundError):
        CarrierSystem(node).answer_surrender("nope", accept=True)
