"""The DCSA END 3.0.3 endorsement chain built from a document's signed history (both databases)."""

from __future__ import annotations

from typing import Any

import pytest

from corridor.domain.party import IdentifyingCode, Role
from corridor.domain.title import ActionCode
from corridor.errors import NodeError, NotFoundError
from corridor.interop.dcsa.schema import END_SPEC_FILE, schema_errors
from corridor.services.demo import demo_document, document_with_reference, seed_parties
from corridor.services.endorsement_chain import END_ACTION_CODES, endorsement_chain
from corridor.services.node import Node

JOURNEY: list[tuple[ActionCode, str, str | None]] = [
    (ActionCode.ENDORSE_TO_ORDER, "exporter", "cq_bank"),
    (ActionCode.TRANSFER, "exporter", "cq_bank"),
    (ActionCode.ENDORSE_TO_ORDER, "cq_bank", "sg_bank"),
    (ActionCode.TRANSFER, "cq_bank", "sg_bank"),
    (ActionCode.ENDORSE, "sg_bank", "importer"),
    (ActionCode.TRANSFER, "sg_bank", "importer"),
    (ActionCode.SURRENDER_FOR_DELIVERY, "importer", "carrier"),
    (ActionCode.SACC, "carrier", "importer"),
]


def run(node: Node, ids: dict[str, str], ref: str, steps: list[Any]) -> None:
    for code, actor, recipient in steps:
        node.act(
            ref, code, actor=ids[actor], recipient=None if recipient is None else ids[recipient]
        )


def party_ids(link: dict[str, Any], role: str) -> str | None:
    party = link.get(role)
    return None if party is None else party["identifyingCodes"][0]["partyCode"]


def test_demo_journey_is_newest_first_with_end_codes_and_parties(node: Node) -> None:
    ids = seed_parties(node)
    ref = node.issue(demo_document(), carrier=ids["carrier"], to=ids["exporter"]).document_reference
    run(node, ids, ref, JOURNEY)

    chain = endorsement_chain(node, ref)

    assert schema_errors(END_SPEC_FILE, "EndorsementChain", chain) == []
    assert chain["transportDocumentReference"] == ref
    assert chain["carrierSCACCode"] == "WLSM"  # the demo TD: carrierCode WLSM, NMFTA
    assert "transportDocumentSubReference" not in chain
    links = chain["endorsementChain"]
    expected = [(ActionCode.ISSUE, "carrier", "exporter"), *JOURNEY][::-1]
    assert [link["actionCode"] for link in links] == [END_ACTION_CODES[c] for c, _, _ in expected]
    assert links[0]["actionCode"] == "SURRENDERED"
    assert "recipient" not in links[0]
    assert links[-1]["actionCode"] == "ISSUE"
    for link, (code, actor, recipient) in zip(links, expected, strict=True):
        assert party_ids(link, "actor") == ids[actor]
        if code is not ActionCode.SACC:
            assert party_ids(link, "recipient") == (ids[recipient] if recipient else None)
    history = node.history(ref)
    assert [link["actionDateTime"] for link in links] == [
        item.payload.action_date_time for item in reversed(history)
    ]
    assert [link["auditReference"] for link in links] == [
        item.row.entry_hash for item in reversed(history)
    ]


def test_parties_carry_platform_codes_lei_and_tax_references(node: Node) -> None:
    ids = seed_parties(node)
    ref = node.issue(demo_document(), carrier=ids["carrier"], to=ids["exporter"]).document_reference
    run(node, ids, ref, JOURNEY[:2])

    transfer = endorsement_chain(node, ref)["endorsementChain"][0]

    assert transfer["actor"] == {
        "partyName": "Chongqing Yuxin Auto Parts Export Co., Ltd.",
        "eblPlatform": "CRDR",
        "identifyingCodes": [{"codeListProvider": "CRDR", "partyCode": ids["exporter"]}],
        "taxLegalReferences": [
            {"type": "USCC", "countryCode": "CN", "value": "91500112MA60B3KW0J"}
        ],
    }
    assert transfer["recipient"]["identifyingCodes"] == [
        {"codeListProvider": "CRDR", "partyCode": ids["cq_bank"]},
        {"codeListProvider": "GLEIF", "partyCode": "5493001CQYZB7K3N9T60", "codeListName": "LEI"},
    ]


def test_dcsa_codes_and_long_names(node: Node) -> None:
    ids = seed_parties(node)
    long_name = "Straits " + "Very Long Trading Name " * 5 + "Pte. Ltd."
    buyer = node.add_party(
        long_name, frozenset({Role.TRADER}), [IdentifyingCode.parse("DCSA:did:web:buyer.example")]
    )
    ref = node.issue(demo_document(), carrier=ids["carrier"], to=ids["exporter"]).document_reference
    run(node, ids, ref, [(ActionCode.ENDORSE_TO_ORDER, "exporter", "cq_bank")])
    node.act(ref, ActionCode.TRANSFER, actor=ids["exporter"], recipient=ids["cq_bank"])
    node.act(ref, ActionCode.ENDORSE, actor=ids["cq_bank"], recipient=buyer.party_id)

    chain = endorsement_chain(node, ref)
    recipient = chain["endorsementChain"][0]["recipient"]

    assert schema_errors(END_SPEC_FILE, "EndorsementChain", chain) == []
    assert len(recipient["partyName"]) <= 70
    assert long_name.startswith(recipient["partyName"])
    assert recipient["identifyingCodes"][1] == {
        "codeListProvider": "DCSA",
        "partyCode": "did:web:buyer.example",
    }


def test_surrender_rejection_is_left_out(node: Node) -> None:
    ids = seed_parties(node)
    ref = node.issue(demo_document(), carrier=ids["carrier"], to=ids["exporter"]).document_reference
    run(
        node,
        ids,
        ref,
        [
            (ActionCode.SURRENDER_FOR_AMENDMENT, "exporter", "carrier"),
            (ActionCode.SREJ, "carrier", "exporter"),
            (ActionCode.SIGN, "exporter", None),
        ],
    )

    chain = endorsement_chain(node, ref)

    assert [link["actionCode"] for link in chain["endorsementChain"]] == [
        "SIGN",
        "SURRENDER_FOR_AMENDMENT",
        "ISSUE",
    ]
    assert "recipient" not in chain["endorsementChain"][0]
    assert schema_errors(END_SPEC_FILE, "EndorsementChain", chain) == []
    assert ActionCode.SREJ not in END_ACTION_CODES
    assert ActionCode.VOID not in END_ACTION_CODES


def test_smdg_carrier_code_is_not_a_scac(node: Node) -> None:
    ids = seed_parties(node)
    document = document_with_reference("CQSMDG001")
    document["carrierCodeListProvider"] = "SMDG"
    node.issue(document, carrier=ids["carrier"], to=ids["exporter"])

    chain = endorsement_chain(node, "CQSMDG001")

    assert "carrierSCACCode" not in chain
    assert [link["actionCode"] for link in chain["endorsementChain"]] == ["ISSUE"]


def test_unknown_document(node: Node) -> None:
    with pytest.raises(NotFoundError):
        endorsement_chain(node, "NOSUCHREF")


def test_platform_code_too_long_for_end_is_refused(make_node: Any) -> None:
    node = make_node("longplatform", platform="CORRIDOR1")
    ids = seed_parties(node)
    node.issue(demo_document(), carrier=ids["carrier"], to=ids["exporter"])
    ref = demo_document()["transportDocumentReference"]

    with pytest.raises(NodeError, match="at most 4"):
        endorsement_chain(node, ref)
