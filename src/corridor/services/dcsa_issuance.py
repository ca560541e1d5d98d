"""DCSA EBL_ISS 3.0.3, platform side: a carrier's system asks this node to issue an eBL.

``PUT /v3/ebl-issuance-requests`` carries an ``IssuanceRequest``; the answer is 204 and, later,
an ``IssuanceResponse`` (ISSU, BREQ or REFU) posted to the carrier's
``/v3/ebl-issuance-responses``. The carrier's system is the platform-registry entry whose code
is the transport document's ``carrierCode``; its keys verify the issuance manifest and its
``base_url`` receives the answer.

At once, before 204 (``receive``; nothing is stored on a refusal, so no one can take a
reference with a request the carrier did not sign):

1. the body is JSON and matches ``IssuanceRequest`` (``DocumentRuleError``: HTTP 400);
2. ``issuanceManifestSignedContent`` verifies under a key of the carrier's system, chosen by
   ``kid`` (as the PINT receiver checks an issuance manifest) and its payload is an
   ``IssuanceManifest`` (``VerificationError``: 422);
3. ``documentChecksum`` is the SHA-256 of the RFC 8785 bytes of ``document``;
   ``issueToChecksum`` that of ``issueTo`` as sent; ``eBLVisualisationByCarrierChecksum`` that
   of the decoded visualisation, present exactly when the visualisation is (422);
4. the ``transportDocumentReference`` was never requested nor issued here (``ConflictError``:
   409, as the spec says: a request is never accepted twice).

Afterwards (``process``, on the background worker), the answer:

* BREQ, naming the field: ``issueTo.sendToPlatform`` is not this platform; the document
  breaks a DCSA rule when the node issues it;
* REFU, saying why: ``issueTo`` does not name exactly one party of this platform (the spec's
  own REFU example); the document's issuing party is not a local party with the carrier role;
  a party the document names is not registered; the title register refuses;
* ISSU: the node issued it, the ISSUE entry signed with the carrier's custodial key.

Processing is idempotent: a request found already issued with the same document checksum (a
crash after issuing, before answering) is answered ISSU. The answer and its queued callback are
written in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from corridor.crypto.canonical import checksum, parse_json
from corridor.crypto.jws import VerifyingKey
from corridor.domain.party import Role
from corridor.errors import (
    ConflictError,
    CorridorError,
    DocumentRuleError,
    InputError,
    MalformedInputError,
    NotFoundError,
    VerificationError,
)
from corridor.interop.dcsa.pint.checksums import bytes_checksum, decode_standard_base64
from corridor.interop.dcsa.pint.parties import parse_party, resolve_recipient
from corridor.interop.dcsa.pint.signatures import Refusal
from corridor.interop.dcsa.pint.signatures import _verify as verify_signed_by
from corridor.interop.dcsa.schema import ISS_SPEC_FILE
from corridor.services.dcsa_messages import checked_outbound, dump, one_line, read_body
from corridor.services.dcsa_outbox import Outbox
from corridor.services.node import Node
from corridor.services.platforms import Platforms
from corridor.storage import dcsa_requests as rows
from corridor.storage.engine import writing

__all__ = ["ISSUANCE_RESPONSES_PATH", "IssuanceRequests", "Verdict", "registry_keys"]

ISSUANCE_RESPONSES_PATH = "/v3/ebl-issuance-responses"
TOPIC = "iss-response"
LEASE = timedelta(seconds=60)
_MANIFEST = "issuanceManifestSignedContent"
_VISUALISATION = "eBLVisualisationByCarrier"
_VISUALISATION_CHECKSUM = "eBLVisualisationByCarrierChecksum"


@dataclass(frozen=True)
class Verdict:
    """An ``IssuanceResponse`` to send: ISSU, or BREQ/REFU with a reason and its errors."""

    code: str
    reason: str | None = None
    errors: tuple[tuple[str, str], ...] = ()  # (errorCode, reason)

    def response(self, reference: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "transportDocumentReference": reference,
            "issuanceResponseCode": self.code,
        }
        if self.reason is not None:
            body["reason"] = one_line(self.reason)
        if self.errors:
            body["errors"] = [
                {"errorCode": code, "reason": one_line(reason)} for code, reason in self.errors
            ]
        return body


def _breq(code: str, reason: str) -> Verdict:
    return Verdict("BREQ", reason, ((code, reason),))


def _refu(code: str, reason: str) -> Verdict:
    return Verdict("REFU", reason, ((code, reason),))


def registry_keys(platforms: Platforms, code: str, kid: str | None) -> Sequence[VerifyingKey]:
    """The registered keys of ``code`` that may have signed (the PINT ``KeyLookup`` shape)."""
    try:
        if kid is not None:
            return [platforms.key_for(code, kid).public_key]
        return [key.public_key for key in platforms.keys(code)]
    except (NotFoundError, InputError):
        return []


class IssuanceRequests:
    """Issuance requests this node receives as the platform."""

    def __init__(self, node: Node, outbox: Outbox | None = None) -> None:
        self.node = node
        self.outbox = outbox or Outbox(node)
        self.platforms = Platforms(node)

    # Receiving ------------------------------------------------------------------------------

    def receive(self, body: bytes | str) -> str:
        """Check and store a request (module doc, steps 1-4); returns its reference."""
        request = read_body(body, ISS_SPEC_FILE, "IssuanceRequest")
        document = request["document"]
        reference: str = document["transportDocumentReference"]
        carrier_code = document.get("carrierCode")
        if not isinstance(carrier_code, str):
            raise DocumentRuleError("/document/carrierCode", "is required to find the carrier")
        manifest = self._verified_manifest(request[_MANIFEST], carrier_code)
        _check_checksums(request, manifest)
        if self._reference_used(reference):
            raise ConflictError(_used(reference))
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        try:
            with writing(self.node.engine) as conn:
                rows.insert_issuance_received(
                    conn, reference, carrier_code, text, self.node.clock()
                )
        except IntegrityError:
            raise ConflictError(_used(reference)) from None
        return reference

    def _verified_manifest(self, jws: str, carrier_code: str) -> dict[str, Any]:
        try:
            self.platforms.get(carrier_code)
        except (NotFoundError, InputError):
            raise VerificationError(
                _MANIFEST,
                f"no carrier system {carrier_code!r} (the document's carrierCode) is registered "
                "on this platform; its operator registers it with 'corridor platform add'",
            ) from None
        try:
            payload = verify_signed_by(
                jws,
                carrier_code,
                lambda code, kid: registry_keys(self.platforms, code, kid),
                _MANIFEST,
            )
            return read_body(payload, ISS_SPEC_FILE, "IssuanceManifest")
        except Refusal as refusal:
            raise VerificationError(_MANIFEST, refusal.reason) from None
        except (DocumentRuleError, MalformedInputError) as error:
            raise VerificationError(
                _MANIFEST, f"the signed payload is not an IssuanceManifest: {error.message}"
            ) from None

    def _reference_used(self, reference: str) -> bool:
        with self.node.engine.connect() as conn:
            if rows.get_issuance_received(conn, reference) is not None:
                return True
        try:
            self.node.record(reference)
        except NotFoundError:
            return False
        return True

    def get(self, reference: str) -> rows.IssuanceReceivedRow:
        with self.node.engine.connect() as conn:
            row = rows.get_issuance_received(conn, reference)
        if row is None:
            raise NotFoundError(f"no issuance request for {reference} was received here")
        return row

    # Processing -----------------------------------------------------------------------------

    def process_pending(self, limit: int = 20) -> int:
        """Answer every received request not answered yet; returns how many were answered."""
        with self.node.engine.connect() as conn:
            waiting = rows.unprocessed_issuances(conn, self.node.clock(), limit)
        return sum(1 for row in waiting if self.process(row.transport_document_reference))

    def process(self, reference: str) -> Verdict | None:
        """Issue (or refuse) one received request and queue its answer; None if not ours now."""
        now = self.node.clock()
        with writing(self.node.engine) as conn:
            if not rows.claim_issuance(conn, reference, now, now + LEASE):
                return None
            row = rows.get_issuance_received(conn, reference)
        assert row is not None  # claimed just now
        request = parse_json(row.request)
        verdict = self._verdict(request)
        response = checked_outbound(ISS_SPEC_FILE, "IssuanceResponse", verdict.response(reference))
        with writing(self.node.engine) as conn:
            if not rows.answer_issuance(conn, reference, verdict.code, dump(response), now):
                return None
            self.outbox.enqueue(
                conn,
                platform_code=row.carrier_code,
                method="POST",
                path=ISSUANCE_RESPONSES_PATH,
                body=response,
                topic=TOPIC,
                reference=reference,
            )
        return verdict

    def _verdict(self, request: dict[str, Any]) -> Verdict:
        document = request["document"]
        already = self._already_issued(document)
        if already is not None:
            return already
        platform = self.node.config.platform
        issue_to = request["issueTo"]
        if issue_to["sendToPlatform"] != platform:
            return _breq(
                "issueTo.sendToPlatform",
                f"$.issueTo.sendToPlatform is {issue_to['sendToPlatform']!r}, but this platform "
                f"is {platform}: send the request to the issue-to party's platform",
            )
        recipient = self._recipient(issue_to)
        if isinstance(recipient, Verdict):
            return recipient
        carrier = self._carrier(document)
        if isinstance(carrier, Verdict):
            return carrier
        try:
            self.node.issue(document, carrier=carrier, to=recipient)
        except CorridorError as error:
            return self._already_issued(document) or _refusal(error)
        return Verdict("ISSU")

    def _already_issued(self, document: dict[str, Any]) -> Verdict | None:
        reference = document["transportDocumentReference"]
        try:
            record = self.node.record(reference).record
        except NotFoundError:
            return None
        if record.document_checksum == checksum(document):
            return Verdict("ISSU")
        return _refu(
            "DUPLICATE_REFERENCE",
            f"another document with reference {reference} is already issued on this platform",
        )

    def _recipient(self, issue_to: dict[str, Any]) -> str | Verdict:
        platform = self.node.config.platform
        local = {p.party_id: p for p in self.node.parties() if p.platform == platform}
        party = parse_party({**issue_to, "eblPlatform": issue_to["sendToPlatform"]})
        found = resolve_recipient(party, platform, local)
        if found is None:
            codes = ", ".join(f"{c.provider}/{c.code}" for c in party.codes)
            return _refu(
                "ISSUE_TO_UNKNOWN",
                f"IssueTo party {party.name!r} ({codes}) is not exactly one party of this "
                f"platform; it names parties as {platform}/<party id>, GLEIF/LEI or DCSA codes",
            )
        return found

    def _carrier(self, document: dict[str, Any]) -> str | Verdict:
        issuing = document.get("documentParties", {}).get("issuingParty", {})
        name = issuing.get("partyName", "")
        try:
            party = self.node.party(name)
        except NotFoundError:
            return _refu(
                "CARRIER_UNKNOWN",
                f"the issuing party {name!r} is not a party of this platform; the platform "
                "issues for carriers it holds a key for",
            )
        if Role.CARRIER not in party.roles:
            return _refu("CARRIER_ROLE", f"the issuing party {name!r} is not a carrier here")
        return party.party_id


def _refusal(error: CorridorError) -> Verdict:
    if isinstance(error, DocumentRuleError):
        where = "$.document" + error.location.replace("/", ".")
        return _breq("DOCUMENT_RULE", f"{where}: {error.reason}")
    if isinstance(error, InputError):
        return _breq("INVALID_REQUEST", error.message)
    return _refu("REFUSED", error.message)


def _check_checksums(request: dict[str, Any], manifest: dict[str, Any]) -> None:
    if manifest["documentChecksum"] != checksum(request["document"]):
        raise VerificationError(
            "documentChecksum",
            "the issuance manifest's documentChecksum is not the SHA-256 of the RFC 8785 bytes "
            "of the document sent",
        )
    if manifest["issueToChecksum"] != checksum(request["issueTo"]):
        raise VerificationError(
            "issueToChecksum",
            "the issuance manifest's issueToChecksum is not the SHA-256 of the RFC 8785 bytes "
            "of issueTo as sent",
        )
    visualisation = request.get(_VISUALISATION)
    claimed = manifest.get(_VISUALISATION_CHECKSUM)
    if visualisation is None and claimed is None:
        return
    if visualisation is None or claimed is None:
        raise VerificationError(
            _VISUALISATION_CHECKSUM,
            f"the manifest's {_VISUALISATION_CHECKSUM} and the request's {_VISUALISATION} must "
            "come together: the carrier signs the visualisation it sends",
        )
    try:
        content = decode_standard_base64(visualisation["content"])
    except MalformedInputError as error:
        raise DocumentRuleError(f"/{_VISUALISATION}/content", error.message) from None
    if bytes_checksum(content) != claimed:
        raise VerificationError(
            _VISUALISATION_CHECKSUM,
            f"the manifest's {_VISUALISATION_CHECKSUM} is not the SHA-256 of the decoded "
            f"{_VISUALISATION}.content",
        )


def _used(reference: str) -> str:
    return (
        f"transportDocumentReference {reference} was used before to request an issuance on this "
        "platform (or the document is already here); a reference is issued at most once"
    )
