"""Signed answers and the 201 body validate against PINT 3.0.0 and verify with the node's key."""

from __future__ import annotations

import base64
import json

import pytest

from corridor.crypto.jws import header_of, verify_compact
from corridor.crypto.keys import PrivateKey
from corridor.errors import InputError, MalformedInputError
from corridor.interop.dcsa.pint import (
    ResponseCode,
    Verdict,
    bytes_checksum,
    decode_standard_base64,
    document_checksum,
    jws_checksum,
    sign_response,
    started_response,
)
from corridor.interop.dcsa.schema import PINT_SPEC_FILE, schema_errors

from .conftest import peer_module

LAST = "a" * 64
DOC = "b" * 64

VERDICTS = [
    Verdict(ResponseCode.RECE, "accepted", LAST, received=(DOC,)),
    Verdict(ResponseCode.DUPE, "seen", LAST, duplicate_of="h.p.s", received=(DOC,)),
    Verdict(ResponseCode.BSIG, "bad signature", LAST),
    Verdict(ResponseCode.BENV, "x" * 400, LAST),
    Verdict(ResponseCode.INCD, "wrong document", LAST),
    Verdict(ResponseCode.MDOC, "missing", LAST, missing=(DOC,)),
    Verdict(ResponseCode.DISE, "fork", LAST),
]
STATUS = {"RECE": 200, "DUPE": 200, "BSIG": 422, "BENV": 422, "INCD": 409, "MDOC": 409, "DISE": 409}


@pytest.mark.parametrize("verdict", VERDICTS, ids=lambda v: v.code.value)
def test_signed_response_validates_and_verifies(verdict: Verdict) -> None:
    key = PrivateKey.generate()
    jws = sign_response(verdict, key)
    assert schema_errors(PINT_SPEC_FILE, "EnvelopeTransferFinishedResponseSignedContent", jws) == []
    header, payload_bytes = verify_compact(jws, key.public_key)
    assert header == {"alg": "EdDSA", "kid": key.public_key.kid} == header_of(jws)
    payload = json.loads(payload_bytes)
    assert schema_errors(PINT_SPEC_FILE, "EnvelopeTransferFinishedResponse", payload) == []
    assert payload["responseCode"] == verdict.code.value
    assert ("reason" in payload) is (verdict.code is not ResponseCode.RECE)
    assert ("missingAdditionalDocumentChecksums" in payload) is (verdict.code is ResponseCode.MDOC)
    assert ("duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent" in payload) is (
        verdict.code is ResponseCode.DUPE
    )
    has_received = "receivedAdditionalDocumentChecksums" in payload
    assert has_received is (verdict.code in (ResponseCode.RECE, ResponseCode.DUPE))
    assert peer_module.rfc8785.dumps(payload) == payload_bytes  # RFC 8785 bytes were signed
    assert verdict.http_status == STATUS[verdict.code.value]


def test_mdoc_without_missing_and_dupe_without_entry_are_refused() -> None:
    key = PrivateKey.generate()
    with pytest.raises(InputError):
        sign_response(Verdict(ResponseCode.MDOC, "missing", LAST), key)
    with pytest.raises(InputError):
        sign_response(Verdict(ResponseCode.DUPE, "seen", LAST), key)


def test_started_response_validates() -> None:
    body = started_response("ref-1", "c" * 64, LAST, (DOC,))
    assert schema_errors(PINT_SPEC_FILE, "EnvelopeTransferStartedResponse", body) == []
    with pytest.raises(InputError):
        started_response("ref-1", "c" * 64, LAST, ())


def test_checksums_match_the_peer_simulator() -> None:
    td = peer_module.demo_td()
    assert document_checksum(td) == peer_module.jcs_sha256(td)
    assert jws_checksum("a.b.c") == peer_module.ascii_sha256("a.b.c")
    assert bytes_checksum(b"%PDF") == peer_module.Document("x", b"%PDF").checksum


@pytest.mark.parametrize("data", [b"", b"a", b"ab", b"abc", bytes(range(256))])
def test_standard_base64_round_trips(data: bytes) -> None:
    assert decode_standard_base64(base64.b64encode(data).decode()) == data


@pytest.mark.parametrize(
    "text", ["YQ", "YQ=", "Y Q==", "YQ==\n", "-_-_", "YR==", "YWJj=", 42, "YQ==YQ=="]
)
def test_standard_base64_is_strict(text: object) -> None:
    with pytest.raises(MalformedInputError):
        decode_standard_base64(text)  # type: ignore[arg-type]
