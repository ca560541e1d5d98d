"""A bundle that was tampered with is refused by the named check, from the API and the CLI.

One journey (issue to the exporter, endorse and transfer through the Chongqing bank to the
Singapore bank) is exported as a bundle; each case changes one thing in it and expects
``verify_bundle`` to raise ``VerificationError`` with that case's check and message, and
``corridor verify`` to exit 1 printing one line that names the check.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from corridor.cli.main import app
from corridor.crypto.canonical import canonical_bytes, parse_json, sha256_hex
from corridor.crypto.jws import sign_compact
from corridor.crypto.keys import PrivateKey, b64url_decode, b64url_encode
from corridor.domain.entry import ENTRY_TYPE, EntryPayload, format_action_datetime
from corridor.domain.party import Role
from corridor.domain.title import ActionCode
from corridor.errors import VerificationError
from corridor.ledger.checkpoint import NoteSigner, open_checkpoint, sign_checkpoint
from corridor.services.bundle import (
    HEAD_ATTESTATION_TYPE,
    KEY_ATTESTATION_TYPE,
    attest,
    build_bundle,
)
from corridor.services.demo import demo_document, seed_parties
from corridor.services.node import Node
from corridor.services.verify import load_bundle, verify_bundle

Bundle = dict[str, Any]

JOURNEY = [
    (ActionCode.ENDORSE_TO_ORDER, "exporter", "cq_bank"),
    (ActionCode.TRANSFER, "exporter", "cq_bank"),
    (ActionCode.ENDORSE_TO_ORDER, "cq_bank", "sg_bank"),
    (ActionCode.TRANSFER, "cq_bank", "sg_bank"),
]


@dataclass
class Journey:
    node: Node
    ids: dict[str, str]
    ref: str
    bundle: Bundle
    tmp_path: Path


@dataclass(frozen=True)
class Tampered:
    text: str
    node_key: str | None = None


@pytest.fixture
def journey(sqlite_node: Node, tmp_path: Path) -> Journey:
    ids = seed_parties(sqlite_node)
    ref = sqlite_node.issue(
        demo_document(), carrier=ids["carrier"], to=ids["exporter"]
    ).document_reference
    for code, actor, to in JOURNEY:
        sqlite_node.act(ref, code, actor=ids[actor], recipient=ids[to])
    return Journey(sqlite_node, ids, ref, build_bundle(sqlite_node, ref), tmp_path)


def cli_verify(path: Path, node_key: str | None = None) -> Any:
    args = ["verify", str(path)] + ([] if node_key is None else ["--node-key", node_key])
    return CliRunner().invoke(app, args)


def dump(bundle: Bundle, key: str | None = None) -> Tampered:
    return Tampered(json.dumps(bundle, indent=2, ensure_ascii=False), key)


def entry_hash(jws: str) -> str:
    return sha256_hex(jws.encode("ascii"))


def payload_of(jws: str) -> dict[str, Any]:
    result: dict[str, Any] = parse_json(b64url_decode(jws.split(".")[1]))
    return result


# Tampering, one function per case ---------------------------------------------------------------


def changed_goods(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    goods = bundle["transportDocument"]["consignmentItems"][0]["descriptionOfGoods"]
    goods[0] = goods[0].replace("Brake discs", "Brake disks")
    return dump(bundle)


def changed_weight(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    item = bundle["transportDocument"]["consignmentItems"][1]["cargoItems"][0]
    item["cargoGrossWeight"]["value"] = 16210.1
    return dump(bundle)


def changed_entry(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    header, body, signature = bundle["entries"][2]["jws"].split(".")
    payload = parse_json(b64url_decode(body))
    payload["recipient"] = j.ids["importer"]
    forged = b64url_encode(canonical_bytes(payload))
    assert forged != body
    bundle["entries"][2]["jws"] = f"{header}.{forged}.{signature}"
    return dump(bundle)


def middle_removed(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    del bundle["entries"][2]
    return dump(bundle)


def issue_removed(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    del bundle["entries"][0]
    return dump(bundle)


def last_removed(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    bundle["entries"].pop()
    return dump(bundle)


def reordered(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    entries = bundle["entries"]
    entries[1], entries[2] = entries[2], entries[1]
    return dump(bundle)


def _append_signed(j: Journey, party_id: str, key: PrivateKey) -> Tampered:
    """A correctly chained, signed and attested TRANSFER by ``party_id``, who does not hold."""
    bundle = copy.deepcopy(j.bundle)
    last_jws = bundle["entries"][-1]["jws"]
    last = payload_of(last_jws)
    payload = EntryPayload(
        action_code=ActionCode.TRANSFER,
        document_reference=j.ref,
        document_checksum=last["documentChecksum"],
        sequence=last["sequence"] + 1,
        previous_entry_hash=entry_hash(last_jws),
        actor=party_id,
        recipient=j.ids["exporter"],
        action_date_time=format_action_datetime(j.node.clock()),
        platform=j.node.config.platform,
    )
    jws = sign_compact(canonical_bytes(payload.to_json()), key, {"typ": ENTRY_TYPE})
    party = j.node.party(party_id)
    statement = {
        "kid": key.public_key.kid,
        "partyId": party.party_id,
        "partyName": party.name,
        "roles": sorted(str(r) for r in party.roles),
        "platform": party.platform,
        "publicKeyJwk": key.public_key.to_jwk(),
    }
    bundle["keys"].append(attest(j.node.node_key, KEY_ATTESTATION_TYPE, statement))
    leaf = bundle["entries"][-1]["leafIndex"] + 1
    bundle["entries"].append({"leafIndex": leaf, "jws": jws, "inclusionProof": []})
    head = {
        "documentReference": j.ref,
        "entryCount": len(bundle["entries"]),
        "lastEntryHash": entry_hash(jws),
        "status": "ISSUED",
        "treeSize": leaf + 1,
    }
    bundle["documentHead"] = attest(j.node.node_key, HEAD_ATTESTATION_TYPE, head)
    return dump(bundle)


def signed_by_custodial_non_holder(j: Journey) -> Tampered:
    importer = j.ids["importer"]
    with j.node.engine.connect() as conn:
        _, key = j.node._keys.signing_key(conn, importer)
    return _append_signed(j, importer, key)


def signed_by_self_custodied_non_holder(j: Journey) -> Tampered:
    key = PrivateKey.generate()
    party = j.node.add_party(
        "Rogue Freight Forwarding Pte. Ltd.", frozenset({Role.TRADER}), (), key.public_key
    )
    return _append_signed(j, party.party_id, key)


def proofs_for_another_tree(j: Journey) -> Tampered:
    other = demo_document()
    other["transportDocumentReference"] = "WLSM26CQSG0002"
    ref2 = j.node.issue(other, carrier=j.ids["carrier"], to=j.ids["exporter"]).document_reference
    j.node.act(ref2, ActionCode.TRANSFER, actor=j.ids["exporter"], recipient=j.ids["cq_bank"])
    later = build_bundle(j.node, j.ref)
    assert later["entries"][0]["jws"] == j.bundle["entries"][0]["jws"]
    assert later["checkpoint"] != j.bundle["checkpoint"]
    bundle = copy.deepcopy(j.bundle)
    for mine, theirs in zip(bundle["entries"], later["entries"], strict=True):
        mine["leafIndex"] = theirs["leafIndex"]
        mine["inclusionProof"] = theirs["inclusionProof"]
    assert bundle["entries"] != j.bundle["entries"]
    return dump(bundle)


def _checkpoint(j: Journey) -> Any:
    return open_checkpoint(j.bundle["checkpoint"], j.node.note_signer.verifier())


def checkpoint_by_another_key(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    impostor = NoteSigner(j.node.note_signer.name, Ed25519PrivateKey.generate())
    bundle["checkpoint"] = sign_checkpoint(_checkpoint(j), impostor)
    assert bundle["checkpoint"] != j.bundle["checkpoint"]
    return dump(bundle)


def checkpoint_body_changed(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    size = _checkpoint(j).size
    lines = bundle["checkpoint"].split("\n")
    assert lines[1] == str(size)
    lines[1] = str(size + 1)
    bundle["checkpoint"] = "\n".join(lines)
    return dump(bundle)


def pinned_to_another_node(j: Journey) -> Tampered:
    other = Node.create(j.tmp_path / "other", database_url=f"sqlite:///{j.tmp_path / 'other.db'}")
    try:
        key = other.verifier_key()
    finally:
        other.close()
    assert key != j.node.verifier_key()
    return dump(j.bundle, key)


def not_json(_: Journey) -> Tampered:
    return Tampered('{"format": "corridor-bundle/1", "entries": [')


def not_a_bundle(j: Journey) -> Tampered:
    return dump({**j.bundle, "format": "corridor-bundle/0"})


def checkpoint_missing(j: Journey) -> Tampered:
    bundle = copy.deepcopy(j.bundle)
    del bundle["checkpoint"]
    return dump(bundle)


Case = tuple[Callable[[Journey], Tampered], str, str]

CASES: dict[str, Case] = {
    "goods-description": (changed_goods, "document-checksum", "the document was changed"),
    "weight": (changed_weight, "document-checksum", "the document was changed"),
    "entry-payload": (changed_entry, "entry-signature", "entries[2]"),
    "middle-entry-removed": (middle_removed, "chain", "missing from the bundle"),
    "issue-removed": (issue_removed, "chain", "earlier entries are missing"),
    "last-entry-removed": (last_removed, "completeness", "entries were removed"),
    "entries-swapped": (reordered, "chain", "out of order"),
    "custodial-non-holder": (signed_by_custodial_non_holder, "controller", "does not control"),
    "self-custody-non-holder": (
        signed_by_self_custodied_non_holder,
        "controller",
        "does not control",
    ),
    "proofs-for-another-tree": (
        proofs_for_another_tree,
        "inclusion-proof",
        "leads to another tree",
    ),
    "checkpoint-other-key": (checkpoint_by_another_key, "checkpoint-signature", "trusted key"),
    "checkpoint-body-changed": (checkpoint_body_changed, "checkpoint-signature", "does not verify"),
    "pinned-other-node": (pinned_to_another_node, "node-key", "not from the node key you trust"),
    "malformed-json": (not_json, "bundle-format", "not valid JSON"),
    "not-a-bundle": (not_a_bundle, "bundle-format", "not a corridor-bundle/1 bundle"),
    "checkpoint-missing": (checkpoint_missing, "bundle-format", "bundle.checkpoint is missing"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tampered_bundle_is_refused_by_its_check(journey: Journey, case: str) -> None:
    tamper, check, fragment = CASES[case]
    tampered = tamper(journey)

    with pytest.raises(VerificationError) as caught:
        verify_bundle(load_bundle(tampered.text), trusted_node_key=tampered.node_key)
    assert caught.value.check == check
    assert fragment in caught.value.detail

    path = journey.tmp_path / f"{case}.json"
    path.write_text(tampered.text)
    result = cli_verify(path, tampered.node_key)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: verification failed at check '{check}': ")
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_the_cases_cover_every_tampering_check() -> None:
    assert {check for _, check, _ in CASES.values()} == {
        "document-checksum",
        "entry-signature",
        "chain",
        "completeness",
        "controller",
        "inclusion-proof",
        "checkpoint-signature",
        "node-key",
        "bundle-format",
    }


def test_untampered_bundle_verifies(journey: Journey) -> None:
    verified = verify_bundle(journey.bundle)
    assert verified.entries == 1 + len(JOURNEY)
    assert verified.record.possessor == journey.ids["sg_bank"]
    assert verified.document_reference == journey.ref

    path = journey.tmp_path / "bundle.json"
    path.write_text(dump(journey.bundle).text)
    for key in (None, journey.node.verifier_key()):
        result = cli_verify(path, key)
        assert result.exit_code == 0, result.output
        assert ("not pinned" in result.stderr) == (key is None)
        assert result.stdout.startswith(f"valid: {journey.ref}, 5 signed entries")
        assert "status ISSUED, controller Straits Merchant Bank Singapore; " in result.stdout
        assert "checkpoint size 5\n" in result.stdout
        assert f"node key: {journey.node.verifier_key()}" in result.stdout
