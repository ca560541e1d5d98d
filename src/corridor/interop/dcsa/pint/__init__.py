"""DCSA PINT 3.0.0: the receiver's pure validation pipeline and its signed answers.

``validate_envelope`` runs the receiver's checks (PINT notes §3) and returns a ``Verdict`` to
sign or an ``Accepted`` transfer; ``sign_response`` and ``started_response`` build the bodies;
``checksums`` holds the PINT checksums and the strict base64 of document bodies; ``parties``
maps PINT parties to local ones. Nothing here touches the database or the network.
"""

from __future__ import annotations

from corridor.interop.dcsa.pint.checksums import (
    bytes_checksum,
    decode_standard_base64,
    document_checksum,
    jws_checksum,
)
from corridor.interop.dcsa.pint.parties import PintCode, PintParty, parse_party, resolve_recipient
from corridor.interop.dcsa.pint.responses import sign_response, started_response
from corridor.interop.dcsa.pint.signatures import KeyLookup
from corridor.interop.dcsa.pint.validate import Knowledge, validate_envelope
from corridor.interop.dcsa.pint.verdict import (
    Accepted,
    DocumentMetadata,
    ResponseCode,
    Transfer,
    Verdict,
)

__all__ = [
    "Accepted",
    "DocumentMetadata",
    "KeyLookup",
    "Knowledge",
    "PintCode",
    "PintParty",
    "ResponseCode",
    "Transfer",
    "Verdict",
    "bytes_checksum",
    "decode_standard_base64",
    "document_checksum",
    "jws_checksum",
    "parse_party",
    "resolve_recipient",
    "sign_response",
    "started_response",
    "validate_envelope",
]
