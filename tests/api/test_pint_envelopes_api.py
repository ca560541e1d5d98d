"""PINT ``/v3/envelopes`` over HTTP: every answer of the receiver, signed and checked.

The sending platforms are played by the independent peer simulator (its own RS256 / ES256
signing and the ``rfc8785`` package); the node only knows their public keys, registered as PEM.
Every signed answer is verified with the node's public key and its payload validated against
the vendored PINT schema.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient
from tests.conftest import NodeFactory
from tests.unit.interop.pint.conftest import peer_module

from corridor.api.app import create_app
from corridor.crypto.jws import verify_compact
from corridor.crypto.peer_keys import load_peer_key
from corridor.domain.party import Role
from corridor.domain.title import ActionCode, Status
from corridor.errors import NotFoundError
from corridor.interop.dcsa.schema import validate_schema
from corridor.services.audit import audit
from corridor.services.demo import seed_parties
from corridor.services.node import Node
from corridor.services.platforms import Platforms
from corridor.storage import pint as pint_rows

PINT = "EBL_PINT_v3.0.0.yaml"
HERE = peer_module.THIS_PLATFORM


@pytest.fixture
def node(make_node: NodeFactory) -> Node:
    return make_node(platform=HERE)


@pytest.fixture
def importer(node: Node) -> dict[str, Any]:
    party = node.add_party("Lion City Auto Components Pte. Ltd.", frozenset({Role.CONSIGNEE}))
    return peer_module.party(party.name, HERE, (HERE, party.party_id))


@pytest.fixture
def peer(node: Node) -> Any:
    """Signers for BOLE, WAVE and the carrier WLSM, registered on the node under RFC 7638 kids."""
    registry = Platforms(node)
    signers = {}
    for code, alg in (("BOLE", "RS256"), ("WAVE", "ES256"), ("WLSM", "ES256")):
        signer = peer_module.Signer.generate(code, alg)
        pem = signer.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        signers[code] = dataclasses.replace(signer, kid=load_peer_key(pem).kid)
        registry.add(code, f"Platform {code}", f"https://{code.lower()}.example", [pem])
    return peer_module.Peer(signers)


@pytest.fixture
def client(node: Node) -> TestClient:
    return TestClient(create_app(node, web=False))


def hops(importer: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    tx, carrier, shipper, bank = (
        peer_module.tx,
        peer_module.CARRIER,
        peer_module.SHIPPER,
        peer_module.BANK,
    )
    return [
        ("BOLE", [tx("ISSUE", carrier, shipper), tx("ENDORSE_TO_ORDER", shipper, bank)]),
        ("BOLE", [tx("TRANSFER", shipper, bank)]),
        ("WAVE", [tx("ENDORSE", bank, importer), tx("TRANSFER", bank, importer)]),
    ]


def signed(node: Node, response: Any, status: int, code: str) -> dict[str, Any]:
    """Check a signed answer: status, signature under the node's key, schema, response code."""
    assert response.status_code == status, response.text
    assert response.headers["API-Version"] == "3.0.0"
    jws = response.json()
    _, body = verify_compact(jws, node.node_key.public_key)
    payload: dict[str, Any] = json.loads(body)
    validate_schema(PINT, "EnvelopeTransferFinishedResponse", payload)
    assert payload["responseCode"] == code, payload
    return payload


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_received_and_imported(node, client, peer, importer) -> None:
    chain = peer.chain(*hops(importer))
    answer = signed(node, client.post("/v3/envelopes", json=peer.envelope(chain)), 200, "RECE")
    assert answer["lastEnvelopeTransferChainEntrySignedContentChecksum"] == (
        peer_module.ascii_sha256(chain[-1])
    )
    record = node.record(peer.td["transportDocumentReference"]).record
    assert record.status is Status.ISSUED
    assert node.party(record.possessor).name == importer["partyName"]
    assert node.party(record.carrier).platform == "BOLE"
    assert audit(node).ok
    # The node now holds it: the importer may act on it here.
    node.act(record.document_reference, ActionCode.SIGN, actor=record.possessor)


def test_resent_envelope_is_duplicate(node, client, peer, importer) -> None:
    envelope = peer.envelope(peer.chain(*hops(importer)))
    signed(node, client.post("/v3/envelopes", json=envelope), 200, "RECE")
    answer = signed(node, client.post("/v3/envelopes", json=envelope), 200, "DUPE")
    assert (
        answer["duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent"]
        == (envelope["envelopeTransferChain"][-1])
    )
    assert len(node.history(envelope["transportDocument"]["transportDocumentReference"])) == 1


@pytest.mark.parametrize("part", ["chain", "manifest"])
def test_flipped_bit_is_bad_signature(node, client, peer, importer, part) -> None:
    envelope = peer.envelope(peer.chain(*hops(importer)))
    if part == "chain":
        envelope["envelopeTransferChain"][0] = peer_module.flip_bit(
            envelope["envelopeTransferChain"][0]
        )
    else:
        envelope["envelopeManifestSignedContent"] = peer_module.flip_bit(
            envelope["envelopeManifestSignedContent"]
        )
    signed(node, client.post("/v3/envelopes", json=envelope), 422, "BSIG")
    assert node.records() == []


def test_recipient_not_on_this_node_is_bad_envelope(node, client, peer) -> None:
    stranger = peer_module.party("Nobody Here Ltd.", HERE, (HERE, "nobody"))
    answer = signed(
        node, client.post("/v3/envelopes", json=peer.envelope(peer.chain(*hops(stranger)))),
        422, "BENV",
    )  # fmt: skip
    assert "not exactly one party" in answer["reason"]
    assert node.records() == []


def test_documents_missing_wrong_then_right(node, client, peer, importer) -> None:
    invoice = peer_module.Document("invoice.pdf", b"%PDF-1.7 commercial invoice")
    envelope = peer.envelope(peer.chain(*hops(importer)), (invoice,))
    started = client.post("/v3/envelopes", json=envelope)
    assert started.status_code == 201, started.text
    body = started.json()
    validate_schema(PINT, "EnvelopeTransferStartedResponse", body)
    assert body["missingAdditionalDocumentChecksums"] == [invoice.checksum]
    base = f"/v3/envelopes/{body['envelopeReference']}"

    signed(node, client.put(f"{base}/finish-transfer"), 409, "MDOC")
    wrong = client.put(
        f"{base}/additional-documents/{invoice.checksum}", json=b64(b"%PDF-1.7 another file")
    )
    assert "is not the declared" in signed(node, wrong, 409, "INCD")["reason"]
    undeclared = client.put(f"{base}/additional-documents/{'0' * 64}", json=b64(b"x"))
    signed(node, undeclared, 409, "INCD")
    assert node.records() == []

    right = client.put(f"{base}/additional-documents/{invoice.checksum}", json=b64(invoice.content))
    assert right.status_code == 204, right.text
    finished = signed(node, client.put(f"{base}/finish-transfer"), 200, "RECE")
    assert finished["receivedAdditionalDocumentChecksums"] == [invoice.checksum]
    again = client.put(f"{base}/finish-transfer")
    assert again.json() == client.put(f"{base}/finish-transfer").json()
    assert len(node.records()) == 1


def test_double_spend_is_disputed_and_changes_nothing(node, client, peer, importer) -> None:
    signed(node, client.post("/v3/envelopes", json=peer.envelope(peer.chain(*hops(importer)))),
           200, "RECE")  # fmt: skip
    before = node.history(peer.td["transportDocumentReference"])
    tx = peer_module.tx
    fork = peer.chain(
        ("BOLE", [tx("ISSUE", peer_module.CARRIER, peer_module.SHIPPER)]),
        ("BOLE", [tx("TRANSFER", peer_module.SHIPPER, importer)]),
    )
    signed(node, client.post("/v3/envelopes", json=peer.envelope(fork)), 409, "DISE")
    assert node.history(peer.td["transportDocumentReference"]) == before


def test_an_ebl_issued_here_cannot_arrive_from_elsewhere(node, client, peer) -> None:
    ids = seed_parties(node)
    node.issue(peer.td, carrier=ids["carrier"], to=ids["exporter"])
    importer = peer_module.party(
        "Lion City Auto Components Pte. Ltd.", HERE, (HERE, ids["importer"])
    )
    envelope = peer.envelope(peer.chain(*hops(importer)))
    signed(node, client.post("/v3/envelopes", json=envelope), 409, "DISE")


def test_unknown_transfer_and_malformed_envelope_are_unsigned_errors(client) -> None:
    missing = client.put(f"/v3/envelopes/{'a' * 32}/finish-transfer")
    assert missing.status_code == 404
    validate_schema(PINT, "ErrorResponse", missing.json())
    malformed = client.post("/v3/envelopes", json={"envelopeTransferChain": []})
    assert malformed.status_code == 400
    validate_schema(PINT, "ErrorResponse", malformed.json())


def _chain_actions(node: Node, td_checksum: str) -> list[str]:
    with node.engine.connect() as conn:
        kept = pint_rows.chain_of(conn, td_checksum)
    return [
        tx["actionCode"]
        for row in kept
        for tx in json.loads(base64.urlsafe_b64decode(row.jws.split(".")[1] + "=="))["transactions"]
    ]


def test_an_endorsement_notification_is_kept_and_moves_nothing(
    node, client, peer, importer
) -> None:
    tx, carrier, shipper, bank = (
        peer_module.tx,
        peer_module.CARRIER,
        peer_module.SHIPPER,
        peer_module.BANK,
    )
    notified = [
        ("BOLE", [tx("ISSUE", carrier, shipper), tx("ENDORSE_TO_ORDER", shipper, bank)]),
        ("BOLE", [tx("TRANSFER", shipper, bank)]),
        ("WAVE", [tx("ENDORSE", bank, importer)]),
    ]
    chain = peer.chain(*notified)
    envelope = peer.envelope(chain)
    signed(node, client.post("/v3/envelopes", json=envelope), 200, "RECE")
    reference = peer.td["transportDocumentReference"]
    with pytest.raises(NotFoundError):  # the register knows nothing new
        node.record(reference)
    assert _chain_actions(node, peer.td_checksum) == [
        "ISSUE",
        "ENDORSE_TO_ORDER",
        "TRANSFER",
        "ENDORSE",
    ]
    signed(node, client.post("/v3/envelopes", json=envelope), 200, "DUPE")

    # The transfer that follows extends the notified chain and is imported.
    extended = [*chain, peer.entry("WAVE", [tx("TRANSFER", bank, importer)], chain[-1])]
    signed(node, client.post("/v3/envelopes", json=peer.envelope(extended)), 200, "RECE")
    record = node.record(reference).record
    assert node.party(record.possessor).name == importer["partyName"]
    assert record.endorsee == record.possessor
    # The notification arriving late, after the longer chain, is a duplicate, not a fork.
    signed(node, client.post("/v3/envelopes", json=envelope), 200, "DUPE")
    assert audit(node).ok
