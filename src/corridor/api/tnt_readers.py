"""Who may read which tracking events over the TNT endpoints.

TNT 3.0.0 asks an Event Producer to "additionally filter the Events based on the authorization
... of the authenticated Event Consumer". On a Corridor node:

- the node operator, and the corridor's reporting parties (carrier, terminal, customs: the ones
  who may push events), read every event;
- any other party (a bank, a shipper, a consignee, a trader) reads the events of the bills it may
  see on this node (``queries.may_see``: it issued, holds, is endorsee of or appears in the
  bill), so it names one: ``transportDocumentReference=...`` on ``GET /v2/events`` and
  ``GET /events``, and in a TNT 2.2 subscription. A bill it may not see answers 404, like the
  documents API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor.api.tnt_errors import REPORTING_ROLES
from corridor.errors import NotFoundError, PermissionDeniedError
from corridor.services.access import Principal
from corridor.services.node import Node
from corridor.storage import queries

__all__ = ["check_reader", "may_read_event"]


def check_reader(node: Node, caller: Principal, reference: str | None) -> None:
    """Refuse a party that may not read the events ``reference`` (None: all) selects."""
    if caller.party is None or caller.party.roles & REPORTING_ROLES:
        return
    if reference is None:
        raise PermissionDeniedError(
            "a party reads the events of the bills it may see: name one with "
            "transportDocumentReference=<reference>"
        )
    with node.engine.connect() as conn:
        visible = queries.may_see(conn, caller.party.party_id, reference)
    if not visible:
        raise NotFoundError(f"there is no eBL {reference!r} that you may see on this node")


def may_read_event(node: Node, caller: Principal, event: Mapping[str, Any]) -> bool:
    """Whether ``caller`` may read this one event: it names a bill the caller may see."""
    if caller.party is None or caller.party.roles & REPORTING_ROLES:
        return True
    details = event.get("shipmentDetails")
    if not isinstance(details, Mapping):
        return False
    items = [details.get("documentReference"), *(details.get("additionalDocumentReferences") or ())]
    named = [str(i["reference"]) for i in items if isinstance(i, Mapping) and "reference" in i]
    with node.engine.connect() as conn:
        return any(queries.may_see(conn, caller.party.party_id, ref) for ref in named)
