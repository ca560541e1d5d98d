"""The receiver's answers (PINT 3.0.0 ``EnvelopeTransferFinishedResponse.responseCode``).

=====  ====  ============================================================
code   HTTP  meaning
=====  ====  ============================================================
RECE   200   accepted
DUPE   200   already accepted; the earlier acceptance stands
BSIG   422   a signature does not verify; nothing is asserted about content
BENV   422   the envelope breaks a rule; the sender keeps the eBL
INCD   409   a supporting document does not match its declaration
MDOC   409   supporting documents are missing; send them and finish again
DISE   409   the chain contradicts what this node knows (a double spend)
=====  ====  ============================================================

``Verdict`` is a signed answer to give; ``Accepted`` is an envelope that passed every check, with
the supporting documents still to be received (PINT notes §2, §3 step 12).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from corridor.interop.dcsa.pint.parties import PintParty

__all__ = ["Accepted", "DocumentMetadata", "ResponseCode", "Transfer", "Verdict"]


class ResponseCode(StrEnum):
    """PINT 3.0.0 response codes."""

    RECE = "RECE"
    DUPE = "DUPE"
    BSIG = "BSIG"
    BENV = "BENV"
    INCD = "INCD"
    MDOC = "MDOC"
    DISE = "DISE"

    @property
    def http_status(self) -> int:
        """The HTTP status PINT 3.0.0 gives this code."""
        return _HTTP_STATUS[self]


_HTTP_STATUS = {
    ResponseCode.RECE: 200,
    ResponseCode.DUPE: 200,
    ResponseCode.BSIG: 422,
    ResponseCode.BENV: 422,
    ResponseCode.INCD: 409,
    ResponseCode.MDOC: 409,
    ResponseCode.DISE: 409,
}


@dataclass(frozen=True)
class Verdict:
    """A signed answer: its code, the reason a person reads, and the checksums it reports.

    ``last_checksum`` is that of the last chain entry received; ``missing`` is only sent with
    MDOC, ``duplicate_of`` (the accepted last entry's JWS) only with DUPE, ``received`` (all
    documents of the transfer) with RECE and DUPE.
    """

    code: ResponseCode
    reason: str
    last_checksum: str
    missing: tuple[str, ...] = ()
    duplicate_of: str | None = None
    received: tuple[str, ...] = ()

    @property
    def http_status(self) -> int:
        """The HTTP status of this answer."""
        return self.code.http_status


@dataclass(frozen=True)
class DocumentMetadata:
    """A supporting document as the manifest declares it (PINT ``DocumentMetadata``)."""

    name: str
    size: int
    media_type: str
    checksum: str


@dataclass(frozen=True)
class Transfer:
    """An envelope that passed every check of PINT notes §3, steps 0 to 11.

    ``chain`` holds the chain entries' JWSs exactly as received (oldest first), ``entries``
    their verified payloads; ``recipient_id`` is the local party the last transaction names.
    """

    transport_document: Mapping[str, Any]
    transport_document_checksum: str
    chain: tuple[str, ...]
    chain_checksums: tuple[str, ...]
    entries: tuple[Mapping[str, Any], ...]
    manifest: Mapping[str, Any]
    sending_platform: str
    recipient: PintParty
    recipient_id: str
    documents: tuple[DocumentMetadata, ...]

    @property
    def last_checksum(self) -> str:
        """The checksum of the last chain entry."""
        return self.chain_checksums[-1]


@dataclass(frozen=True)
class Accepted:
    """A valid envelope; ``missing`` lists declared documents this node does not hold yet."""

    transfer: Transfer
    missing: tuple[str, ...] = ()
