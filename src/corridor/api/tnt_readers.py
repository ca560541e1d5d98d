"""Who may read which tracking events over the TNT endpoints: ``services.event_readers`` applied
to the authenticated caller.

The operator and the reporting parties (carrier, terminal, customs) read every event; any other
party names a bill it may see (``transportDocumentReference=...`` on ``GET /v2/events`` and
``GET /events``: 403 without one, 404 for a bill it may not see, like the documents API), and
``GET /v2/events/{eventID}`` answers it only for an event that names such a bill. TNT 2.2
subscriptions follow the same rule (``services.event_subscriptions``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor.services import event_readers
from corridor.services.access import Principal
from corridor.services.node import Node

__all__ = ["check_reader", "may_read_event"]


def check_reader(node: Node, caller: Principal, reference: str | None) -> None:
    """Refuse a party that may not read the events ``reference`` (None: all) selects."""
    if event_readers.reads_every_event(caller.party):
        return
    with node.engine.connect() as conn:
        event_readers.check_reader(conn, caller.party, reference)


def may_read_event(node: Node, caller: Principal, event: Mapping[str, Any]) -> bool:
    """Whether ``caller`` may read this one event: it names a bill the caller may see."""
    if event_readers.reads_every_event(caller.party):
        return True
    with node.engine.connect() as conn:
        readers = event_readers.EventReaders(conn)
        return readers.may_read(caller.party, event_readers.references_of(event))
