"""DCSA PINT 3.0.0 ``POST /v3/receiver-validation`` (notes §1): who is this code on this node?

A sending platform asks for the name behind an ``IdentifyingCode`` before it transfers an eBL.
The answer is 200 ``{"partyName": ...}`` when exactly one party of this node (its platform is the
node's) matches, by one of:

- ``codeListProvider`` the node's platform code and ``partyCode`` a party id (as
  ``resolve_recipient`` reads envelope recipients);
- ``codeListProvider`` ``GLEIF`` (``codeListName`` ``LEI`` or absent) and ``partyCode`` its LEI;
- ``codeListProvider`` ``DCSA`` and ``partyCode`` its DCSA party code.

Anything else, including several matches and code lists the node does not read, is one and the
same 404 ``ErrorResponse``: the spec wants negative answers vague. PINT defines no
authentication, so the endpoint is public and rate-limited per client like the other public
calls. Errors are DCSA ``ErrorResponse`` JSON (``dcsa_errors``), not problems; every answer
carries ``API-Version: 3.0.0``. The operation is marked ``x-dcsa-error-response`` so that
``openapi`` leaves its declared error responses alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from corridor.api import dcsa_errors
from corridor.api.auth import NodeDep
from corridor.api.problems import PROBLEM_JSON
from corridor.api.ratelimit import public_rate_limit
from corridor.domain.party import Party
from corridor.errors import NotFoundError
from corridor.interop.dcsa.pint.parties import PintCode, PintParty, resolve_recipient

__all__ = ["IdentifyingCode", "ReceiverValidationResponse", "matching_party", "router"]

DCSA_PROVIDER = "DCSA"
PARTY_NAME_MAX = 70
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
_UNKNOWN = (
    "no party on this platform answers to this identifying code, or this platform does not "
    "read its code list (it reads its own platform code with a party id, GLEIF/LEI and DCSA)"
)

router = APIRouter(tags=["dcsa"], route_class=dcsa_errors.DcsaErrorRoute)


class IdentifyingCode(BaseModel):
    """PINT ``IdentifyingCode``; unknown members and control characters are refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    code_list_provider: str = Field(
        max_length=100, pattern=_PRINTABLE, description="e.g. the platform code, GLEIF, DCSA."
    )
    party_code: str = Field(max_length=150, pattern=_PRINTABLE, description="The party's code.")
    code_list_name: str | None = Field(
        None, max_length=100, pattern=_PRINTABLE, description="e.g. LEI under GLEIF."
    )


class ReceiverValidationResponse(BaseModel):
    """PINT ``ReceiverValidationResponse``: the name to show the sending user."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    party_name: str = Field(max_length=PARTY_NAME_MAX, pattern=r"^\S(?:.*\S)?$")


def matching_party(code: IdentifyingCode, platform: str, parties: Iterable[Party]) -> Party | None:
    """The one party on ``platform`` that ``code`` names, or ``None`` for none or several."""
    local = {party.party_id: party for party in parties if party.platform == platform}
    pint_code = PintCode(code.code_list_provider, code.party_code, code.code_list_name)
    party_id = resolve_recipient(PintParty("", platform, (pint_code,)), platform, local)
    return None if party_id is None else local[party_id]


@router.post(
    "/v3/receiver-validation",
    response_model=ReceiverValidationResponse,
    response_model_by_alias=True,
    dependencies=[Depends(public_rate_limit)],
    operation_id="post-receiver-validation",
    summary="PINT: validate a receiver",
    responses={
        200: dcsa_errors.openapi_success("The one party this code names on this node"),
        400: dcsa_errors.openapi_error("The body is not a JSON object"),
        404: dcsa_errors.openapi_error("No party, several, or an unsupported code list"),
        413: {
            "description": "The body is too large",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
        422: dcsa_errors.openapi_error("A field breaks the IdentifyingCode schema"),
        429: dcsa_errors.openapi_error("Too many requests from this client; see Retry-After"),
        500: dcsa_errors.openapi_error("The node failed unexpectedly"),
        503: dcsa_errors.openapi_error("The node or its database is unavailable"),
    },
    openapi_extra={"x-dcsa-error-response": True},
)
def post_receiver_validation(
    code: IdentifyingCode,
    node: NodeDep,
    api_version: Annotated[
        str | None,
        Header(
            alias="API-Version",
            description="Optional; only the major version, 3 (PINT). Not checked.",
        ),
    ] = None,
) -> ReceiverValidationResponse:
    """DCSA PINT 3.0.0: the name of the party on this node that ``code`` names.

    Codes: `{codeListProvider: <this platform>, partyCode: <party id>}`, GLEIF/LEI, or DCSA.
    Unknown parties, several matches and unsupported code lists all answer the same 404
    `ErrorResponse`. No authentication; rate-limited per client.
    """
    party = matching_party(code, node.config.platform, node.parties())
    if party is None:
        raise NotFoundError(_UNKNOWN)
    return ReceiverValidationResponse(party_name=party.name[:PARTY_NAME_MAX].strip())
