"""Two nodes on loopback, Chongqing and Singapore, hand one eBL back and forth over PINT.

Issue in Chongqing; endorse and transfer to the Singapore bank; it endorses and transfers back
to the Chongqing bank; that bank endorses and transfers to the Singapore importer; the importer
surrenders to the carrier in Chongqing, which accepts. After every hop both nodes agree on who
controls the eBL, and both logs audit clean at the end. Everything travels over real HTTP.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import PG_ENV, PG_SKIP

from corridor.bench.pint_nodes import Peer, loopback_pair, register_carrier
from corridor.crypto.keys import PrivateKey
from corridor.domain.party import IdentifyingCode, Role
from corridor.domain.title import ActionCode, Status
from corridor.interop.dcsa.schema import validate_schema
from corridor.services.access import Access
from corridor.services.audit import audit
from corridor.services.demo import DEMO_PARTIES, document_with_reference
from corridor.services.pint_sender import PintSender
from corridor.services.pint_transfers import transfers_of
from corridor.services.platforms import Platforms
from corridor.storage import pint as rows
from corridor.storage import repository as repo
from corridor.storage.scratch import scratch_schema

REF = "WLSM26CQSG0901"
PINT = "EBL_PINT_v3.0.0.yaml"
ON_CQ = ("carrier", "exporter", "cq_bank")
ON_SG = ("sg_bank", "importer")


def _register(peer: Peer, keys: tuple[str, ...], platform: str | None = None) -> dict[str, str]:
    ids = {}
    for party in DEMO_PARTIES:
        if party.key in keys:
            codes = [IdentifyingCode.parse(c) for c in party.codes]
            added = peer.node.add_party(party.name, party.roles, codes, platform=platform)
            ids[party.key] = added.party_id
    return ids


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url_pair(request: pytest.FixtureRequest) -> Iterator[tuple[str | None, str | None]]:
    """Two separate databases: SQLite files (the default) or two PostgreSQL scratch schemas."""
    if request.param == "sqlite":
        yield None, None
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(PG_SKIP)
    with scratch_schema(url, "cq") as cq, scratch_schema(url, "sg") as sg:
        yield cq, sg


@pytest.fixture
def pair(
    tmp_path: Path, database_url_pair: tuple[str | None, str | None]
) -> Iterator[tuple[Peer, Peer]]:
    with loopback_pair(tmp_path, database_urls=database_url_pair) as peers:
        yield peers


def _settle(peer: Peer, reference: str) -> None:
    """Wait until the sender has an answer for every envelope of ``reference``."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with peer.node.engine.connect() as conn:
            outbox = rows.outbox_of(conn, reference)
        if outbox and all(row.status != "pending" for row in outbox):
            return
        time.sleep(0.05)
    raise AssertionError(f"{peer.platform}: envelope for {reference} still pending: {outbox}")


def _last_chain_action(peer: Peer) -> str:
    """The last PINT transaction of the chain ``peer`` keeps for the eBL."""
    td = peer.node.record(REF).record.document_checksum
    with peer.node.engine.connect() as conn:
        last = rows.chain_of(conn, td)[-1].jws
    return str(_payload(last)["transactions"][-1]["actionCode"])


def _payload(jws: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(jws.split(".")[1] + "=="))
    return decoded


def _every_sent_envelope_is_valid_pint(peer: Peer) -> None:
    """What the sender put on the wire validates against the vendored PINT 3.0.0 schemas."""
    with peer.node.engine.connect() as conn:
        sent = rows.outbox_of(conn, REF)
    assert sent
    for row in sent:
        envelope = json.loads(row.envelope)
        validate_schema(PINT, "EblEnvelope", envelope)
        manifest = _payload(envelope["envelopeManifestSignedContent"])
        validate_schema(PINT, "EnvelopeManifest", manifest)
        for jws in envelope["envelopeTransferChain"]:
            entry = _payload(jws)
            validate_schema(PINT, "EnvelopeTransferChainEntry", entry)
            if "issuanceManifestSignedContent" in entry:
                issuance = _payload(entry["issuanceManifestSignedContent"])
                validate_schema(PINT, "IssuanceManifest", issuance)


def _holder(peer: Peer) -> tuple[str, str]:
    """(status, name of the possessor) as this node sees it."""
    record = peer.node.record(REF).record
    return record.status.value, peer.node.party(record.possessor).name


def _agree(cq: Peer, sg: Peer, holder: str, held_on: Peer) -> None:
    for peer in (cq, sg):
        status, name = _holder(peer)
        assert name == holder, (peer.platform, name, holder)
        if peer is held_on:
            assert status in (Status.ISSUED.value, Status.SURRENDER_PENDING.value)
        else:
            assert status == Status.EXPORTED.value


def test_issue_transfer_there_and_back_and_surrender(pair: tuple[Peer, Peer]) -> None:
    cq, sg = pair
    on_cq = _register(cq, ON_CQ)
    on_sg = _register(sg, ON_SG)
    foreign_on_cq = _register(cq, ON_SG, platform=sg.platform)
    foreign_on_sg = _register(sg, ("cq_bank",), platform=cq.platform)
    register_carrier(cq, sg, on_cq["carrier"], "WLSM")
    names = {p.key: p.name for p in DEMO_PARTIES}

    cq.node.issue(document_with_reference(REF), carrier=on_cq["carrier"], to=on_cq["exporter"])
    to_sg_bank = foreign_on_cq["sg_bank"]
    cq.node.act(REF, ActionCode.ENDORSE_TO_ORDER, actor=on_cq["exporter"], recipient=to_sg_bank)
    cq.node.act(REF, ActionCode.TRANSFER, actor=on_cq["exporter"], recipient=to_sg_bank)
    _settle(cq, REF)
    _agree(cq, sg, names["sg_bank"], held_on=sg)
    assert sg.node.record(REF).record.endorsee == on_sg["sg_bank"]
    # The endorsement to a party there went first, as a notification-only envelope.
    sent = [(t.kind, t.status, t.response_code) for t in transfers_of(cq.node, REF)]
    assert sent == [("notification", "delivered", "RECE"), ("transfer", "delivered", "RECE")]

    to_cq_bank = foreign_on_sg["cq_bank"]
    sg.node.act(REF, ActionCode.ENDORSE_TO_ORDER, actor=on_sg["sg_bank"], recipient=to_cq_bank)
    sg.node.act(REF, ActionCode.TRANSFER, actor=on_sg["sg_bank"], recipient=to_cq_bank)
    _settle(sg, REF)
    _agree(cq, sg, names["cq_bank"], held_on=cq)
    assert cq.node.record(REF).record.endorsee == on_cq["cq_bank"]

    to_importer = foreign_on_cq["importer"]
    cq.node.act(REF, ActionCode.ENDORSE, actor=on_cq["cq_bank"], recipient=to_importer)
    cq.node.act(REF, ActionCode.TRANSFER, actor=on_cq["cq_bank"], recipient=to_importer)
    _settle(cq, REF)
    _agree(cq, sg, names["importer"], held_on=sg)

    carrier_on_sg = sg.node.record(REF).record.carrier
    assert sg.node.party(carrier_on_sg).name == names["carrier"]
    sg.node.act(
        REF, ActionCode.SURRENDER_FOR_DELIVERY, actor=on_sg["importer"], recipient=carrier_on_sg
    )
    _settle(sg, REF)
    _agree(cq, sg, names["carrier"], held_on=cq)
    record = cq.node.record(REF).record
    assert record.status is Status.SURRENDER_PENDING
    assert record.pending_surrenderer is not None
    cq.node.act(REF, ActionCode.SACC, actor=on_cq["carrier"], recipient=record.pending_surrenderer)
    assert cq.node.record(REF).record.status is Status.SURRENDERED
    # The importer, on Singapore, is notified of the SACC; the eBL stays in Chongqing.
    _settle(cq, REF)
    assert transfers_of(cq.node, REF)[-1].kind == "notification"
    assert transfers_of(cq.node, REF)[-1].response_code == "RECE"
    assert _last_chain_action(sg) == "SACC"
    assert sg.node.record(REF).record.status is Status.EXPORTED

    for peer in (cq, sg):
        report = audit(peer.node)
        assert report.ok, (peer.platform, report.problems)
        _every_sent_envelope_is_valid_pint(peer)
    codes = [item.payload.action_code.value for item in cq.node.history(REF)]
    assert codes == [
        "ISSUE", "ENDORSE_TO_ORDER", "TRANSFER", "EXPORT", "IMPORT",
        "ENDORSE", "TRANSFER", "EXPORT", "IMPORT", "SACC",
    ]  # fmt: skip
    sg_codes = [item.payload.action_code.value for item in sg.node.history(REF)]
    assert sg_codes == [
        "IMPORT", "ENDORSE_TO_ORDER", "TRANSFER", "EXPORT", "IMPORT",
        "SURRENDER_FOR_DELIVERY", "EXPORT",
    ]  # fmt: skip


def test_sender_is_wired_to_the_node(pair: tuple[Peer, Peer]) -> None:
    cq, _ = pair
    assert cq.node.on_export is not None
    assert isinstance(getattr(cq.node.on_export, "__self__", None), PintSender)


def _refused_transfer(cq: Peer, sg: Peer, recipient: str, reference: str) -> dict[str, str]:
    """Issue ``reference`` in Chongqing and transfer it to ``recipient``; wait for the answer."""
    on_cq = _register(cq, ON_CQ)
    register_carrier(cq, sg, on_cq["carrier"], "WLSM")
    document = document_with_reference(reference)
    cq.node.issue(document, carrier=on_cq["carrier"], to=on_cq["exporter"])
    cq.node.act(reference, ActionCode.TRANSFER, actor=on_cq["exporter"], recipient=recipient)
    _settle(cq, reference)
    return on_cq


def _pint_transfers_over_http(peer: Peer, party: str, reference: str) -> list[dict[str, Any]]:
    token = Access(peer.node).create_token(party, label="test").token
    response = httpx.get(
        f"{peer.base_url}/api/v1/documents/{reference}/pint-transfers",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_a_party_unknown_there_is_benv_and_possession_comes_back(pair: tuple[Peer, Peer]) -> None:
    cq, sg = pair
    nobody = cq.node.add_party("Nobody There Pte. Ltd.", frozenset({Role.BANK}), platform="SGCO")
    on_cq = _refused_transfer(cq, sg, nobody.party_id, "WLSM26CQSG0902")

    record = cq.node.record("WLSM26CQSG0902").record
    assert (record.status, record.possessor) == (Status.ISSUED, on_cq["exporter"])
    codes = [item.payload.action_code for item in cq.node.history("WLSM26CQSG0902")]
    assert codes[-2:] == [ActionCode.TRANSFER, ActionCode.RETURN]
    (sent,) = _pint_transfers_over_http(cq, on_cq["exporter"], "WLSM26CQSG0902")
    assert (sent["platform"], sent["status"], sent["responseCode"]) == ("SGCO", "refused", "BENV")
    assert sent["summary"].startswith("Refused by platform SGCO (BENV: ")
    assert "possession came back" in sent["summary"]
    assert audit(cq.node).ok
    with sg.node.engine.connect() as conn:
        assert repo.get_title(conn, "WLSM26CQSG0902") is None


def test_a_signature_the_receiver_cannot_verify_is_bsig(pair: tuple[Peer, Peer]) -> None:
    cq, sg = pair
    Platforms(sg.node).remove(cq.platform)
    stranger = PrivateKey.generate().public_key.to_pem()
    Platforms(sg.node).add(cq.platform, "Not really Chongqing", cq.base_url, [stranger])
    to_sg_bank = _register(cq, ("sg_bank",), platform=sg.platform)["sg_bank"]
    _register(sg, ON_SG)
    on_cq = _refused_transfer(cq, sg, to_sg_bank, "WLSM26CQSG0903")

    assert cq.node.record("WLSM26CQSG0903").record.possessor == on_cq["exporter"]
    (sent,) = transfers_of(cq.node, "WLSM26CQSG0903")
    assert (sent.status, sent.response_code) == ("refused", "BSIG")
    assert sent.summary.startswith("Refused by platform SGCO (BSIG: ")
