"""Invariant 6: of 50 concurrent conflicting transfers of one eBL, exactly one wins.

Each contender is its own ``Node`` (own engine, own group-commit writer), so the database's
locking alone decides, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from corridor.domain.party import Role
from corridor.domain.title import ActionCode
from corridor.errors import NotControllerError
from corridor.services.audit import audit
from corridor.services.node import Node

CONTENDERS = 50


def test_fifty_conflicting_transfers_one_winner(
    make_node: Callable[..., Node],
    demo_parties: Callable[[Node], dict[str, str]],
    td: dict[str, Any],
) -> None:
    node = make_node()
    ids = demo_parties(node)
    ref = node.issue(td, carrier=ids["carrier"], to=ids["exporter"]).document_reference
    buyers = [
        node.add_party(f"Contender {i} Trading Ltd", frozenset({Role.TRADER})).party_id
        for i in range(CONTENDERS)
    ]
    nodes = [Node.open(node.home) for _ in range(CONTENDERS)]
    barrier = threading.Barrier(CONTENDERS)
    outcomes: list[object] = [None] * CONTENDERS

    def contend(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = nodes[i].act(
                ref, ActionCode.TRANSFER, actor=ids["exporter"], recipient=buyers[i]
            )
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(CONTENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in nodes:
        other.close()

    winners = [i for i, o in enumerate(outcomes) if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, NotControllerError) for o in losers), losers
    record = node.record(ref).record
    assert record.possessor == buyers[winners[0]]
    assert record.version == 2
    assert audit(node).ok
