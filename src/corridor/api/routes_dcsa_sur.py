"""DCSA EBL_SUR 3.0.3 over HTTP, both sides (``services.dcsa_surrender``, ``.dcsa_carrier``).

* ``POST /v3/ebl-surrender-requests`` (this node as a carrier's system): the request is kept,
  204; 409 for a reference used before, 404 for a document this node did not send for issuance.
* ``POST /v3/ebl-surrender-responses`` (this node as the platform): SURR records SACC, SREJ
  records SREJ, by the bill's carrier party, 204; 404 for a reference this node never sent, 409
  for a second answer or a surrender no longer pending, 400 for SREJ without ``comments``.

The spec defines no authentication. A surrender answer changes title, so it is accepted only
for a ``surrenderRequestReference`` this node generated (192 random bits) and sent to the
carrier's registered system: naming it is the proof. Both endpoints are rate-limited per client.
The request itself is queued by the surrender hook (``services.dcsa_surrender.surrender_hook``).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from corridor.api.auth import node_of
from corridor.api.dcsa_v303 import Dcsa303Route, call_service
from corridor.api.dcsa_v303_endpoint import webhook
from corridor.services.dcsa_carrier import CarrierSystem
from corridor.services.dcsa_surrender import Surrenders

__all__ = ["router"]

log = logging.getLogger("corridor.api")

router = APIRouter(tags=["dcsa"], route_class=Dcsa303Route)


@webhook(
    router.post,
    "/v3/ebl-surrender-requests",
    operation_id="create-surrender-request",
    summary="EBL_SUR: a platform asks this carrier to accept a surrender (carrier side)",
    s404="This carrier system did not send the document for issuance",
    s409="The surrenderRequestReference was used before",
)
async def post_surrender_request(request: Request) -> Response:
    """DCSA EBL_SUR 3.0.3 `SurrenderRequestDetails`; answer it with `corridor sur answer`."""
    return await call_service(request, CarrierSystem(node_of(request)).receive_surrender_request)


@webhook(
    router.post,
    "/v3/ebl-surrender-responses",
    operation_id="post-ebl-surrender-responses",
    summary="EBL_SUR: the carrier's answer to a surrender request (platform side)",
    s404="This platform sent no surrender request with that reference",
    s409="Already answered, or the surrender is no longer pending",
)
async def post_surrender_response(request: Request) -> Response:
    """DCSA EBL_SUR 3.0.3 `SurrenderRequestAnswer`: SURR accepts (SACC), SREJ rejects (SREJ)."""
    return await call_service(request, Surrenders(node_of(request)).answer)
