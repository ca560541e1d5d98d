"""From a transport document to the title terms the carrier fixes at issue.

The bill's kind follows the PINT 3.0.0 introduction (straight / to-order / blank-endorsed); its
named parties (consignee of a straight bill, endorsee of a to-order bill) must be parties of this
node, found by the ``partyName`` the document gives them.
"""

from __future__ import annotations

from sqlalchemy import Connection

from corridor.domain.title import BillKind, IssueTerms
from corridor.domain.transport_document import TransportDocument
from corridor.errors import DocumentRuleError
from corridor.storage import repository as repo


def _party_named(conn: Connection, name: str | None, location: str) -> str:
    if name is None:
        raise DocumentRuleError(location, "the party is missing")
    party = repo.find_party(conn, name)
    if party is None:
        raise DocumentRuleError(
            location,
            f"no party named {name!r} is registered on this node; add it with "
            "'corridor party add' before issuing",
        )
    party_id: str = party.party_id
    return party_id


def issue_terms_for(conn: Connection, document: TransportDocument) -> IssueTerms:
    kind = BillKind(document.bill_kind)
    if kind is BillKind.STRAIGHT:
        consignee = _party_named(
            conn, document.consignee_name, "/documentParties/consignee/partyName"
        )
        return IssueTerms(kind, consignee=consignee)
    if kind is BillKind.TO_ORDER:
        endorsee = _party_named(conn, document.endorsee_name, "/documentParties/endorsee/partyName")
        return IssueTerms(kind, endorsee=endorsee)
    return IssueTerms(kind)
