"""``corridor party add|list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from corridor.cli.common import HomeOption, handle_errors, out
from corridor.cli.context import opened_node
from corridor.crypto.keys import PublicKey
from corridor.domain.party import IdentifyingCode, parse_roles
from corridor.errors import InputError

app = typer.Typer(no_args_is_help=True)


@app.command("add")
@handle_errors
def add(
    name: Annotated[str, typer.Argument(help="Legal name of the party.")],
    role: Annotated[list[str], typer.Option("--role", help="carrier, shipper, bank, ...")],
    code: Annotated[
        list[str] | None,
        typer.Option("--code", help="SCHEME:VALUE, e.g. USCC:91500000... or LEI:..."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="PEM file: the party keeps its own key (self-custody)."),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            help="Code of the registered eBL platform the party is on (no key here; "
            "transfers to it leave over PINT).",
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Register a party of this node, or of another platform; prints its party id."""
    roles = parse_roles(",".join(role))
    codes = [IdentifyingCode.parse(c) for c in code or []]
    key = None
    if public_key is not None:
        try:
            key = PublicKey.from_pem(public_key.read_bytes())
        except OSError as exc:
            raise InputError(f"cannot read {public_key}: {exc.strerror}") from None
    with opened_node(home) as node:
        party = node.add_party(name, roles, codes, key, platform=platform)
    out.print(party.party_id)


@app.command("list")
@handle_errors
def list_parties(home: HomeOption = None) -> None:
    """List the parties registered on this node."""
    with opened_node(home) as node:
        parties = node.parties()
        table = Table("party id", "name", "roles", "codes", "platform", "key custody")
        for party in parties:
            custody = ", ".join(sorted({k.custody for k in node.party_keys(party.party_id)}))
            table.add_row(
                party.party_id,
                party.name,
                ", ".join(sorted(party.roles)),
                " ".join(str(c) for c in party.codes),
                party.platform,
                custody or "-",
            )
    out.print(table)
