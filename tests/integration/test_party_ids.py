"""Party ids: made from the name, unique, and never the node operator's own id."""

from __future__ import annotations

from corridor.domain.party import OPERATOR_ID, Role
from corridor.services.node import Node


def test_a_party_named_operator_does_not_get_the_operators_id(node: Node) -> None:
    party = node.add_party("Operator", frozenset({Role.BANK}))
    assert OPERATOR_ID == "operator"
    assert party.party_id == "operator-2"


def test_ids_follow_the_name_and_stay_unique(node: Node) -> None:
    first = node.add_party("Pacific Bank", frozenset({Role.BANK}))
    second = node.add_party("Pacific-Bank", frozenset({Role.BANK}))
    assert (first.party_id, second.party_id) == ("pacific-bank", "pacific-bank-2")
