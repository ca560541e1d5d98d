"""Who may read which tracking events: the one rule behind the TNT reads and the callbacks."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from tests.tnt_samples import BOOKING, equipment_event

from corridor.api.tnt_errors import REPORTING_ROLES as PUSHING_ROLES
from corridor.domain.party import Party, Role
from corridor.errors import NotFoundError, PermissionDeniedError
from corridor.services.demo import document_with_reference, seed_parties
from corridor.services.event_readers import (
    REPORTING_ROLES,
    EventReaders,
    check_reader,
    reads_every_event,
    references_of,
)
from corridor.services.node import Node
from corridor.storage import queries

HELD = "WLSM26CQSG0201"  # the importer's
NOT_HELD = "WLSM26CQSG0202"  # the exporter's


@pytest.fixture
def parties(node: Node) -> dict[str, Party]:
    ids = seed_parties(node)
    for reference, holder in ((HELD, "importer"), (NOT_HELD, "exporter")):
        node.issue(document_with_reference(reference), carrier=ids["carrier"], to=ids[holder])
    return {key: node.party(party_id) for key, party_id in ids.items()}


def test_those_who_may_push_events_read_them_all() -> None:
    assert REPORTING_ROLES == PUSHING_ROLES
    assert reads_every_event(None)  # the operator
    for role in Role:
        reader = Party("p", "P", frozenset({role}), (), "CRDR")
        assert reads_every_event(reader) is (role in REPORTING_ROLES)
    mixed = Party("p", "P", frozenset({Role.BANK, Role.TERMINAL}), (), "CRDR")
    assert reads_every_event(mixed)


def test_a_party_that_does_not_report_names_a_bill_it_may_see(
    node: Node, parties: dict[str, Party]
) -> None:
    importer = parties["importer"]
    with node.engine.connect() as conn:
        check_reader(conn, importer, HELD)
        check_reader(conn, parties["carrier"], None)
        check_reader(conn, None, NOT_HELD)
        with pytest.raises(PermissionDeniedError, match="transportDocumentReference"):
            check_reader(conn, importer, None)
        for reference in (NOT_HELD, "NO-SUCH-BILL"):
            with pytest.raises(NotFoundError, match=reference):
                check_reader(conn, importer, reference)


def test_an_event_is_read_by_the_bills_it_names() -> None:
    event = equipment_event(document=HELD)
    assert references_of(event) == [HELD, BOOKING]
    assert references_of({"eventID": "x", "isRetracted": True}) == []
    assert references_of({"shipmentDetails": {"documentReference": "not an object"}}) == []


def test_each_party_and_bill_is_looked_up_once(
    node: Node, parties: dict[str, Party], monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: Counter[tuple[str, str]] = Counter()
    may_see = queries.may_see

    def counting(conn: Any, party_id: str, reference: str) -> bool:
        looked_up[party_id, reference] += 1
        return may_see(conn, party_id, reference)

    monkeypatch.setattr(queries, "may_see", counting)
    importer, bank = parties["importer"], parties["sg_bank"]
    with node.engine.connect() as conn:
        readers = EventReaders(conn)
        for _ in range(5):
            assert readers.may_read(importer, [HELD])
            assert readers.may_read(importer, [NOT_HELD, HELD])
            assert not readers.may_read(importer, [NOT_HELD])
            assert not readers.may_read(bank, [HELD])
            assert not readers.may_read(importer, [])
            assert readers.may_read(parties["carrier"], [NOT_HELD])
            assert readers.may_read(None, [])
    importer_id, bank_id = importer.party_id, bank.party_id
    assert looked_up == {(importer_id, HELD): 1, (importer_id, NOT_HELD): 1, (bank_id, HELD): 1}
