"""``corridor sur request|list|answer``: DCSA EBL_SUR 3.0.3 on both sides.

As the platform: ``request REF`` queues the surrender request for a bill surrendered on this node
to its carrier's system (done by the API after a surrender; the command is for the CLI and for
operators) and attempts delivery. As a carrier's system: ``list`` shows the surrender requests
received, ``answer REQREF --accept`` or ``--reject --comments ...`` sends the answer.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from corridor.cli.common import HomeOption, handle_errors, out
from corridor.cli.context import opened_node
from corridor.cli.iss_cmd import describe_delivery
from corridor.errors import InputError
from corridor.services.dcsa_carrier import CarrierSystem
from corridor.services.dcsa_outbox import Outbox
from corridor.services.dcsa_surrender import Surrenders

app = typer.Typer(no_args_is_help=True)


@app.command("request")
@handle_errors
def request(
    reference: Annotated[str, typer.Argument(help="Transport document reference.")],
    home: HomeOption = None,
) -> None:
    """Send the surrender request of a bill surrendered here to its carrier's system."""
    with opened_node(home) as node:
        outbox = Outbox(node)
        try:
            surrenders = Surrenders(node, outbox)
            sent = surrenders.request(reference)
            if sent is None:
                out.print(
                    f"{reference}: its carrier has no carrier system registered; the carrier "
                    "answers on this node ('corridor ebl accept-surrender')"
                )
                return
            queued = surrenders.delivery(sent.surrender_request_reference)
            delivered = outbox.deliver(queued.outbox_id)
        finally:
            outbox.close()
    out.print(
        f"surrender request {sent.surrender_request_reference} ({sent.request_code}) to "
        f"{sent.carrier_code}: {describe_delivery(delivered)}"
    )


@app.command("list")
@handle_errors
def list_requests(home: HomeOption = None) -> None:
    """The surrender requests this carrier system received."""
    with opened_node(home) as node:
        received = CarrierSystem(node).surrender_requests()
    table = Table("reference", "document", "platform", "received", "answer")
    for row in received:
        table.add_row(
            row.surrender_request_reference,
            row.transport_document_reference,
            row.platform_code,
            row.received_at.isoformat(),
            row.action or "-",
        )
    out.print(table)


@app.command("answer")
@handle_errors
def answer(
    reference: Annotated[str, typer.Argument(help="The surrender request reference.")],
    accept: Annotated[bool, typer.Option("--accept", help="Accept the surrender (SURR).")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject it (SREJ).")] = False,
    comments: Annotated[
        str | None, typer.Option("--comments", help="Why (required with --reject).")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Answer a surrender request: post SURR or SREJ to the platform that sent it."""
    if accept == reject:
        raise InputError("give exactly one of --accept and --reject")
    with opened_node(home) as node:
        outbox = Outbox(node)
        try:
            outbox_id = CarrierSystem(node, outbox).answer_surrender(
                reference, accept=accept, comments=comments
            )
            delivered = outbox.deliver(outbox_id)
        finally:
            outbox.close()
    verdict = "SURR" if accept else "SREJ"
    out.print(f"{verdict} for {reference}: {describe_delivery(delivered)}")
