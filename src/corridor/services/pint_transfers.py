"""What became of the PINT envelopes this node sent for one eBL, in words a holder can act on.

Each row of the outbox (``services.pint_sender``) is one envelope: ``pending`` while the other
platform has not given a signed answer (with the attempts, the next try and the last error),
``delivered`` once it answered ``RECE`` or ``DUPE`` (the record is then EXPORTED here),
``refused`` on ``BSIG`` or ``BENV`` (a ``RETURN`` entry gave possession back: the holder sees the
reason here), ``disputed`` on ``DISE`` (the other platform holds a conflicting history; the eBL
stays blocked here until the operators settle it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from corridor.services.node import Node
from corridor.services.pint_sender import (
    DELIVERED,
    DISPUTED,
    PENDING,
    REFUSED,
    is_notification,
)
from corridor.storage import pint as rows

__all__ = ["NOTIFICATION", "TRANSFER", "PintTransfer", "transfers_of"]

TRANSFER, NOTIFICATION = "transfer", "notification"


@dataclass(frozen=True)
class PintTransfer:
    """One envelope sent for an eBL, and the sentence that says where it stands."""

    platform: str
    kind: str  # "transfer" or "notification" (PINT's notification-only envelope)
    status: str
    response_code: str | None
    attempts: int
    last_error: str | None
    sent_at: datetime
    updated_at: datetime
    next_attempt_at: datetime | None
    summary: str


def transfers_of(node: Node, reference: str) -> list[PintTransfer]:
    """The envelopes sent for ``reference``, oldest first."""
    with node.engine.connect() as conn:
        sent = rows.outbox_of(conn, reference)
    return [_transfer(row) for row in sent]


def _utc(at: datetime) -> datetime:
    """SQLite gives back naive datetimes; the node writes them in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _transfer(row: rows.OutboxRow) -> PintTransfer:
    row = replace(
        row,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
        next_attempt_at=_utc(row.next_attempt_at),
    )
    return PintTransfer(
        platform=row.platform,
        kind=NOTIFICATION if is_notification(row.envelope) else TRANSFER,
        status=row.status,
        response_code=row.response_code,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.created_at,
        updated_at=row.updated_at,
        next_attempt_at=row.next_attempt_at if row.status == PENDING else None,
        summary=_summary(row),
    )


def _summary(row: rows.OutboxRow) -> str:
    at = row.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    code = row.response_code or ""
    if is_notification(row.envelope) and row.status in (DELIVERED, REFUSED):
        verb = "Notified" if row.status == DELIVERED else "Could not notify"
        return (
            f"{verb} platform {row.platform} of the action ({code}"
            f"{'' if row.status == DELIVERED else ': ' + str(row.last_error)}) at {at}; "
            "the eBL stays here."
        )
    if row.status == DELIVERED:
        return f"Accepted by platform {row.platform} ({code}) at {at}."
    if row.status == REFUSED:
        return (
            f"Refused by platform {row.platform} ({code}: {row.last_error}); "
            "possession came back to the sender on this node."
        )
    if row.status == DISPUTED:
        return (
            f"Platform {row.platform} holds a conflicting history of this eBL (DISE: "
            f"{row.last_error}); it stays blocked here until the operators settle it."
        )
    if row.attempts == 0:
        return f"Being sent to platform {row.platform}."
    retry = row.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"Not yet accepted by platform {row.platform} after {row.attempts} attempt(s); "
        f"next try at {retry}. Last error: {row.last_error}"
    )
