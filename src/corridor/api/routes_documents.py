"""``/api/v1/documents``: issue, read, list, act on, and export eBLs.

``GET .../transport-document`` answers the DCSA eBL 3.0.3 document as the stored RFC 8785 bytes,
so a client can hash the body and compare it with the checksum in the signed entries.

A party sees the documents it issued, holds, is endorsee of, or appears in; to anyone else such a
document does not exist (404). Actions are authorised by the title register itself: only the
controller may act (``NotControllerError``, 403), and only as the rules allow (409).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from corridor.api import schemas
from corridor.api.auth import AccessDep, Caller, NodeDep, PartyCaller
from corridor.api.idempotency import IdempotencyKey, respond_once
from corridor.api.problems import Problem
from corridor.crypto.canonical import parse_json
from corridor.domain.party import Role
from corridor.domain.title import ActionCode, Status, available_actions
from corridor.errors import InputError, NotFoundError, PermissionDeniedError
from corridor.interop.dcsa.transport_document_io import transport_document_json
from corridor.services.access import Principal
from corridor.services.bundle import build_bundle
from corridor.services.entry_codec import payload_of
from corridor.services.node import Node
from corridor.services.pint_transfers import transfers_of
from corridor.services.writer import Receipt
from corridor.storage import queries
from corridor.storage import repository as repo
from corridor.storage.repository import RegisterRow

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])

Reference = Annotated[
    str,
    Path(
        min_length=1,
        max_length=20,
        pattern=r"^\S(?:.*\S)?$",
        description="The transport document reference (DCSA: 1-20 characters, no outer spaces; "
        "percent-encode it).",
    ),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (401, "No valid API token"),
        (403, "Not allowed, e.g. not the controller"),
        (404, "No such document visible to the caller"),
        (409, "Refused by the title rules or a concurrent action"),
        (422, "Invalid input"),
    )
}


def visible_register_row(node: Node, caller: Principal, reference: str) -> RegisterRow:
    """The title record, if ``caller`` may see it (404 otherwise, as if it did not exist)."""
    with node.engine.connect() as conn:
        visible = caller.party_id is None or queries.may_see(conn, caller.party_id, reference)
        row = repo.get_title(conn, reference) if visible else None
    if row is None:
        raise NotFoundError(f"no eBL with reference {reference} on this node")
    return row


def _receipt_out(request: Request, receipt: Receipt) -> schemas.ReceiptOut:
    request.app.state.metrics.actions.labels(str(receipt.action_code)).inc()
    return schemas.ReceiptOut(
        transportDocumentReference=receipt.document_reference,
        actionCode=receipt.action_code,
        sequence=receipt.sequence,
        leafIndex=receipt.leaf_index,
        entryHash=receipt.entry_hash,
        title=schemas.title_out(RegisterRow(receipt.record, receipt.entry_hash)),
    )


def _decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    padded = cursor.encode() + b"=" * (-len(cursor) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise InputError("query:cursor is not a cursor this API returned") from None


def _encode_cursor(reference: str) -> str:
    return base64.urlsafe_b64encode(reference.encode()).decode().rstrip("=")


@router.get("", response_model=schemas.DocumentPage, responses=ERRORS)
def list_documents(
    node: NodeDep,
    caller: Caller,
    status: Annotated[Status | None, Query(description="Only records in this status.")] = None,
    possessor: Annotated[str | None, Query(max_length=200)] = None,
    carrier: Annotated[str | None, Query(max_length=200)] = None,
    awaiting: Annotated[bool, Query(description="Only surrenders awaiting my answer.")] = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> schemas.DocumentPage:
    """List the documents the caller may see, in reference order, one page at a time."""
    where = queries.DocumentFilter(
        viewer=caller.party_id,
        status=status,
        possessor=None if possessor is None else node.party(possessor).party_id,
        carrier=None if carrier is None else node.party(carrier).party_id,
        pending_for=caller.party_id if awaiting else None,
        after=_decode_cursor(cursor),
        limit=limit + 1,
    )
    with node.engine.connect() as conn:
        rows = queries.list_documents(conn, where)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode_cursor(rows[-1].record.document_reference) if more else None
    return schemas.DocumentPage(items=[schemas.title_out(r) for r in rows], nextCursor=next_cursor)


@router.post("", status_code=201, response_model=schemas.ReceiptOut, responses=ERRORS)
def issue_document(
    request: Request,
    body: schemas.IssueIn,
    node: NodeDep,
    access: AccessDep,
    caller: PartyCaller,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Issue a DCSA eBL 3.0.3 transport document as the calling carrier."""
    if caller.party is None or Role.CARRIER not in caller.party.roles:
        raise PermissionDeniedError("only a carrier may issue eBLs")
    carrier = caller.party.party_id

    def produce() -> schemas.ReceiptOut:
        receipt = node.issue(body.transportDocument, carrier=carrier, to=body.issueTo)
        return _receipt_out(request, receipt)

    return respond_once(request, access, caller, idempotency_key, body, produce, 201)


@router.get(
    "/{reference:path}/history", response_model=list[schemas.HistoryEntryOut], responses=ERRORS
)
def get_history(
    reference: Reference, node: NodeDep, caller: Caller
) -> list[schemas.HistoryEntryOut]:
    """Every signed entry of the document, oldest first, with the JWS exactly as signed."""
    visible_register_row(node, caller, reference)
    return [
        schemas.HistoryEntryOut(
            sequence=item.row.sequence,
            leafIndex=item.row.leaf_index,
            actionCode=item.row.action_code,
            actor=item.row.actor,
            recipient=item.row.recipient,
            actionDateTime=item.payload.action_date_time,
            entryHash=item.row.entry_hash,
            kid=item.row.kid,
            jws=item.row.jws,
        )
        for item in node.history(reference)
    ]


@router.get("/{reference:path}/bundle", responses=ERRORS)
def get_bundle(reference: Reference, node: NodeDep, caller: Caller) -> dict[str, Any]:
    """The offline bundle (document, signed entries, proofs, checkpoint, attestations)."""
    visible_register_row(node, caller, reference)
    return build_bundle(node, reference)


@router.get(
    "/{reference:path}/pint-transfers",
    response_model=list[schemas.PintTransferOut],
    responses=ERRORS,
)
def get_pint_transfers(
    reference: Reference, node: NodeDep, caller: Caller
) -> list[schemas.PintTransferOut]:
    """The PINT envelopes this node sent for the document, oldest first, and where each stands."""
    visible_register_row(node, caller, reference)
    return [
        schemas.PintTransferOut(
            platform=sent.platform,
            kind=sent.kind,
            status=sent.status,
            responseCode=sent.response_code,
            attempts=sent.attempts,
            lastError=sent.last_error,
            sentAt=sent.sent_at,
            updatedAt=sent.updated_at,
            nextAttemptAt=sent.next_attempt_at,
            summary=sent.summary,
        )
        for sent in transfers_of(node, reference)
    ]


_TRANSPORT_DOCUMENT_200: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The DCSA eBL 3.0.3 TransportDocument exactly as issued: its RFC 8785 "
        "canonical bytes, whose SHA-256 is the document checksum.",
        "content": {"application/json": {"schema": {"type": "object"}}},
        "headers": {
            "Repr-Digest": {
                "description": "RFC 9530 SHA-256 of the body (the document checksum, base64).",
                "schema": {"type": "string"},
            }
        },
    }
}


@router.get(
    "/{reference:path}/transport-document",
    response_class=Response,
    responses={**_TRANSPORT_DOCUMENT_200, **ERRORS},
)
def get_transport_document(reference: Reference, node: NodeDep, caller: Caller) -> Response:
    """The DCSA eBL 3.0.3 transport document exactly as issued (RFC 8785 canonical JSON)."""
    row = visible_register_row(node, caller, reference)
    body = transport_document_json(
        node.document(reference),
        canonical_form=True,
        expected_checksum=row.record.document_checksum,
    )
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
    return Response(
        body, media_type="application/json", headers={"Repr-Digest": f"sha-256=:{digest}:"}
    )


@router.post("/{reference:path}/actions", response_model=schemas.ReceiptOut, responses=ERRORS)
def act(
    request: Request,
    reference: Reference,
    body: schemas.ActionIn,
    node: NodeDep,
    access: AccessDep,
    caller: PartyCaller,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Take one title action as the caller, signed with its custodial key."""
    visible_register_row(node, caller, reference)

    def produce() -> schemas.ReceiptOut:
        receipt = node.act(
            reference,
            ActionCode(body.actionCode),
            actor=caller.party_id or "",
            recipient=body.recipient,
            reason_code=body.reasonCode,
            comments=body.comments,
        )
        return _receipt_out(request, receipt)

    return respond_once(request, access, caller, idempotency_key, body, produce)


@router.post(
    "/{reference:path}/signed-entries", response_model=schemas.ReceiptOut, responses=ERRORS
)
def submit_signed(
    request: Request,
    reference: Reference,
    body: schemas.SignedEntryIn,
    node: NodeDep,
    access: AccessDep,
    caller: PartyCaller,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Record an entry the caller signed itself with a self-custodied key, exactly as signed."""
    visible_register_row(node, caller, reference)

    claimed = payload_of(body.jws)
    if claimed.document_reference != reference:
        raise InputError(f"#/jws: the entry is for {claimed.document_reference}, not {reference}")
    if claimed.actor != caller.party_id:
        raise PermissionDeniedError("the entry names another actor; submit your own entries")

    def produce() -> schemas.ReceiptOut:
        return _receipt_out(request, node.submit_signed(body.jws))

    return respond_once(request, access, caller, idempotency_key, body, produce)


# Last: a reference may contain '/', so the suffixed routes above must match first.
@router.get("/{reference:path}", response_model=schemas.DocumentOut, responses=ERRORS)
def get_document(reference: Reference, node: NodeDep, caller: Caller) -> schemas.DocumentOut:
    """The title record, the transport document and what the caller may do now."""
    row = visible_register_row(node, caller, reference)
    record = row.record
    actions = [] if caller.party_id is None else available_actions(record, caller.party_id)
    return schemas.DocumentOut(
        title=schemas.title_out(row),
        transportDocument=parse_json(node.document(reference)),
        availableActions=actions,
    )
