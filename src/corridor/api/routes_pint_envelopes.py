"""DCSA PINT 3.0.0 envelope transfer (notes §1-§3): the receiving platform's three endpoints.

* ``POST /v3/envelopes``: an ``EblEnvelope``. 200 with a signed RECE or DUPE (the body is a JSON
  string holding a compact JWS); 201 ``EnvelopeTransferStartedResponse`` when supporting
  documents must follow; 422 signed BSIG or BENV; 409 signed DISE (a double spend; declared by
  PINT only on finish-transfer, answered here too on purpose, see ``services.pint_receiver``).
* ``PUT /v3/envelopes/{envelopeReference}/additional-documents/{documentChecksum}``: a JSON
  string, the document in standard base64. 204; 409 signed INCD; 404 for an unknown transfer.
* ``PUT /v3/envelopes/{envelopeReference}/finish-transfer``: 200 signed RECE or DUPE; 409 signed
  MDOC or DISE; 422 signed BSIG or BENV; a repeated finish returns the stored answer.

PINT defines no authentication: what authenticates an envelope is its signatures, checked
against the platform registry. Unsigned errors are DCSA ``ErrorResponse`` JSON with
``API-Version: 3.0.0``, like ``/v3/receiver-validation``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import JSONResponse, Response

from corridor.api import dcsa_errors
from corridor.api.problems import PROBLEM_JSON
from corridor.services.pint_receiver import Answer, PintReceiver

__all__ = ["router"]

router = APIRouter(tags=["dcsa"], route_class=dcsa_errors.DcsaErrorRoute)

_SIGNED = {"description": "A signed answer: a JSON string holding a compact JWS"}
_TOO_LARGE = {
    "description": "The body is too large",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: dcsa_errors.openapi_error("The request cannot be read"),
    404: dcsa_errors.openapi_error("No such envelope transfer on this platform"),
    413: _TOO_LARGE,
    500: dcsa_errors.openapi_error("The node failed unexpectedly"),
    503: dcsa_errors.openapi_error("The node or its database is unavailable"),
}
EnvelopeReference = Annotated[str, Path(max_length=100, pattern=r"^[0-9a-f]{1,100}$")]
DocumentChecksum = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


def _receiver(request: Request) -> PintReceiver:
    receiver: PintReceiver = request.app.state.pint_receiver
    return receiver


def _answer(answer: Answer) -> Response:
    headers = {dcsa_errors.API_VERSION_HEADER: dcsa_errors.API_VERSION}
    if answer.body is None:
        return Response(status_code=answer.status, headers=headers)
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


@router.post(
    "/v3/envelopes",
    operation_id="post-envelopes",
    summary="PINT: start an envelope transfer",
    responses={
        200: _SIGNED,
        201: {"description": "Transfer started: supporting documents must follow"},
        409: _SIGNED,
        422: _SIGNED,
        **_COMMON_ERRORS,
    },
    openapi_extra={"x-dcsa-error-response": True},
)
def post_envelope(
    request: Request,
    envelope: Annotated[dict[str, Any], Body(description="A DCSA PINT 3.0.0 EblEnvelope")],
) -> Response:
    """Receive an ``EblEnvelope``: every signature, the checksum chain, the title rules."""
    return _answer(_receiver(request).start(envelope))


@router.put(
    "/v3/envelopes/{envelopeReference}/additional-documents/{documentChecksum}",
    operation_id="put-additional-document",
    summary="PINT: transfer one supporting document",
    status_code=204,
    responses={204: {"description": "Received"}, 409: _SIGNED, 422: _SIGNED, **_COMMON_ERRORS},
    openapi_extra={"x-dcsa-error-response": True},
)
def put_additional_document(
    request: Request,
    envelope_reference: Annotated[EnvelopeReference, Path(alias="envelopeReference")],
    document_checksum: Annotated[DocumentChecksum, Path(alias="documentChecksum")],
    content: Annotated[str, Body(description="The document, standard base64")],
) -> Response:
    """Receive one supporting document declared in the envelope's manifest."""
    receiver = _receiver(request)
    return _answer(receiver.add_document(envelope_reference, document_checksum, content))


@router.put(
    "/v3/envelopes/{envelopeReference}/finish-transfer",
    operation_id="put-finish-transfer",
    summary="PINT: finish an envelope transfer",
    responses={200: _SIGNED, 409: _SIGNED, 422: _SIGNED, **_COMMON_ERRORS},
    openapi_extra={"x-dcsa-error-response": True},
)
def put_finish_transfer(
    request: Request,
    envelope_reference: Annotated[EnvelopeReference, Path(alias="envelopeReference")],
) -> Response:
    """Accept the transfer once every supporting document is here."""
    return _answer(_receiver(request).finish(envelope_reference))
