"""``corridor iss send|status|key|deliver``: DCSA EBL_ISS 3.0.3 from the carrier's side.

``send`` builds an ``IssuanceRequest`` from a transport document, signs its issuance manifest
with the carrier-system key (``key`` prints it for the platform's operator to register), and
puts it to the platform; ``status`` shows its delivery and the platform's answer. ``deliver``
runs the background jobs once (what ``corridor serve`` does continuously): received issuance
requests are answered and queued calls retried.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from corridor.cli.common import HomeOption, handle_errors, out
from corridor.cli.context import opened_node
from corridor.cli.ebl_cmd import read_json_file
from corridor.errors import InputError, MalformedInputError
from corridor.services.dcsa_carrier import CarrierSystem, IssuanceStatus, Visualisation
from corridor.services.dcsa_issuance import IssuanceRequests
from corridor.services.dcsa_outbox import Outbox
from corridor.storage.dcsa_requests import OutboxRow

app = typer.Typer(no_args_is_help=True)


def _code(text: str) -> dict[str, str]:
    provider, sep, code = text.partition(":")
    if not sep or not provider or not code:
        raise InputError(f"--issue-to-code {text!r} must be PROVIDER:CODE, e.g. BOLE:BOLE001")
    return {"codeListProvider": provider, "partyCode": code}


def _visualisation(path: Path | None, media_type: str) -> Visualisation | None:
    if path is None:
        return None
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return Visualisation(path.name[:100], content, media_type)


def describe_delivery(row: OutboxRow) -> str:
    if row.status == "DELIVERED":
        return f"delivered (HTTP {row.last_status}) after {row.attempts} attempt(s)"
    if row.status == "FAILED":
        return f"refused: {row.last_error}"
    last = f"; last: {row.last_error}" if row.last_error else ""
    return (
        f"pending after {row.attempts} attempt(s), next at {row.next_attempt_at.isoformat()}{last}"
    )


def _print_status(status: IssuanceStatus) -> None:
    sent = status.sent
    out.print(f"{sent.transport_document_reference} to platform {sent.platform_code}")
    out.print(f"request: {describe_delivery(status.delivery)}")
    if sent.response is None:
        out.print("answer: none yet")
    else:
        out.print(f"answer: {sent.response_code} {json.dumps(json.loads(sent.response))}")


@app.command("send")
@handle_errors
def send(
    document: Annotated[Path, typer.Argument(help="DCSA eBL 3.0.3 TransportDocument JSON file.")],
    to: Annotated[str, typer.Option("--to", help="The platform's code (registry).")],
    issue_to_name: Annotated[str, typer.Option("--issue-to", help="The issue-to party's name.")],
    issue_to_code: Annotated[
        list[str],
        typer.Option("--issue-to-code", help="PROVIDER:CODE naming it (repeatable)."),
    ],
    visualisation: Annotated[
        Path | None, typer.Option("--visualisation", help="The carrier's rendering (PDF).")
    ] = None,
    media_type: Annotated[str, typer.Option("--media-type")] = "application/pdf",
    home: HomeOption = None,
) -> None:
    """Send a transport document to a platform for issuance; prints where it stands."""
    raw = read_json_file(document)
    if not isinstance(raw, dict):
        raise MalformedInputError(f"{document}: expected a JSON object (a TransportDocument)")
    issue_to = {
        "partyName": issue_to_name,
        "sendToPlatform": to,
        "identifyingCodes": [_code(code) for code in issue_to_code],
    }
    with opened_node(home) as node:
        outbox = Outbox(node)
        try:
            carrier = CarrierSystem(node, outbox)
            carrier.send_issuance(
                raw,
                platform=to,
                issue_to=issue_to,
                visualisation=_visualisation(visualisation, media_type),
            )
            outbox.deliver(
                carrier.issuance_status(raw["transportDocumentReference"]).delivery.outbox_id
            )
            _print_status(carrier.issuance_status(raw["transportDocumentReference"]))
        finally:
            outbox.close()


@app.command("status")
@handle_errors
def status(
    reference: Annotated[str, typer.Argument(help="Transport document reference.")],
    home: HomeOption = None,
) -> None:
    """Where an issuance request this node sent stands, and the platform's answer."""
    with opened_node(home) as node:
        _print_status(CarrierSystem(node).issuance_status(reference))


@app.command("key")
@handle_errors
def key(
    carrier_code: Annotated[str, typer.Argument(help="The carrier code (the TD's carrierCode).")],
    home: HomeOption = None,
) -> None:
    """Print the carrier-system public key (PEM) a platform registers for this carrier code."""
    with opened_node(home) as node:
        out.print(CarrierSystem(node).carrier_public_pem(carrier_code), end="")


@app.command("deliver")
@handle_errors
def deliver(home: HomeOption = None) -> None:
    """Answer received issuance requests and attempt every due DCSA call, once."""
    with opened_node(home) as node:
        outbox = Outbox(node)
        try:
            answered = IssuanceRequests(node, outbox).process_pending()
            attempted = outbox.deliver_due()
        finally:
            outbox.close()
    out.print(f"{answered} issuance request(s) answered, {attempted} call(s) attempted")
