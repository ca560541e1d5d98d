"""The PINT 3.0.0 receiver: envelopes in, signed answers out, imports into the log.

``start`` runs the checks of ``interop.dcsa.pint.validate`` against what this node knows
(``_Knowledge``, read from the database), then either answers at once (a signed verdict, or
RECE after importing the eBL) or opens a transfer that waits for supporting documents (201).
``add_document`` takes one document (204, or signed INCD); ``finish`` imports once nothing is
missing (RECE), or answers MDOC; a repeated finish returns the stored answer.

The import is one ``IMPORT`` entry written by the node (``NodeRequest``) in the same transaction
as the chain entries kept verbatim and the transfer's status, so a crash leaves either all or
nothing. The state the entry carries comes from replaying the chain with the title rules, with
each PINT party mapped to a local or foreign party (``pint_parties``).

A notification-only envelope (the last transaction an ENDORSE, ENDORSE_TO_ORDER or SACC; PINT
``actionCode``) does not move the eBL: its chain is kept verbatim and answered RECE, and the
register is left as it was.

One deviation, on purpose: PINT 3.0.0 declares DISE only on finish-transfer, but a double spend
is just as visible at start, and accepting it would be wrong. ``start`` answers it as a signed
409 DISE (PINT notes §7 pitfall 4).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from corridor.crypto.canonical import canonical_bytes, sha256_hex
from corridor.domain.party import Role
from corridor.domain.title import NOTIFICATIONS, ActionCode, Status, TitleState
from corridor.errors import MalformedInputError, NotFoundError, TitleError
from corridor.interop.dcsa.pint.checksums import decode_standard_base64
from corridor.interop.dcsa.pint.parties import PintParty, resolve_recipient
from corridor.interop.dcsa.pint.replay import replay_parties
from corridor.interop.dcsa.pint.responses import sign_response, started_response
from corridor.interop.dcsa.pint.signatures import Refusal
from corridor.interop.dcsa.pint.validate import validate_envelope
from corridor.interop.dcsa.pint.verdict import ResponseCode, Transfer, Verdict
from corridor.services.node import Node
from corridor.services.pint_keys import PintKeys
from corridor.services.pint_parties import local_candidates, party_id_for
from corridor.services.writer import NodeRequest, Receipt
from corridor.storage import pint as rows
from corridor.storage import repository as repo
from corridor.storage.engine import writing

__all__ = ["Answer", "PintReceiver"]

OPEN, ACCEPTED = "open", "accepted"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: a signed response (a compact JWS string) or a JSON object (201)."""

    status: int
    body: str | dict[str, Any] | None


class PintReceiver:
    """The receiving side of PINT for one node."""

    def __init__(self, node: Node, keys: PintKeys) -> None:
        self._node = node
        self._keys = keys

    @property
    def platform(self) -> str:
        return self._node.config.platform

    # POST /v3/envelopes -------------------------------------------------------------------

    def start(self, envelope: Any) -> Answer:
        with self._node.engine.connect() as conn:
            result = validate_envelope(
                envelope,
                this_platform=self.platform,
                keys=self._keys.lookup,
                known=_Knowledge(conn, self.platform),
            )
        if isinstance(result, Verdict):
            return self._signed(result)
        reference = secrets.token_hex(16)
        stored = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)
        transfer = result.transfer
        if result.missing:
            with writing(self._node.engine) as conn:
                rows.close_open_inbound(conn, transfer.transport_document_checksum)
                rows.insert_inbound(
                    conn,
                    rows.InboundRow(
                        reference,
                        transfer.transport_document_checksum,
                        transfer.last_checksum,
                        stored,
                        json.dumps(list(result.missing)),
                        OPEN,
                        None,
                    ),
                    self._node.clock(),
                )
            body = started_response(
                reference,
                transfer.transport_document_checksum,
                transfer.last_checksum,
                result.missing,
            )
            return Answer(201, body)
        return self._import(transfer, reference, stored, new=True)

    # PUT /v3/envelopes/{ref}/additional-documents/{checksum} -------------------------------

    def add_document(self, reference: str, checksum: str, content: Any) -> Answer:
        inbound = self._open(reference)
        transfer = self._revalidated(inbound)
        if isinstance(transfer, Answer):
            return transfer
        declared = {d.checksum: d for d in transfer.documents}
        last = transfer.last_checksum
        metadata = declared.get(checksum)
        if metadata is None:
            return self._signed(
                Verdict(ResponseCode.INCD, f"document {checksum} is not in the manifest", last)
            )
        data = _decoded(content)
        if data is None:
            return self._signed(
                Verdict(ResponseCode.INCD, "the body is not a standard base64 JSON string", last)
            )
        if sha256_hex(data) != checksum or len(data) != metadata.size:
            return self._signed(
                Verdict(
                    ResponseCode.INCD,
                    f"the document received ({len(data)} bytes, SHA-256 {sha256_hex(data)}) "
                    f"is not the declared {metadata.name!r} ({metadata.size} bytes, {checksum})",
                    last,
                )
            )
        with writing(self._node.engine) as conn:
            rows.add_document(
                conn, checksum, metadata.name, metadata.media_type, data, self._node.clock()
            )
        return Answer(204, None)

    # PUT /v3/envelopes/{ref}/finish-transfer -----------------------------------------------

    def finish(self, reference: str) -> Answer:
        with self._node.engine.connect() as conn:
            inbound = rows.get_inbound(conn, reference)
        if inbound is None:
            raise NotFoundError(f"no envelope transfer {reference} on this platform")
        if inbound.status == ACCEPTED and inbound.response is not None:
            return Answer(200, inbound.response)
        if inbound.status != OPEN:
            raise NotFoundError(
                f"envelope transfer {reference} was replaced by a newer one for the same eBL"
            )
        transfer = self._revalidated(inbound)
        if isinstance(transfer, Answer):
            return transfer
        declared = [d.checksum for d in transfer.documents]
        with self._node.engine.connect() as conn:
            held = rows.held_documents(conn, declared)
        missing = tuple(c for c in declared if c not in held)
        if missing:
            return self._signed(
                Verdict(
                    ResponseCode.MDOC,
                    f"{len(missing)} supporting document(s) still missing",
                    transfer.last_checksum,
                    missing=missing,
                )
            )
        return self._import(transfer, reference, inbound.envelope, new=False)

    # Inside --------------------------------------------------------------------------------

    def _open(self, reference: str) -> rows.InboundRow:
        with self._node.engine.connect() as conn:
            inbound = rows.get_inbound(conn, reference)
        if inbound is None or inbound.status != OPEN:
            raise NotFoundError(f"no open envelope transfer {reference} on this platform")
        return inbound

    def _revalidated(self, inbound: rows.InboundRow) -> Transfer | Answer:
        """The stored envelope checked again against what the node knows now (step 10)."""
        with self._node.engine.connect() as conn:
            result = validate_envelope(
                json.loads(inbound.envelope),
                this_platform=self.platform,
                keys=self._keys.lookup,
                known=_Knowledge(conn, self.platform, ignore_documents=True),
            )
        if isinstance(result, Verdict):
            return self._signed(result)
        return result.transfer

    def _import(self, transfer: Transfer, reference: str, stored: str, *, new: bool) -> Answer:
        declared = tuple(d.checksum for d in transfer.documents)
        received = Verdict(ResponseCode.RECE, "", transfer.last_checksum, received=declared)
        answer = sign_response(received, self._node.node_key)
        last_code = transfer.entries[-1]["transactions"][-1]["actionCode"]
        if ActionCode(last_code) in NOTIFICATIONS:
            return self._noted(transfer, reference, stored, answer, new=new)
        try:
            state = self._state(transfer)
        except Refusal as refusal:
            return self._signed(Verdict(refusal.code, refusal.reason, transfer.last_checksum))
        td = transfer.transport_document_checksum
        chain = _chain(transfer)
        now = self._node.clock()

        def also(conn: Connection, receipt: Receipt) -> None:
            rows.add_chain_entries(conn, td, chain, receipt.sequence, now)
            if new:
                rows.insert_inbound(
                    conn,
                    rows.InboundRow(
                        reference, td, transfer.last_checksum, stored, "[]", ACCEPTED, answer
                    ),
                    now,
                )
            else:
                rows.set_inbound(conn, reference, status=ACCEPTED, response=answer, missing="[]")

        request = NodeRequest(
            document_reference=_reference(transfer.transport_document),
            code=ActionCode.IMPORT,
            actor=self._node.platform_party_id(),
            at=now,
            pint_checksum=transfer.last_checksum,
            recipient=transfer.recipient_id,
            state=state,
            document_checksum=td,
            canonical_document=canonical_bytes(dict(transfer.transport_document)),
            also=also,
        )
        try:
            self._node.write(request)
        except TitleError as exc:
            with self._node.engine.connect() as conn:
                if _Knowledge(conn, self.platform).was_accepted(transfer.last_checksum):
                    return self._signed(
                        Verdict(
                            ResponseCode.DUPE,
                            "this envelope transfer was already accepted",
                            transfer.last_checksum,
                            duplicate_of=transfer.chain[-1],
                            received=declared,
                        )
                    )
            return self._signed(Verdict(ResponseCode.DISE, str(exc), transfer.last_checksum))
        return Answer(200, answer)

    def _noted(
        self, transfer: Transfer, reference: str, stored: str, answer: str, *, new: bool
    ) -> Answer:
        """A notification-only envelope: keep its chain and answer RECE; the register of this
        node is unchanged, as the eBL stays with the sending platform."""
        td = transfer.transport_document_checksum
        now = self._node.clock()
        with writing(self._node.engine) as conn:
            held = repo.document_with_checksum(conn, td)
            title = None if held is None else repo.get_title(conn, held)
            sequence = 0 if title is None else title.record.version
            rows.add_chain_entries(conn, td, _chain(transfer), sequence, now)
            if new:
                row = rows.InboundRow(
                    reference, td, transfer.last_checksum, stored, "[]", ACCEPTED, answer
                )
                rows.insert_inbound(conn, row, now)
            else:
                rows.set_inbound(conn, reference, status=ACCEPTED, response=answer, missing="[]")
        return Answer(200, answer)

    def _state(self, transfer: Transfer) -> TitleState:
        """The register state the chain gives, in this node's party ids (``Refusal`` if not)."""
        record, parties = replay_parties(
            transfer.entries, transfer.transport_document, transfer.transport_document_checksum
        )
        if record.status not in (Status.ISSUED, Status.SURRENDER_PENDING):
            raise Refusal(ResponseCode.BENV, f"the chain leaves the eBL {record.status}")
        now = self._node.clock()
        with writing(self._node.engine) as conn:
            ids = _PartyIds(conn, parties, self.platform, now)
            state = TitleState(
                carrier=ids.of(record.carrier, Role.CARRIER),
                kind=record.kind,
                status=record.status,
                possessor=ids.of(record.possessor),
                consignee=ids.maybe(record.consignee),
                endorsee=ids.maybe(record.endorsee),
                may_endorse=record.may_endorse,
                pending_surrenderer=ids.maybe(record.pending_surrenderer),
                pending_code=record.pending_code,
            )
        if state.possessor != transfer.recipient_id:
            raise Refusal(
                ResponseCode.BENV,
                "the last transaction does not give its recipient possession of the eBL",
            )
        return state

    def _signed(self, verdict: Verdict) -> Answer:
        return Answer(verdict.http_status, sign_response(verdict, self._node.node_key))


@dataclass
class _PartyIds:
    conn: Connection
    parties: Mapping[str, PintParty]
    platform: str
    now: Any

    def of(self, replay_id: str, role: Role = Role.TRADER) -> str:
        return party_id_for(
            self.conn, self.parties[replay_id], self.platform, roles=frozenset({role}), now=self.now
        )

    def maybe(self, replay_id: str | None) -> str | None:
        return None if replay_id is None else self.of(replay_id)


class _Knowledge:
    """What this node knows, read from its database (``validate.Knowledge``)."""

    def __init__(self, conn: Connection, platform: str, *, ignore_documents: bool = False) -> None:
        self._conn = conn
        self._platform = platform
        self._ignore_documents = ignore_documents

    def was_accepted(self, last_checksum: str) -> bool:
        return rows.accepted_inbound(self._conn, last_checksum) is not None

    def known_chain_checksums(self, td_checksum: str) -> set[str]:
        return {row.checksum for row in rows.chain_of(self._conn, td_checksum)}

    def holds_live(self, td_checksum: str) -> bool:
        reference = repo.document_with_checksum(self._conn, td_checksum)
        if reference is None:
            return False
        row = repo.get_title(self._conn, reference)
        return row is not None and row.record.status is not Status.EXPORTED

    def held_document_checksums(self, wanted: Sequence[str]) -> set[str]:
        if self._ignore_documents:
            return set(wanted)
        return rows.held_documents(self._conn, wanted)

    def local_recipient(self, party: PintParty) -> str | None:
        if party.platform != self._platform:
            return None
        return resolve_recipient(party, self._platform, local_candidates(self._conn, party))


def _chain(transfer: Transfer) -> list[tuple[str, str, str]]:
    """``(checksum, jws, platform)`` of each entry of the transfer's chain, in order."""
    return [
        (checksum, jws, entry["eblPlatform"])
        for checksum, jws, entry in zip(
            transfer.chain_checksums, transfer.chain, transfer.entries, strict=True
        )
    ]


def _reference(document: Mapping[str, Any]) -> str:
    reference = document.get("transportDocumentReference")
    if not isinstance(reference, str):
        raise MalformedInputError("the transport document has no transportDocumentReference")
    return reference


def _decoded(content: Any) -> bytes | None:
    try:
        return decode_standard_base64(content)
    except MalformedInputError:
        return None
