"""Two nodes on loopback, Chongqing and Singapore, hand one eBL back and forth over PINT.

Issue in Chongqing; endorse and transfer to the Singapore bank; it endorses and transfers back
to the Chongqing bank; that bank endorses and transfers to the Singapore importer; the importer
surrenders to the carrier in Chongqing, which accepts. After every hop both nodes agree on who
controls the eBL, and both logs audit clean at the end. Everything travels over real HTTP.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import PG_ENV, PG_SKIP

from corridor.bench.pint_nodes import Peer, loopback_pair, register_carrier
from corridor.domain.party import IdentifyingCode
from corridor.domain.title import ActionCode, Status
from corridor.services.audit import audit
from corridor.services.demo import DEMO_PARTIES, document_with_reference
from corridor.services.pint_sender import PintSender
from corridor.storage import pint as rows
from corridor.storage.scratch import scratch_schema

REF = "WLSM26CQSG0901"
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

    for peer in (cq, sg):
        report = audit(peer.node)
        assert report.ok, (peer.platform, report.problems)
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
