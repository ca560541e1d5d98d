"""``corridor ebl ...``: issue, act on, show and export electronic bills of lading.

Besides the title actions: ``transport-document`` writes the DCSA eBL 3.0.3 document exactly as
issued, ``check`` validates a transport document or shipping instructions file, and ``draft``
turns shipping instructions into a draft transport document (``corridor.interop.dcsa``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from corridor.cli.common import HomeOption, err, handle_errors, out
from corridor.cli.context import opened_node
from corridor.crypto.canonical import parse_json
from corridor.domain.title import ActionCode
from corridor.errors import InputError, MalformedInputError
from corridor.interop.dcsa.document_check import CheckResult, DocumentKind, Finding, document_kind
from corridor.interop.dcsa.shipping_instructions import (
    check_shipping_instructions,
    draft_transport_document,
    import_shipping_instructions,
)
from corridor.interop.dcsa.transport_document_io import (
    check_transport_document,
    transport_document_json,
)
from corridor.services.bundle import build_bundle
from corridor.services.dcsa_surrender import Surrenders, surrender_hook
from corridor.services.writer import Receipt

app = typer.Typer(no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="Transport document reference.")]
As = Annotated[str, typer.Option("--as", help="The acting party (id or name).")]
To = Annotated[str, typer.Option("--to", help="The recipient party (id or name).")]


def read_json_file(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return parse_json(data)
    except MalformedInputError as exc:
        raise MalformedInputError(f"{path}: {exc.message}") from None


def _print_receipt(receipt: Receipt) -> None:
    record = receipt.record
    out.print(
        f"{receipt.action_code} {receipt.document_reference} #{receipt.sequence} "
        f"(log leaf {receipt.leaf_index}): status {record.status}, "
        f"controller {record.controller or '-'}"
        + (f", endorsee {record.endorsee}" if record.endorsee else "")
    )


@app.command("issue")
@handle_errors
def issue(
    document: Annotated[Path, typer.Argument(help="DCSA eBL 3.0.3 TransportDocument JSON file.")],
    carrier: Annotated[str, typer.Option("--carrier", help="The issuing carrier party.")],
    to: To,
    home: HomeOption = None,
) -> None:
    """Issue an eBL; prints its reference and checksum."""
    raw = read_json_file(document)
    if not isinstance(raw, dict):
        raise MalformedInputError(f"{document}: expected a JSON object (a TransportDocument)")
    with opened_node(home) as node:
        receipt = node.issue(raw, carrier=carrier, to=to)
    out.print(f"{receipt.document_reference} {receipt.record.document_checksum}")


def _act(
    ref: str,
    code: ActionCode,
    actor: str,
    recipient: str | None,
    home: Path | None,
    reason: str | None = None,
) -> None:
    with opened_node(home) as node:
        _print_receipt(node.act(ref, code, actor=actor, recipient=recipient, reason_code=reason))


@app.command("transfer")
@handle_errors
def transfer(ref: Ref, actor: As, to: To, home: HomeOption = None) -> None:
    """Transfer possession of the eBL (TRANSFER)."""
    _act(ref, ActionCode.TRANSFER, actor, to, home)


@app.command("endorse")
@handle_errors
def endorse(ref: Ref, actor: As, to: To, home: HomeOption = None) -> None:
    """Endorse to a final endorsee who cannot endorse further (ENDORSE)."""
    _act(ref, ActionCode.ENDORSE, actor, to, home)


@app.command("endorse-to-order")
@handle_errors
def endorse_to_order(ref: Ref, actor: As, to: To, home: HomeOption = None) -> None:
    """Endorse to order of the recipient, who may endorse further (ENDORSE_TO_ORDER)."""
    _act(ref, ActionCode.ENDORSE_TO_ORDER, actor, to, home)


@app.command("blank-endorse")
@handle_errors
def blank_endorse(ref: Ref, actor: As, home: HomeOption = None) -> None:
    """Endorse in blank: the bill becomes a bearer bill (BLANK_ENDORSE)."""
    _act(ref, ActionCode.BLANK_ENDORSE, actor, None, home)


@app.command("sign")
@handle_errors
def sign(ref: Ref, actor: As, home: HomeOption = None) -> None:
    """Visibly confirm possession in the chain (SIGN)."""
    _act(ref, ActionCode.SIGN, actor, None, home)


@app.command("void")
@handle_errors
def void(ref: Ref, actor: As, home: HomeOption = None) -> None:
    """Void an eBL the issuing carrier holds (Corridor's VOID)."""
    _act(ref, ActionCode.VOID, actor, None, home)


@app.command("surrender")
@handle_errors
def surrender(
    ref: Ref,
    actor: As,
    purpose: Annotated[str, typer.Option("--for", help="delivery or amendment")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="For amendment: SWTP, COD or SWI.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Surrender the eBL to its issuing carrier for delivery or amendment."""
    codes = {
        "delivery": ActionCode.SURRENDER_FOR_DELIVERY,
        "amendment": ActionCode.SURRENDER_FOR_AMENDMENT,
    }
    if purpose not in codes:
        raise InputError(f"--for must be 'delivery' or 'amendment', not {purpose!r}")
    with opened_node(home) as node:
        surrenders = Surrenders(node)
        node.on_surrender = surrender_hook(surrenders, lambda: None)
        carrier = node.record(ref).record.carrier
        receipt = node.act(ref, codes[purpose], actor=actor, recipient=carrier, reason_code=reason)
        queued = surrenders.sent(ref)
    _print_receipt(receipt)
    if queued and queued[-1].surrender_entry_hash == receipt.entry_hash:
        err.print(
            f"note: surrender request queued for the carrier system {queued[-1].carrier_code}; "
            "the running node (corridor serve) delivers it"
        )


def _answer(ref: str, code: ActionCode, actor: str, home: Path | None) -> None:
    with opened_node(home) as node:
        surrenderer = node.record(ref).record.pending_surrenderer
        if surrenderer is None:
            raise InputError(f"{ref} has no surrender pending")
        _print_receipt(node.act(ref, code, actor=actor, recipient=surrenderer))


@app.command("accept-surrender")
@handle_errors
def accept_surrender(ref: Ref, actor: As, home: HomeOption = None) -> None:
    """The carrier accepts a pending surrender (SACC)."""
    _answer(ref, ActionCode.SACC, actor, home)


@app.command("reject-surrender")
@handle_errors
def reject_surrender(ref: Ref, actor: As, home: HomeOption = None) -> None:
    """The carrier rejects a pending surrender; possession returns (SREJ)."""
    _answer(ref, ActionCode.SREJ, actor, home)


@app.command("submit")
@handle_errors
def submit(
    entry: Annotated[Path, typer.Argument(help="File holding a compact JWS entry.")],
    home: HomeOption = None,
) -> None:
    """Submit an entry signed with a self-custodied key."""
    try:
        token = entry.read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {entry}: {exc}") from None
    with opened_node(home) as node:
        _print_receipt(node.submit_signed(token))


@app.command("show")
@handle_errors
def show(ref: Ref, home: HomeOption = None) -> None:
    """Show the title record of an eBL."""
    with opened_node(home) as node:
        row = node.record(ref)
    r = row.record
    table = Table(show_header=False)
    for label, value in (
        ("reference", r.document_reference),
        ("checksum", r.document_checksum),
        ("kind", str(r.kind)),
        ("status", str(r.status)),
        ("carrier", r.carrier),
        ("possessor", r.possessor),
        ("consignee", r.consignee or "-"),
        ("endorsee", (r.endorsee or "-") + (" (may endorse)" if r.may_endorse else "")),
        (
            "pending surrender",
            f"{r.pending_code} by {r.pending_surrenderer}" if r.pending_code else "-",
        ),
        ("entries", str(r.version)),
        ("last entry", row.last_entry_hash),
    ):
        table.add_row(label, value)
    out.print(table)


@app.command("history")
@handle_errors
def history(ref: Ref, home: HomeOption = None) -> None:
    """Show the signed history of an eBL."""
    with opened_node(home) as node:
        items = node.history(ref)
    table = Table("#", "when (UTC)", "action", "actor", "recipient", "leaf", "entry hash")
    for item in items:
        p = item.payload
        table.add_row(
            str(p.sequence),
            p.action_date_time,
            str(p.action_code),
            p.actor,
            p.recipient or "-",
            str(item.row.leaf_index),
            item.row.entry_hash[:16],
        )
    out.print(table)


@app.command("export")
@handle_errors
def export(
    ref: Ref,
    output: Annotated[Path, typer.Option("--out", help="Where to write the bundle JSON.")],
    home: HomeOption = None,
) -> None:
    """Write the offline bundle: document, signed entries, proofs, checkpoint, keys."""
    with opened_node(home) as node:
        bundle = build_bundle(node, ref)
    try:
        output.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
    out.print(f"wrote {output} ({len(bundle['entries'])} entries, checkpoint included)")


def _write(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None


@app.command("transport-document")
@handle_errors
def transport_document(
    ref: Ref,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: standard output).")
    ] = None,
    canonical: Annotated[
        bool, typer.Option("--canonical", help="RFC 8785 bytes as stored, not indented.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Write the DCSA eBL 3.0.3 transport document exactly as issued (JSON)."""
    with opened_node(home) as node:
        record = node.record(ref).record
        data = transport_document_json(
            node.document(ref),
            canonical_form=canonical,
            expected_checksum=record.document_checksum,
        )
    if output is None:
        typer.echo(data, nl=False)
        return
    _write(output, data)
    form = "RFC 8785 canonical" if canonical else "indented"
    out.print(f"wrote {output} ({ref}, {form}, checksum {record.document_checksum})")


KindOption = Annotated[
    DocumentKind | None,
    typer.Option("--as", help="What the file is (default: told by its fields)."),
]


def _check(raw: dict[str, Any], kind: DocumentKind) -> CheckResult:
    if kind is DocumentKind.SHIPPING_INSTRUCTIONS:
        return check_shipping_instructions(raw)
    return check_transport_document(raw)


def _object_in(path: Path, what: str) -> dict[str, Any]:
    raw = read_json_file(path)
    if not isinstance(raw, dict):
        raise MalformedInputError(f"{path}: expected a JSON object ({what})")
    return raw


def _print_findings(label: str, findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        out.print(f"  {label} {finding}", markup=False)


@app.command("check")
@handle_errors
def check(
    document: Annotated[
        Path, typer.Argument(help="A DCSA eBL 3.0.3 TransportDocument or Shipping Instructions.")
    ],
    kind: KindOption = None,
) -> None:
    """Validate a transport document or shipping instructions file; exit 2 if it is invalid."""
    raw = _object_in(document, "a transport document or shipping instructions")
    result = _check(raw, kind or document_kind(raw))
    if result.report is None:
        out.print(f"{document}: not a valid {result.schema}", markup=False)
        _print_findings("error", result.errors)
        count = len(result.errors)
        raise InputError(
            f"{document} is not a valid {result.schema}: "
            f"{count} problem{'s' if count != 1 else ''}, listed above"
        )
    report = result.report
    out.print(f"{document}: a valid {report.schema}, checksum {report.checksum}", markup=False)
    _print_findings("warning", report.warnings)
    _print_findings("extra", report.outside_schema)
    if report.not_interpreted:
        out.print(
            f"  kept as given, not read by Corridor: {', '.join(report.not_interpreted)}",
            markup=False,
        )


@app.command("draft")
@handle_errors
def draft(
    instructions: Annotated[Path, typer.Argument(help="DCSA eBL 3.0.3 Shipping Instructions.")],
    output: Annotated[Path, typer.Option("--out", help="Where to write the draft JSON.")],
) -> None:
    """Draft a transport document from shipping instructions; list what the carrier must add."""
    raw = _object_in(instructions, "shipping instructions")
    try:
        imported, report = import_shipping_instructions(raw)
    except InputError as exc:
        raise InputError(f"{instructions}: {exc.message}") from None
    result = draft_transport_document(imported)
    text = json.dumps(result.document, indent=2, ensure_ascii=False) + "\n"
    _write(output, text.encode("utf-8"))
    out.print(f"wrote {output}: a draft transport document from {report.schema}", markup=False)
    _print_findings("warning", report.warnings)
    _print_findings("to fill", result.to_fill)
    _print_findings("left in the instructions", result.left_in_instructions)
