"""DCSA END 3.0.3: ``GET /v3/endorsement-chains/{transportDocumentReference}`` (notes §5).

The spec's path has no ``/v3`` but its examples call ``/v3/endorsement-chains/...``: both are
served, and only the ``/v3`` one is in the OpenAPI document. The answer is the spec's JSON array of
``EndorsementChain`` objects; Corridor keeps one version of a document, so it holds one object
(``services.endorsement_chain``). The filters narrow that one: a ``carrierSCACCode`` other than
the document's, or any ``transportDocumentSubReference`` (Corridor sends none), answers 404.

Callers authenticate and see documents exactly as on ``/api/v1/documents`` (404 for a document
the caller may not see). Errors are the node's RFC 9457 problems, not DCSA's ``ErrorResponse``
(yet; see docs/api-guide.md): ``hygiene.is_api_path`` counts these paths as API paths.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from corridor.api.auth import Caller, NodeDep
from corridor.api.routes_documents import ERRORS, visible_register_row
from corridor.errors import NotFoundError
from corridor.services.endorsement_chain import endorsement_chain

log = logging.getLogger("corridor.api")

router = APIRouter(tags=["dcsa"])

TransportDocumentReference = Annotated[
    str,
    Path(
        alias="transportDocumentReference",
        min_length=1,
        max_length=20,
        pattern=r"^\S(?:.*\S)?$",
        description="The transport document reference (DCSA: 1-20 characters, no outer spaces; "
        "percent-encode it).",
    ),
]
SubReference = Annotated[
    str | None,
    Query(
        alias="transportDocumentSubReference",
        max_length=100,
        pattern=r"^\S(?:.*\S)?$",
        description="Only the chain of this version; Corridor keeps one version and sends no "
        "sub-reference, so any value answers 404.",
    ),
]
ScacCode = Annotated[
    str | None,
    Query(
        alias="carrierSCACCode",
        max_length=4,
        pattern=r"^\S+$",
        description="Only if the issuing carrier has this SCAC (NMFTA) code.",
    ),
]


def _get_endorsement_chains(
    reference: str,
    node: NodeDep,
    caller: Caller,
    sub_reference: SubReference = None,
    carrier_scac_code: ScacCode = None,
) -> list[dict[str, Any]]:
    visible_register_row(node, caller, reference)
    chain = endorsement_chain(node, reference)
    if sub_reference is not None:
        raise NotFoundError(
            f"{reference} has no version {sub_reference!r}; Corridor keeps one version per "
            "reference: ask without transportDocumentSubReference"
        )
    if carrier_scac_code is not None and chain.get("carrierSCACCode") != carrier_scac_code:
        raise NotFoundError(f"{reference} was not issued by the carrier {carrier_scac_code}")
    return [chain]


@router.get(
    "/v3/endorsement-chains/{transportDocumentReference:path}",
    response_model=list[dict[str, Any]],
    responses=ERRORS,
    operation_id="getEndorsementChain",
)
def get_endorsement_chains(
    reference: TransportDocumentReference,
    node: NodeDep,
    caller: Caller,
    sub_reference: SubReference = None,
    carrier_scac_code: ScacCode = None,
) -> list[dict[str, Any]]:
    """DCSA END 3.0.3: the eBL's endorsement chain, newest action first, as a one-item array.

    Each item is an END ``EndorsementChain`` (`transportDocumentReference`, `carrierSCACCode`
    when the carrier code is a SCAC, `endorsementChain` links). `SACC` shows as `SURRENDERED`;
    `SREJ` and `VOID` are not END actions and are left out.
    """
    return _get_endorsement_chains(reference, node, caller, sub_reference, carrier_scac_code)


# The path as the END spec writes it (its examples use /v3): the same operation, undocumented.
router.add_api_route(
    "/endorsement-chains/{transportDocumentReference:path}",
    get_endorsement_chains,
    methods=["GET"],
    response_model=list[dict[str, Any]],
    include_in_schema=False,
)
