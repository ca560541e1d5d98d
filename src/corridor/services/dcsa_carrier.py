"""DCSA EBL_ISS / EBL_SUR 3.0.3, carrier side: this node as a carrier's system.

* **Issuance** (``send_issuance``): an ``IssuanceRequest`` for a transport document is queued as
  ``PUT {platform base_url}/v3/ebl-issuance-requests``. The platform answers later at this
  node's ``POST /v3/ebl-issuance-responses`` (``receive_issuance_response``): the answer is kept
  (``issuance_status``); an answer for a reference this node never sent is 404, a second answer
  409.
* **Signing key.** The issuance manifest is signed by "the carrier or a party acting on behalf
  of the carrier" (EBL_ISS). This node signs it with a *carrier-system key*: an Ed25519 key
  derived from the node's master key for the carrier code (HMAC-SHA-256, ``Node.derive_secret``),
  never stored, the same after a restart. It is distinct from the node key and from every party
  key, so the platform can register it under the carrier code even when it also registers this
  node's platform code for PINT (a kid belongs to one platform only). ``carrier_public_pem``
  gives the PEM the platform's operator registers (``corridor platform add CODE --key-pem``).
* **Surrender** (``receive_surrender_request``): a ``SurrenderRequestDetails`` is stored; its
  reference must be new (409), and its transport document one this node sent for issuance (404
  otherwise): the spec wants the request from the platform that issued, and that is where the
  answer goes. ``answer_surrender`` queues the ``SurrenderRequestAnswer`` (SURR, or SREJ with
  comments) to that platform's ``/v3/ebl-surrender-responses``, once.

Every body is checked against the vendored spec before it is queued.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from corridor.crypto.canonical import canonical_bytes, checksum
from corridor.crypto.jws import sign_compact
from corridor.crypto.keys import PrivateKey
from corridor.errors import ConflictError, DocumentRuleError, InputError, NotFoundError
from corridor.interop.dcsa.pint.checksums import bytes_checksum
from corridor.interop.dcsa.schema import ISS_SPEC_FILE, SUR_SPEC_FILE, validate_schema
from corridor.services.dcsa_messages import checked_outbound, dump, one_line, read_body
from corridor.services.dcsa_outbox import Outbox
from corridor.services.node import Node
from corridor.services.platforms import Platforms, check_code
from corridor.storage import dcsa_requests as rows
from corridor.storage.engine import writing

__all__ = ["CarrierSystem", "IssuanceStatus", "Visualisation"]

ISSUANCE_REQUESTS_PATH = "/v3/ebl-issuance-requests"
SURRENDER_RESPONSES_PATH = "/v3/ebl-surrender-responses"
ISS_TOPIC = "iss-request"
SUR_TOPIC = "sur-response"
_KEY_PURPOSE = "dcsa/issuance-manifest/"


@dataclass(frozen=True)
class Visualisation:
    """The carrier's own rendering of the eBL (``eBLVisualisationByCarrier``)."""

    name: str
    content: bytes
    content_type: str = "application/pdf"


@dataclass(frozen=True)
class IssuanceStatus:
    """Where an issuance request stands: its delivery, and the platform's answer if any."""

    sent: rows.IssuanceSentRow
    delivery: rows.OutboxRow


class CarrierSystem:
    """This node as the system of the carriers it holds."""

    def __init__(self, node: Node, outbox: Outbox | None = None) -> None:
        self.node = node
        self.outbox = outbox or Outbox(node)

    # Keys -----------------------------------------------------------------------------------

    def signing_key(self, carrier_code: str) -> PrivateKey:
        """The carrier-system key for ``carrier_code`` (module doc)."""
        check_code(carrier_code)
        return PrivateKey.from_raw(self.node.derive_secret(_KEY_PURPOSE + carrier_code))

    def carrier_public_pem(self, carrier_code: str) -> str:
        return self.signing_key(carrier_code).public_key.to_pem()

    # Issuance -------------------------------------------------------------------------------

    def issuance_request(
        self,
        document: Mapping[str, Any],
        issue_to: Mapping[str, Any],
        visualisation: Visualisation | None = None,
    ) -> dict[str, Any]:
        """The signed ``IssuanceRequest`` body; ``DocumentRuleError`` names a field it breaks."""
        carrier_code = document.get("carrierCode")
        if not isinstance(carrier_code, str):
            raise DocumentRuleError("/carrierCode", "the document needs a carrierCode")
        manifest: dict[str, Any] = {
            "documentChecksum": checksum(dict(document)),
            "issueToChecksum": checksum(dict(issue_to)),
        }
        request: dict[str, Any] = {"document": dict(document), "issueTo": dict(issue_to)}
        if visualisation is not None:
            manifest["eBLVisualisationByCarrierChecksum"] = bytes_checksum(visualisation.content)
            request["eBLVisualisationByCarrier"] = {
                "name": visualisation.name,
                "content": base64.b64encode(visualisation.content).decode("ascii"),
                "contentType": visualisation.content_type,
            }
        key = self.signing_key(carrier_code)
        request["issuanceManifestSignedContent"] = sign_compact(canonical_bytes(manifest), key)
        validate_schema(ISS_SPEC_FILE, "IssuanceRequest", request)
        return request

    def send_issuance(
        self,
        document: Mapping[str, Any],
        *,
        platform: str,
        issue_to: Mapping[str, Any],
        visualisation: Visualisation | None = None,
    ) -> int:
        """Queue the issuance request to ``platform``; returns the outbox id to deliver."""
        Platforms(self.node).get(platform)  # NotFoundError for an unknown platform
        request = self.issuance_request(document, issue_to, visualisation)
        reference: str = request["document"]["transportDocumentReference"]
        try:
            with writing(self.node.engine) as conn:
                outbox_id = self.outbox.enqueue(
                    conn,
                    platform_code=platform,
                    method="PUT",
                    path=ISSUANCE_REQUESTS_PATH,
                    body=request,
                    topic=ISS_TOPIC,
                    reference=reference,
                )
                rows.insert_issuance_sent(conn, reference, platform, outbox_id, self.node.clock())
        except IntegrityError:
            raise InputError(
                f"an issuance request for {reference} was sent already; see "
                f"'corridor iss status {reference}'"
            ) from None
        return outbox_id

    def receive_issuance_response(self, body: bytes | str) -> rows.IssuanceSentRow:
        """Keep the platform's ``IssuanceResponse``: 404 if never sent, 409 if answered."""
        response = read_body(body, ISS_SPEC_FILE, "IssuanceResponse")
        reference: str = response["transportDocumentReference"]
        code: str = response["issuanceResponseCode"]
        with writing(self.node.engine) as conn:
            sent = rows.get_issuance_sent(conn, reference)
            if sent is None:
                raise NotFoundError(f"this carrier system sent no issuance request for {reference}")
            if not rows.answer_issuance_sent(
                conn, reference, code, dump(response), self.node.clock()
            ):
                raise ConflictError(
                    f"the issuance request for {reference} was already answered "
                    f"({sent.response_code})"
                )
            answered = rows.get_issuance_sent(conn, reference)
        assert answered is not None
        return answered

    def issuance_status(self, reference: str) -> IssuanceStatus:
        with self.node.engine.connect() as conn:
            sent = rows.get_issuance_sent(conn, reference)
            delivery = None if sent is None else rows.get_outbox(conn, sent.outbox_id)
        if sent is None or delivery is None:
            raise NotFoundError(f"no issuance request for {reference} was sent from this node")
        return IssuanceStatus(sent, delivery)

    # Surrender ------------------------------------------------------------------------------

    def receive_surrender_request(self, body: bytes | str) -> rows.SurrenderReceivedRow:
        """Keep a ``SurrenderRequestDetails`` (module doc): 409 reused, 404 not ours."""
        request = read_body(body, SUR_SPEC_FILE, "SurrenderRequestDetails")
        reference: str = request["surrenderRequestReference"]
        document: str = request["transportDocumentReference"]
        with self.node.engine.connect() as conn:
            if rows.get_surrender_received(conn, reference) is not None:
                raise ConflictError(f"surrender request reference {reference} was used before")
            issued = rows.get_issuance_sent(conn, document)
        if issued is None:
            raise NotFoundError(
                f"this carrier system did not send {document} for issuance on any platform"
            )
        row = rows.SurrenderReceivedRow(
            surrender_request_reference=reference,
            transport_document_reference=document,
            platform_code=issued.platform_code,
            request=body.decode("utf-8") if isinstance(body, bytes) else body,
            received_at=self.node.clock(),
            action=None,
            answer=None,
            answered_at=None,
        )
        try:
            with writing(self.node.engine) as conn:
                rows.insert_surrender_received(conn, row)
        except IntegrityError:
            raise ConflictError(
                f"surrender request reference {reference} was used before"
            ) from None
        return row

    def surrender_requests(self) -> list[rows.SurrenderReceivedRow]:
        with self.node.engine.connect() as conn:
            return rows.list_surrenders_received(conn)

    def answer_surrender(self, reference: str, *, accept: bool, comments: str | None = None) -> int:
        """Queue SURR (accept) or SREJ (reject, comments required); returns the outbox id."""
        if not accept and not (comments and comments.strip()):
            raise InputError("a rejection needs --comments saying why (EBL_SUR requires them)")
        with self.node.engine.connect() as conn:
            received = rows.get_surrender_received(conn, reference)
        if received is None:
            raise NotFoundError(f"no surrender request {reference} was received here")
        answer: dict[str, Any] = {
            "surrenderRequestReference": reference,
            "action": "SURR" if accept else "SREJ",
        }
        if comments and comments.strip():
            answer["comments"] = one_line(comments)
        checked_outbound(SUR_SPEC_FILE, "SurrenderRequestAnswer", answer)
        with writing(self.node.engine) as conn:
            if not rows.answer_surrender_received(
                conn, reference, answer["action"], dump(answer), self.node.clock()
            ):
                raise ConflictError(
                    f"surrender request {reference} was already answered ({received.action})"
                )
            return self.outbox.enqueue(
                conn,
                platform_code=received.platform_code,
                method="POST",
                path=SURRENDER_RESPONSES_PATH,
                body=answer,
                topic=SUR_TOPIC,
                reference=reference,
            )
