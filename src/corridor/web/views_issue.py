"""Issuing an eBL from the browser (carriers only): upload DCSA JSON, or fill in the form.

On a refusal the form comes back with what was typed, a summary at the top and the reason next
to the field it is about (a ``DocumentRuleError``'s JSON pointer mapped to the form field).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from corridor.api import problems
from corridor.api.auth import node_of
from corridor.crypto.canonical import parse_json
from corridor.domain.party import Party, Role
from corridor.errors import CorridorError, DocumentRuleError, MalformedInputError
from corridor.services.demo import demo_document, document_with_reference
from corridor.services.node import Node
from corridor.storage.queries import fresh_reference
from corridor.web import issue_form, session, words
from corridor.web.forms import read_form
from corridor.web.templating import document_path, error_page, page

router = APIRouter(include_in_schema=False)
PLACE_LABELS = (
    ("receipt", "Place of receipt"),
    ("loading", "Port of loading"),
    ("discharge", "Port of discharge"),
    ("delivery", "Place of delivery"),
)
REFERENCE_PREFIX = "WLSM26CQSG"
PRE_CARRIAGE = (("", "none"), ("RAIL", "Rail"), ("TRUCK", "Truck"), ("BARGE", "Barge"))


def _fresh_reference(node: Node) -> str:
    with node.engine.connect() as conn:
        return fresh_reference(conn, REFERENCE_PREFIX)


def _default_issue_to(parties: list[Party], document: dict[str, Any]) -> str:
    named = document.get("documentParties", {}).get("endorsee", {}).get("partyName")
    match = next((p.party_id for p in parties if p.name == named), None)
    return match or (parties[0].party_id if parties else "")


def _form_page(
    request: Request,
    me: Party,
    values: dict[str, str],
    errors: dict[str, str],
    summary: list[str],
    status: int = 200,
) -> Response:
    node = node_of(request)
    template = demo_document()
    parties = node.parties()
    context = {
        "title": "Issue an eBL",
        "values": values,
        "errors": errors,
        "summary": summary,
        "parties": [p for p in parties if p.party_id != me.party_id],
        "pre_carriage_modes": PRE_CARRIAGE,
        "places": PLACE_LABELS,
        "containers": range(len(template["utilizedTransportEquipments"])),
        "goods": range(len(template["consignmentItems"])),
    }
    return page(request, "issue.html", context, status)


def _carrier(request: Request) -> Party | Response:
    principal = session.visitor(request).principal
    if principal is None or principal.party is None:
        context = {"title": "Sign in", "error": "Sign in as a carrier to issue eBLs."}
        return page(request, "signin.html", context, status=401)
    if Role.CARRIER not in principal.party.roles:
        return error_page(
            request, 403, "Carriers only", "Only a carrier can issue a bill of lading."
        )
    return principal.party


@router.get("/issue")
def issue_form_page(request: Request) -> Response:
    me = _carrier(request)
    if isinstance(me, Response):
        return me
    node = node_of(request)
    document = document_with_reference(_fresh_reference(node))
    values = issue_form.defaults(document, _default_issue_to(node.parties(), document))
    return _form_page(request, me, values, {}, [])


def _as_issuer(document: Any, me: Party) -> None:
    """Name the signed-in carrier as issuing party when the template names another one."""
    issuing = document.get("documentParties", {}).get("issuingParty", {})
    if issuing.get("partyName") != me.name:
        issuing["partyName"] = me.name
        issuing["identifyingCodes"] = [
            {"codeListProvider": "ZZZ", "codeListName": str(c.scheme), "partyCode": c.value}
            for c in me.codes
        ]


def _document_from(request: Request, me: Party, values: dict[str, str], file: bytes | None) -> Any:
    if file is not None:
        document = parse_json(file)
        issue_form.check_strings(document)
        return document
    known = {p.name: p for p in node_of(request).parties()}
    document = issue_form.build(demo_document(), values, known)
    _as_issuer(document, me)
    return document


def _refusal(error: CorridorError, values: dict[str, str], uploaded: bool) -> dict[str, str]:
    """The field the error is about, and its sentence."""
    if isinstance(error, issue_form.FormFieldError):
        return {error.field: error.message}
    if isinstance(error, DocumentRuleError):
        field = None if uploaded else issue_form.field_for(error.location, values)
        where = f"{error.location}: " if field is None else ""
        return {field or ("document" if uploaded else "summary"): where + error.reason}
    if isinstance(error, MalformedInputError) and uploaded:
        return {"document": error.message}
    if "already issued" in error.message:
        return {"document" if uploaded else "reference": error.message}
    return {"summary": error.message}


def _issue_to(node: Node, values: dict[str, str]) -> str:
    chosen = values.get("issue_to", "")
    if chosen not in {p.party_id for p in node.parties()}:
        raise issue_form.FormFieldError("issue_to", "choose a party registered on this node")
    return chosen


def _issue(request: Request, values: dict[str, str], file: bytes | None) -> Response:
    me = _carrier(request)
    if isinstance(me, Response):
        return me
    node = node_of(request)
    try:
        issue_form.check_text(values)
        to = _issue_to(node, values)
        document = _document_from(request, me, values, file)
        if not isinstance(document, dict):
            raise MalformedInputError("the file must hold one JSON object (a TransportDocument)")
        receipt = node.issue(document, carrier=me.party_id, to=to)
    except CorridorError as refused:
        errors = _refusal(refused, values, file is not None)
        summary = [f"The eBL was not issued: {refused.message}"]
        status = problems.for_error(refused).status_code
        return _form_page(request, me, values, errors, summary, status)
    reference = receipt.document_reference
    to = node.party(receipt.record.possessor).name
    response = RedirectResponse(document_path(reference), status_code=303)
    session.set_flash(request, response, words.sentence(f"Issued {reference} to {to}"))
    return response


@router.post("/issue")
async def issue(request: Request) -> Response:
    form = await read_form(request, files=("document",))
    session.check_csrf(request, form.text(session.CSRF_FIELD))
    values = {k: v[:4000] for k, v in form.fields.items() if k != session.CSRF_FIELD}
    file = form.files["document"]
    return await run_in_threadpool(_issue, request, values, file)
