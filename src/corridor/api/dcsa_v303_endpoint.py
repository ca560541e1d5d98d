"""The route decorator of a DCSA EBL_ISS / EBL_SUR 3.0.3 endpoint (``routes_dcsa_iss``, ``_sur``).

Each of these endpoints is a webhook that a peer calls with a JSON body: 204 when it is taken (the
answer follows asynchronously), public and rate-limited per client (neither spec defines
authentication), its errors DCSA ``ErrorResponse`` documented by ``dcsa_v303.responses``. One
decorator sets all that up, so the four endpoints cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from fastapi.responses import Response

from corridor.api.dcsa_v303 import REQUEST_BODY, responses
from corridor.api.ratelimit import public_rate_limit

__all__ = ["webhook"]

Handler = Callable[[Request], Awaitable[Response]]


def webhook(
    route: Callable[..., Callable[[Handler], Handler]],
    path: str,
    *,
    operation_id: str,
    summary: str,
    **errors: str,
) -> Callable[[Handler], Handler]:
    """``route`` (``router.put``, ``router.post``) set up as a DCSA 3.0.3 webhook at ``path``.

    ``errors`` are the operation's own refusals beside the shared ones, as ``responses`` takes
    them (``s409="The reference was used before"``).
    """
    return route(
        path,
        status_code=204,
        response_class=Response,
        dependencies=[Depends(public_rate_limit)],
        operation_id=operation_id,
        summary=summary,
        responses=responses(**errors),
        openapi_extra=REQUEST_BODY,
    )
