"""DCSA EBL_ISS 3.0.3 over HTTP, both sides (``services.dcsa_issuance``, ``services.dcsa_carrier``).

* ``PUT /v3/ebl-issuance-requests`` (this node as the platform): 204, then the answer is
  posted to the carrier's system; 400 for a body that breaks ``IssuanceRequest`` (the property
  named), 422 when the issuance manifest's signature or a checksum does not verify (nothing is
  stored), 409 for a ``transportDocumentReference`` used before.
* ``POST /v3/ebl-issuance-responses`` (this node as a carrier's system): the platform's answer
  is kept, 204; 404 for a reference this node never sent, 409 for a second answer.

Neither spec defines authentication: the request is authenticated by the carrier's signature,
and an issuance response changes no title (it is kept for the carrier to read). Both are public
and rate-limited per client, like PINT's receiver validation. Errors are DCSA ``ErrorResponse``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from corridor.api.auth import node_of
from corridor.api.dcsa_v303 import Dcsa303Route, call_service
from corridor.api.dcsa_v303_endpoint import webhook
from corridor.services.dcsa_carrier import CarrierSystem
from corridor.services.dcsa_issuance import IssuanceRequests

__all__ = ["router"]

router = APIRouter(tags=["dcsa"], route_class=Dcsa303Route)


@webhook(
    router.put,
    "/v3/ebl-issuance-requests",
    operation_id="put-ebl-issuance-requests",
    summary="EBL_ISS: request issuance of an eBL (platform side)",
    s409="The transportDocumentReference was used before",
)
async def put_issuance_request(request: Request) -> Response:
    """DCSA EBL_ISS 3.0.3 `IssuanceRequest`, signed by the carrier's system.

    The issuance manifest must verify under a key registered for the document's `carrierCode`
    (`corridor platform add`), and its checksums must match the document, `issueTo` and the
    visualisation. The eBL is issued asynchronously; the answer (ISSU, BREQ or REFU) is posted to
    the carrier's `/v3/ebl-issuance-responses`.
    """
    return await call_service(request, IssuanceRequests(node_of(request)).receive)


@webhook(
    router.post,
    "/v3/ebl-issuance-responses",
    operation_id="create-ebl-issuance-response",
    summary="EBL_ISS: a platform's answer to an issuance request (carrier side)",
    s404="This node sent no issuance request for that reference",
    s409="The request was already answered",
)
async def post_issuance_response(request: Request) -> Response:
    """DCSA EBL_ISS 3.0.3 `IssuanceResponse` for a request this node sent (`corridor iss`)."""
    return await call_service(request, CarrierSystem(node_of(request)).receive_issuance_response)
