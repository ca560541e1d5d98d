"""The PINT 3.0.0 sender: an eBL whose new possessor is on another platform leaves over PINT.

When an action leaves a party of another platform in possession (a transfer, a surrender to a
carrier there, an issue to a party there), the node builds the envelope from its own log and
stores it in the outbox *before* sending it, so every retry sends the same bytes (PINT notes §7
pitfall 5):

* the transport document as issued;
* every chain entry the node holds for the document, verbatim, then one new entry signed with
  the node's key, holding the node's own transactions since the last chain entry (its signed
  entries, with PINT parties; ``auditReference`` is the entry's hash). The first entry carries
  the issuance manifest, signed with the carrier's own key (the receiving platform registers it
  under the carrier's SMDG code, the document's ``carrierCode``);
* the manifest, listing the supporting documents that came with the eBL.

Delivery follows the answer's ``responseCode`` (verified under the receiver's registered key):
RECE or DUPE write an ``EXPORT`` entry (the record becomes EXPORTED, inert) and keep the new
chain entry; BSIG or BENV write a ``RETURN`` entry (possession goes back to the party who sent
it) and keep the reason for the user; DISE leaves the record blocked, for the operators to
settle out of band. A notification-only envelope (an ENDORSE, ENDORSE_TO_ORDER or SACC whose
recipient is on another platform; PINT's ``actionCode``) moves nothing: its chain entry is kept
when it is built, and its answer only settles the outbox row. Anything else (no answer, an
unsigned error, INCD, MDOC) is retried with backoff. A background thread delivers;
``deliver_due`` does the same work for tests and the CLI.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import Connection

from corridor.crypto.canonical import canonical_bytes, parse_json, sha256_hex
from corridor.crypto.jws import header_of, sign_compact, verify_compact
from corridor.crypto.keys import PrivateKey, b64url_decode
from corridor.domain.title import NODE_ACTIONS, NOTIFICATIONS, ActionCode
from corridor.errors import CorridorError, NodeError, NotFoundError, VerificationError
from corridor.interop.dcsa.pint.checksums import jws_checksum
from corridor.interop.dcsa.pint.verdict import ResponseCode
from corridor.services.entry_codec import payload_of
from corridor.services.node import Node
from corridor.services.pint_keys import PintKeys
from corridor.services.pint_parties import pint_party_of
from corridor.services.writer import NodeRequest, Receipt
from corridor.storage import pint as rows
from corridor.storage import platforms as registry
from corridor.storage import repository as repo
from corridor.storage.engine import writing

__all__ = ["Outcome", "PintSender", "build_envelope", "is_notification"]

_log = logging.getLogger(__name__)

PENDING, DELIVERED, REFUSED, DISPUTED = "pending", "delivered", "refused", "disputed"
_MAX_BACKOFF_S = 300.0
_TIMEOUT_S = 30.0
_API_VERSION = "3.0.0"

Transport = Callable[[str, str, str, bytes], httpx.Response]


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt ended in."""

    outbox_id: str
    document_reference: str
    status: str
    response_code: str | None
    detail: str


class PintSender:
    """The sending side of PINT for one node; ``node.on_export`` is set to ``enqueue``."""

    def __init__(self, node: Node, keys: PintKeys, transport: Transport | None = None) -> None:
        self._node = node
        self._keys = keys
        self._client: httpx.Client | None = None
        self._transport = transport or self._http
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.observers: list[Callable[[Outcome], None]] = []
        node.on_export = self.enqueue
        node.on_notify = self.notify

    # Enqueue ------------------------------------------------------------------------------

    def enqueue(self, receipt: Receipt) -> None:
        """Build and store the envelope for the record in ``receipt``; wake the deliverer."""
        self._store(receipt.document_reference, receipt.sequence)
        self._wake.set()

    def notify(self, receipt: Receipt, recipient: str) -> None:
        """Build and store the notification-only envelope of an ENDORSE, ENDORSE_TO_ORDER or
        SACC to ``recipient``, a party of another platform; wake the deliverer."""
        self._store(receipt.document_reference, receipt.sequence, notify=recipient)
        self._wake.set()

    def recover(self) -> list[str]:
        """Store envelopes for exports a crash left without one (run at start)."""
        with self._node.engine.connect() as conn:
            stranded = rows.stranded_exports(conn, self._node.config.platform)
        return [self._store(reference, version) for reference, version in stranded]

    def _store(self, reference: str, sequence: int, notify: str | None = None) -> str:
        """Build the envelope and store it in the outbox, in one transaction.

        A notification's new chain entry is kept at once: the action it reports happened
        whatever the other platform answers, so the next envelope for this eBL extends it.
        """
        with writing(self._node.engine) as conn:
            record = repo.get_title(conn, reference)
            if record is None:
                raise NotFoundError(f"no eBL with reference {reference} on this node")
            platform = repo.get_party(conn, notify or record.record.possessor)
            assert platform is not None
            envelope = build_envelope(conn, self._node, reference, sequence)
            now = self._node.clock()
            if notify is not None:
                td = record.record.document_checksum
                rows.add_chain_entries(conn, td, _chain_rows(envelope), sequence, now)
            outbox_id = secrets.token_hex(16)
            rows.insert_outbox(
                conn,
                rows.OutboxRow(
                    outbox_id=outbox_id,
                    document_reference=reference,
                    platform=platform.platform,
                    envelope=json.dumps(envelope, separators=(",", ":"), ensure_ascii=False),
                    last_checksum=jws_checksum(envelope["envelopeTransferChain"][-1]),
                    local_sequence=sequence,
                    status=PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    last_error=None,
                    response_code=None,
                    created_at=now,
                    updated_at=now,
                ),
            )
        return outbox_id

    # Deliver ------------------------------------------------------------------------------

    def deliver_due(self) -> list[Outcome]:
        """Try every pending envelope that is due now, oldest first."""
        with self._lock:
            with self._node.engine.connect() as conn:
                due = rows.pending_outbox(conn, self._node.clock())
            outcomes = []
            for row in due:
                outcome = self._deliver(row)
                for observer in self.observers:
                    observer(outcome)
                outcomes.append(outcome)
        return outcomes

    def _deliver(self, row: rows.OutboxRow) -> Outcome:
        try:
            code, detail = self._exchange(row)
        except (httpx.HTTPError, _UnansweredError, CorridorError) as exc:
            return self._retry(row, f"{type(exc).__name__}: {exc}"[:1000])
        notification = is_notification(row.envelope)
        if code in (ResponseCode.RECE, ResponseCode.DUPE):
            if notification:
                return self._settled(row, DELIVERED, code, f"notified {row.platform}")
            return self._exported(row, code)
        if code in (ResponseCode.BSIG, ResponseCode.BENV):
            if notification:  # nothing moved, so nothing comes back
                return self._settled(row, REFUSED, code, detail)
            return self._returned(row, code, detail)
        if code is ResponseCode.DISE:
            return self._settled(row, DISPUTED, code, detail)
        return self._retry(row, f"{code.value}: {detail}", code.value)

    def _exchange(self, row: rows.OutboxRow) -> tuple[ResponseCode, str]:
        base = self._base_url(row.platform)
        response = self._transport("POST", f"{base}/v3/envelopes", "", row.envelope.encode())
        if response.status_code == 201:
            started = response.json()
            reference = str(started["envelopeReference"])
            self._send_documents(base, reference, started["missingAdditionalDocumentChecksums"])
            response = self._transport(
                "PUT", f"{base}/v3/envelopes/{reference}/finish-transfer", "", b""
            )
        return self._read_signed(row, response)

    def _send_documents(self, base: str, reference: str, missing: list[str]) -> None:
        for checksum in missing:
            with self._node.engine.connect() as conn:
                content = rows.document_content(conn, checksum)
            if content is None:
                raise _UnansweredError(f"the receiver wants document {checksum}, which is not held")
            body = json.dumps(base64.b64encode(content).decode("ascii")).encode()
            url = f"{base}/v3/envelopes/{reference}/additional-documents/{checksum}"
            answer = self._transport("PUT", url, "", body)
            if answer.status_code != 204:
                raise _UnansweredError(f"document {checksum}: HTTP {answer.status_code}")

    def _read_signed(
        self, row: rows.OutboxRow, response: httpx.Response
    ) -> tuple[ResponseCode, str]:
        if response.status_code not in (200, 409, 422):
            raise _UnansweredError(f"HTTP {response.status_code}: {response.text[:300]}")
        try:
            jws = response.json()
        except ValueError:
            raise _UnansweredError(f"HTTP {response.status_code} without a JSON body") from None
        if not isinstance(jws, str):
            raise _UnansweredError(f"HTTP {response.status_code} with an unsigned body")
        try:
            kid = header_of(jws).get("kid")
            keys = self._keys.lookup(row.platform, kid if isinstance(kid, str) else None)
            payload = _verified(jws, keys)
        except VerificationError as exc:
            raise _UnansweredError(
                f"the answer's signature does not verify: {exc.detail}"
            ) from None
        if payload.get("lastEnvelopeTransferChainEntrySignedContentChecksum") != row.last_checksum:
            raise _UnansweredError("the signed answer is about another envelope")
        try:
            code = ResponseCode(str(payload.get("responseCode")))
        except ValueError:
            raise _UnansweredError(
                f"unknown responseCode {payload.get('responseCode')!r}"
            ) from None
        return code, str(payload.get("reason") or code.value)

    def _settled(
        self, row: rows.OutboxRow, status: str, code: ResponseCode, detail: str
    ) -> Outcome:
        """A final answer that writes no entry: a notification answered, or DISE."""
        error = None if status == DELIVERED else detail
        self._set(row, status=status, response_code=code.value, last_error=error)
        return Outcome(row.outbox_id, row.document_reference, status, code.value, detail)

    def _exported(self, row: rows.OutboxRow, code: ResponseCode) -> Outcome:
        envelope = json.loads(row.envelope)
        td = _td_checksum(envelope)
        entries = _chain_rows(envelope)

        def also(conn: Connection, _receipt: Receipt) -> None:
            rows.add_chain_entries(conn, td, entries, row.local_sequence, self._node.clock())
            self._mark(conn, row, status=DELIVERED, response_code=code.value, last_error=None)

        self._node.write(
            NodeRequest(
                document_reference=row.document_reference,
                code=ActionCode.EXPORT,
                actor=self._node.platform_party_id(),
                at=self._node.clock(),
                pint_checksum=row.last_checksum,
                also=also,
            )
        )
        return Outcome(
            row.outbox_id,
            row.document_reference,
            DELIVERED,
            code.value,
            f"accepted by {row.platform}",
        )

    def _returned(self, row: rows.OutboxRow, code: ResponseCode, reason: str) -> Outcome:
        with self._node.engine.connect() as conn:
            sender = next(
                e.actor
                for e in repo.entries_of(conn, row.document_reference)
                if e.sequence == row.local_sequence
            )

        def also(conn: Connection, _receipt: Receipt) -> None:
            self._mark(conn, row, status=REFUSED, response_code=code.value, last_error=reason)

        self._node.write(
            NodeRequest(
                document_reference=row.document_reference,
                code=ActionCode.RETURN,
                actor=self._node.platform_party_id(),
                at=self._node.clock(),
                pint_checksum=row.last_checksum,
                recipient=sender,
                also=also,
            )
        )
        return Outcome(row.outbox_id, row.document_reference, REFUSED, code.value, reason)

    def _retry(self, row: rows.OutboxRow, error: str, code: str | None = None) -> Outcome:
        attempts = row.attempts + 1
        delay = min(_MAX_BACKOFF_S, 2.0 ** min(attempts, 10))
        self._set(
            row,
            attempts=attempts,
            next_attempt_at=self._node.clock() + timedelta(seconds=delay),
            last_error=error,
            response_code=code,
        )
        return Outcome(row.outbox_id, row.document_reference, PENDING, code, error)

    def _set(self, row: rows.OutboxRow, **values: Any) -> None:
        with writing(self._node.engine) as conn:
            self._mark(conn, row, **values)

    def _mark(self, conn: Connection, row: rows.OutboxRow, **values: Any) -> None:
        rows.set_outbox(conn, row.outbox_id, updated_at=self._node.clock(), **values)

    def _base_url(self, platform: str) -> str:
        with self._node.engine.connect() as conn:
            found = registry.get_platform(conn, platform)
        if found is None or found.removed_at is not None:
            raise _UnansweredError(f"platform {platform} is not registered on this node")
        return found.base_url.rstrip("/")

    def _http(self, method: str, url: str, _unused: str, body: bytes) -> httpx.Response:
        if self._client is None:
            self._client = httpx.Client(timeout=_TIMEOUT_S)
        headers = {"API-Version": _API_VERSION}
        if body:
            headers["Content-Type"] = "application/json"
        return self._client.request(method, url, content=body, headers=headers)

    # Background ---------------------------------------------------------------------------

    def start(self) -> None:
        """Recover stranded exports and deliver in a background thread until ``stop``."""
        if self._thread is not None:
            return
        self.recover()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pint-sender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.deliver_due()
            except Exception:  # the loop must outlive a failed round; the row keeps the error
                _log.exception("PINT delivery round failed")
            self._wake.wait(timeout=1.0)


class _UnansweredError(Exception):
    """No signed answer yet: try again later."""


def _verified(jws: str, keys: list[Any]) -> dict[str, Any]:
    last: VerificationError | None = None
    for key in keys:
        try:
            payload = parse_json(verify_compact(jws, key)[1])
        except VerificationError as exc:
            last = exc
            continue
        if isinstance(payload, dict):
            return payload
    raise last or VerificationError("jws-signature", "no registered key for the receiver")


def _platform_of(jws: str) -> str:
    payload = parse_json(b64url_decode(jws.split(".")[1]))
    return str(payload["eblPlatform"])


def _chain_rows(envelope: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(checksum, jws, platform)`` of each entry of the envelope's chain, in order."""
    return [
        (jws_checksum(jws), jws, _platform_of(jws)) for jws in envelope["envelopeTransferChain"]
    ]


def is_notification(envelope_json: str) -> bool:
    """True if the envelope's last transaction only notifies its recipient (``NOTIFICATIONS``)."""
    last_entry = json.loads(envelope_json)["envelopeTransferChain"][-1]
    transactions = parse_json(b64url_decode(last_entry.split(".")[1]))["transactions"]
    return ActionCode(transactions[-1]["actionCode"]) in NOTIFICATIONS


def _td_checksum(envelope: Mapping[str, Any]) -> str:
    payload = parse_json(b64url_decode(envelope["envelopeManifestSignedContent"].split(".")[1]))
    return str(payload["transportDocumentChecksum"])


# Building an envelope from the log -----------------------------------------------------------


def build_envelope(conn: Connection, node: Node, reference: str, sequence: int) -> dict[str, Any]:
    """The ``EblEnvelope`` that hands ``reference`` on, as of its entry ``sequence``."""
    raw = repo.get_document(conn, reference)
    record = repo.get_title(conn, reference)
    if raw is None or record is None:
        raise NotFoundError(f"no eBL with reference {reference} on this node")
    document = parse_json(raw)
    td = record.record.document_checksum
    held = rows.chain_of(conn, td)
    covered = max((row.local_sequence for row in held), default=0)
    transactions = _transactions(conn, reference, covered, sequence)
    if not transactions:
        raise NodeError(f"internal: nothing to send for {reference}")
    platform = node.config.platform
    entry: dict[str, Any] = {
        "eblPlatform": platform,
        "transportDocumentChecksum": td,
        "transactions": transactions,
    }
    if held:
        entry["previousEnvelopeTransferChainEntrySignedContentChecksum"] = held[-1].checksum
    else:
        carrier = node.custodial_key(conn, record.record.carrier)
        entry["issuanceManifestSignedContent"] = _issuance_manifest(carrier, td, transactions[0])
    signed = sign_compact(canonical_bytes(entry), node.node_key)
    documents = _supporting_documents(conn, td)
    manifest: dict[str, Any] = {
        "transportDocumentChecksum": td,
        "lastEnvelopeTransferChainEntrySignedContentChecksum": jws_checksum(signed),
    }
    if documents:
        manifest["supportingDocuments"] = documents
    return {
        "transportDocument": document,
        "envelopeManifestSignedContent": sign_compact(canonical_bytes(manifest), node.node_key),
        "envelopeTransferChain": [*(row.jws for row in held), signed],
    }


def _transactions(conn: Connection, reference: str, after: int, upto: int) -> list[dict[str, Any]]:
    """The node's own actions after sequence ``after`` up to ``upto``, as PINT transactions.

    A ``RETURN`` takes back the transaction that was refused (the last one before it).
    """
    out: list[dict[str, Any]] = []
    for row in repo.entries_of(conn, reference):
        if not after < row.sequence <= upto:
            continue
        code = ActionCode(row.action_code)
        if code is ActionCode.RETURN and out:
            out.pop()
        if code in NODE_ACTIONS:
            continue
        payload = payload_of(row.jws)
        transaction: dict[str, Any] = {
            "actionCode": code.value,
            "actor": pint_party_of(conn, payload.actor),
            "actionDateTime": payload.action_date_time,
            "auditReference": row.entry_hash,
        }
        if payload.recipient is not None:
            transaction["recipient"] = pint_party_of(conn, payload.recipient)
        if payload.reason_code is not None:
            transaction["reasonCode"] = payload.reason_code
        if payload.comments is not None:
            transaction["comments"] = payload.comments
        out.append(transaction)
    return out


def _issuance_manifest(carrier: PrivateKey, td: str, issue: Mapping[str, Any]) -> str:
    """The carrier's issuance manifest, signed with the carrier's own (custodial) key."""
    recipient = issue.get("recipient") or {}
    issue_to = {
        "partyName": recipient.get("partyName"),
        "sendToPlatform": recipient.get("eblPlatform"),
        "identifyingCodes": recipient.get("identifyingCodes"),
    }
    manifest = {"documentChecksum": td, "issueToChecksum": sha256_hex(canonical_bytes(issue_to))}
    return sign_compact(canonical_bytes(manifest), carrier)


def _supporting_documents(conn: Connection, td: str) -> list[dict[str, Any]]:
    """The supporting documents of the last accepted transfer of this eBL that are held here."""
    stored = rows.latest_accepted_envelope(conn, td)
    if stored is None:
        return []
    manifest_jws = json.loads(stored)["envelopeManifestSignedContent"]
    manifest = parse_json(b64url_decode(manifest_jws.split(".")[1]))
    declared = manifest.get("supportingDocuments") or []
    held = rows.held_documents(conn, [d["documentChecksum"] for d in declared])
    return [d for d in declared if d["documentChecksum"] in held]
