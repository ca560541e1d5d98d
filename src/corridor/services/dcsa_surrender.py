"""DCSA EBL_SUR 3.0.3, platform side: surrender requests to a carrier's system, and its answers.

When a holder on this node surrenders a bill (``SURRENDER_FOR_DELIVERY`` or
``SURRENDER_FOR_AMENDMENT``) whose carrier has a carrier system in the platform registry (the
entry under the transport document's ``carrierCode``), ``Surrenders.request`` queues
``POST {base_url}/v3/ebl-surrender-requests``:

* ``surrenderRequestReference``: 32 random URL-safe characters, new for every request and never
  reused. It is also what lets the answer in: the answer endpoint has no other authentication in
  the spec, and only the carrier's system, which received the reference, can name it;
* ``surrenderRequestCode`` SREQ (delivery) or AREQ (amendment), with the surrender entry's
  ``reasonCode`` and ``comments``;
* ``endorsementChain``: the bill's signed history, oldest first, each link in END's words
  (``services.endorsement_chain``: parties, action codes, ``auditReference`` the entry hash);
  SREJ and VOID are left out as in END, and a link without a recipient (SIGN, BLANK_ENDORSE)
  gets EBL_SUR's "No Party" placeholder.

``surrender_hook`` is what the running node registers as ``Node.on_surrender``: every surrender
that reaches a carrier of this node (from the API, the web app, the CLI or over PINT) queues the
request at once. The hook never fails the surrender, which is already durable: a failure is
logged, and ``corridor sur request REF`` queues it again.

One request per surrender entry: asking again for the same pending surrender returns the
request already queued. A bill whose carrier has no carrier system is answered on this node by
its carrier party, as before (``request`` returns None).

``POST /v3/ebl-surrender-responses`` (``answer``): the reference must be one this node sent (404
otherwise) and not answered yet (409); SURR records SACC and SREJ records SREJ, by the carrier
party of the bill through ``Node.act``, provided the request's surrender is still the bill's
pending one (409 otherwise: e.g. the carrier answered on this node meanwhile). ``comments`` is
required with SREJ, as the spec says.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from corridor.crypto.canonical import parse_json
from corridor.domain.party import Party
from corridor.domain.title import SURRENDERS, ActionCode, Status
from corridor.errors import (
    ConflictError,
    CorridorError,
    DocumentRuleError,
    InputError,
    NodeError,
    NotFoundError,
    TitleError,
    TransitionError,
)
from corridor.interop.dcsa.schema import SUR_SPEC_FILE
from corridor.services.dcsa_messages import NO_PARTY, checked_outbound, dump, one_line, read_body
from corridor.services.dcsa_outbox import Outbox
from corridor.services.endorsement_chain import END_ACTION_CODES, end_party
from corridor.services.node import HistoryItem, Node
from corridor.services.platforms import Platforms
from corridor.services.writer import Receipt
from corridor.storage import dcsa_requests as rows
from corridor.storage.engine import writing

__all__ = ["SURRENDER_REQUESTS_PATH", "Surrenders", "surrender_hook"]

_log = logging.getLogger("corridor.dcsa")

SURRENDER_REQUESTS_PATH = "/v3/ebl-surrender-requests"
TOPIC = "sur-request"
REQUEST_CODES = {
    ActionCode.SURRENDER_FOR_DELIVERY: "SREQ",
    ActionCode.SURRENDER_FOR_AMENDMENT: "AREQ",
}
ANSWER_ACTIONS = {"SURR": ActionCode.SACC, "SREJ": ActionCode.SREJ}


def new_reference() -> str:
    """A fresh surrender request reference: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class Surrenders:
    """Surrender requests this node sends as the platform, and the carriers' answers."""

    def __init__(self, node: Node, outbox: Outbox | None = None) -> None:
        self.node = node
        self.outbox = outbox or Outbox(node)

    def request(self, reference: str) -> rows.SurrenderSentRow | None:
        """Queue the surrender request for ``reference``'s pending surrender (module doc)."""
        register = self.node.record(reference)
        record = register.record
        if record.status is not Status.SURRENDER_PENDING or record.pending_code is None:
            raise TransitionError(f"{reference} has no surrender pending")
        carrier_code = parse_json(self.node.document(reference)).get("carrierCode")
        if not isinstance(carrier_code, str) or not self._has_carrier_system(carrier_code):
            return None
        with self.node.engine.connect() as conn:
            existing = rows.surrender_sent_for_entry(conn, register.last_entry_hash)
        if existing is not None:
            return existing
        history = self.node.history(reference)
        surrender = history[-1]
        if surrender.row.entry_hash != register.last_entry_hash:
            raise ConflictError(f"{reference} changed while its surrender request was built")
        row = rows.SurrenderSentRow(
            surrender_request_reference=new_reference(),
            transport_document_reference=reference,
            surrender_entry_hash=surrender.row.entry_hash,
            request_code=REQUEST_CODES[record.pending_code],
            carrier_code=carrier_code,
            sent_at=self.node.clock(),
            action=None,
            answer=None,
            answered_at=None,
        )
        body = checked_outbound(
            SUR_SPEC_FILE, "SurrenderRequestDetails", self._details(row, history)
        )
        try:
            with writing(self.node.engine) as conn:
                rows.insert_surrender_sent(conn, row)
                self.outbox.enqueue(
                    conn,
                    platform_code=carrier_code,
                    method="POST",
                    path=SURRENDER_REQUESTS_PATH,
                    body=body,
                    topic=TOPIC,
                    reference=row.surrender_request_reference,
                )
        except IntegrityError:  # a concurrent call queued it first
            with self.node.engine.connect() as conn:
                return rows.surrender_sent_for_entry(conn, register.last_entry_hash)
        return row

    def _has_carrier_system(self, code: str) -> bool:
        try:
            Platforms(self.node).get(code)
        except (NotFoundError, InputError):
            return False
        return True

    def _details(self, row: rows.SurrenderSentRow, history: list[HistoryItem]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "surrenderRequestReference": row.surrender_request_reference,
            "transportDocumentReference": row.transport_document_reference,
            "surrenderRequestCode": row.request_code,
        }
        payload = history[-1].payload
        if payload.reason_code is not None:
            body["reasonCode"] = payload.reason_code
        if payload.comments is not None and payload.comments.strip():
            body["comments"] = one_line(payload.comments)
        body["endorsementChain"] = chain_links(history, self._party)
        return body

    def _party(self, party_id: str) -> dict[str, Any]:
        party: Party = self.node.party(party_id)
        return end_party(party)

    def delivery(self, surrender_request_reference: str) -> rows.OutboxRow:
        """The queued call carrying the surrender request ``surrender_request_reference``."""
        with self.node.engine.connect() as conn:
            queued = rows.outbox_of(conn, TOPIC, surrender_request_reference)
        if not queued:
            raise NotFoundError(f"no surrender request {surrender_request_reference} is queued")
        return queued[-1]

    def sent(self, reference: str) -> list[rows.SurrenderSentRow]:
        """The surrender requests sent for document ``reference``, oldest first."""
        with self.node.engine.connect() as conn:
            return rows.surrenders_sent_of(conn, reference)

    # The carrier's answer -------------------------------------------------------------------

    def answer(self, body: bytes | str) -> rows.SurrenderSentRow:
        """Apply a ``SurrenderRequestAnswer`` (module doc); returns the request answered."""
        answer = read_body(body, SUR_SPEC_FILE, "SurrenderRequestAnswer")
        action: str = answer["action"]
        comments: str | None = answer.get("comments")
        if action == "SREJ" and comments is None:
            raise DocumentRuleError("/comments", "comments is required when action is SREJ")
        reference: str = answer["surrenderRequestReference"]
        with self.node.engine.connect() as conn:
            sent = rows.get_surrender_sent(conn, reference)
        if sent is None:
            raise NotFoundError(f"no surrender request {reference} was sent by this platform")
        if sent.answered_at is not None:
            raise ConflictError(
                f"surrender request {reference} was already answered ({sent.action})"
            )
        record = self._pending(sent)
        try:
            self.node.act(
                sent.transport_document_reference,
                ANSWER_ACTIONS[action],
                actor=record.carrier,
                recipient=record.pending_surrenderer,
                comments=None if comments is None else one_line(comments),
            )
        except TitleError as error:
            raise ConflictError(
                f"surrender request {reference} can no longer be answered: {error.message}"
            ) from None
        with writing(self.node.engine) as conn:
            rows.answer_surrender_sent(conn, reference, action, dump(answer), self.node.clock())
            answered = rows.get_surrender_sent(conn, reference)
        assert answered is not None
        return answered

    def _pending(self, sent: rows.SurrenderSentRow) -> Any:
        register = self.node.record(sent.transport_document_reference)
        if (
            register.record.status is not Status.SURRENDER_PENDING
            or register.last_entry_hash != sent.surrender_entry_hash
        ):
            raise ConflictError(
                f"surrender request {sent.surrender_request_reference} is no longer pending: "
                f"{sent.transport_document_reference} is {register.record.status}"
            )
        return register.record


def chain_links(
    history: list[HistoryItem], party: Callable[[str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """EBL_SUR ``EndorsementChainLink`` s for ``history``, oldest first (module doc)."""
    links = []
    for item in history:
        payload = item.payload
        code = END_ACTION_CODES.get(payload.action_code)
        if code is None:
            continue
        recipient = NO_PARTY if payload.recipient is None else party(payload.recipient)
        if payload.action_code is ActionCode.SACC:
            recipient = NO_PARTY
        links.append(
            {
                "actionDateTime": payload.action_date_time,
                "actionCode": code,
                "actor": party(payload.actor),
                "recipient": recipient,
                "auditReference": item.row.entry_hash,
            }
        )
    if not links or history[-1].payload.action_code not in SURRENDERS:
        raise NodeError("a surrender request's chain must end with the surrender")
    return links


def surrender_hook(surrenders: Surrenders, wake: Callable[[], None]) -> Callable[[Receipt], None]:
    """``Node.on_surrender`` for a running node: queue the request, then ``wake`` the worker."""

    def queue(receipt: Receipt) -> None:
        reference = receipt.document_reference
        try:
            sent = surrenders.request(reference)
        except CorridorError as error:
            _log.warning("surrender request for %s not queued: %s", reference, error.message)
            return
        if sent is not None:
            _log.info(
                "surrender request %s queued for %s", sent.surrender_request_reference, reference
            )
            wake()

    return queue
