"""Who may read which tracking events: one rule for the TNT reads and the TNT 2.2 callbacks.

TNT 3.0.0 asks an Event Producer to "additionally filter the Events based on the authorization
... of the authenticated Event Consumer". On a Corridor node:

- the node operator, and the corridor's reporting parties (``REPORTING_ROLES``: carrier,
  terminal, customs, the ones who may push events), read every event;
- any other party (a bank, a shipper, a consignee, a trader) reads an event only if it names,
  as its document or an additional document, a bill the party may see on this node
  (``storage.queries.may_see``: it issued, holds, is endorsee of or appears in the bill). Asking
  for events, it names such a bill: ``transportDocumentReference`` on ``GET /v2/events`` and
  ``GET /events``, and in a TNT 2.2 subscription (``check_reader``).

The same rule decides what a subscription is sent (``EventReaders``, per ingest transaction), so
a subscriber never receives by callback an event it could not read over ``GET``. Parties never
change their roles, so the roles are read once; what a party may see is looked up once per
(party, bill) and transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from corridor.domain.party import Party, Role
from corridor.errors import NotFoundError, PermissionDeniedError
from corridor.storage import queries

__all__ = [
    "REPORTING_ROLES",
    "EventReaders",
    "check_reader",
    "reads_every_event",
    "references_of",
]

REPORTING_ROLES = frozenset({Role.CARRIER, Role.TERMINAL, Role.CUSTOMS})
"""The roles that report cargo movements: they push events, and they read every event."""


def reads_every_event(party: Party | None) -> bool:
    """The operator (``None``) and a party with a reporting role read every event."""
    return party is None or not party.roles.isdisjoint(REPORTING_ROLES)


def check_reader(conn: Connection, party: Party | None, reference: str | None) -> None:
    """Refuse a reader who may not ask for the events of bill ``reference`` (None: all events).

    ``PermissionDeniedError`` if a party that does not read every event names no bill,
    ``NotFoundError`` if it names one it may not see (as the documents API answers).
    """
    if reads_every_event(party):
        return
    assert party is not None
    if reference is None:
        raise PermissionDeniedError(
            "a party reads the events of the bills it may see: name one with "
            "transportDocumentReference=<reference>"
        )
    if not queries.may_see(conn, party.party_id, reference):
        raise NotFoundError(f"there is no eBL {reference!r} that you may see on this node")


def references_of(event: Mapping[str, Any]) -> list[str]:
    """The documents a TNT 3.0.0 event names: its ``documentReference`` and the additional ones
    (the references the store indexes, ``EventFacts.documents``)."""
    details = event.get("shipmentDetails")
    if not isinstance(details, Mapping):
        return []
    items = [details.get("documentReference"), *(details.get("additionalDocumentReferences") or ())]
    return [str(i["reference"]) for i in items if isinstance(i, Mapping) and "reference" in i]


class EventReaders:
    """Which readers may read which events, within one connection or transaction.

    Each (party, bill) is looked up at most once, however many events and subscriptions name it.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._seen: dict[tuple[str, str], bool] = {}

    def may_read(self, party: Party | None, references: Iterable[str]) -> bool:
        """Whether ``party`` may read an event naming ``references`` (module docstring)."""
        if reads_every_event(party):
            return True
        assert party is not None
        return any(self._sees(party.party_id, reference) for reference in references)

    def _sees(self, party_id: str, reference: str) -> bool:
        key = (party_id, reference)
        seen = self._seen.get(key)
        if seen is None:
            seen = self._seen[key] = queries.may_see(self.conn, party_id, reference)
        return seen
