"""``corridor token``: API tokens and sign-in links for parties and the node operator."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from corridor.cli.common import HomeOption, handle_errors, out
from corridor.cli.context import opened_node
from corridor.services.access import API, SIGNIN, Access, Principal

app = typer.Typer(no_args_is_help=True)

PartyArg = Annotated[
    str | None,
    typer.Argument(help="Party id or name; leave out for the node operator's token."),
]


@app.command("create")
@handle_errors
def create(
    party: PartyArg = None,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
    signin: Annotated[
        bool, typer.Option("--signin", help="Make a web sign-in link instead of an API token.")
    ] = False,
    base_url: Annotated[
        str, typer.Option("--base-url", help="Where the web app is served (for --signin).")
    ] = "http://127.0.0.1:8000",
    home: HomeOption = None,
) -> None:
    """Create an API token (shown once) or, with --signin, a sign-in link."""
    with opened_node(home) as node:
        issued = Access(node).create_token(party, label=label, kind=SIGNIN if signin else API)
    if signin:
        out.print(f"{base_url.rstrip('/')}/signin?token={issued.token}", markup=False)
    else:
        out.print(issued.token, markup=False)


@app.command("list")
@handle_errors
def list_tokens(party: PartyArg = None, home: HomeOption = None) -> None:
    """The party's (or the operator's) tokens, never their secrets."""
    with opened_node(home) as node:
        party_id = None if party is None else node.party(party).party_id
        rows = Access(node).tokens(party_id)
    table = Table("token id", "kind", "label", "created", "expires", "revoked")
    for row in rows:
        table.add_row(
            row.token_id,
            row.kind,
            row.label,
            f"{row.created_at:%Y-%m-%d %H:%M}",
            "-" if row.expires_at is None else f"{row.expires_at:%Y-%m-%d %H:%M}",
            "-" if row.revoked_at is None else f"{row.revoked_at:%Y-%m-%d %H:%M}",
        )
    out.print(table)


@app.command("revoke")
@handle_errors
def revoke(
    token_id: Annotated[str, typer.Argument(help="The token id (the part after 'cor_').")],
    home: HomeOption = None,
) -> None:
    """Revoke a token at once."""
    with opened_node(home) as node:
        Access(node).revoke_token(token_id, by=Principal(None))
    out.print(f"revoked {token_id}", markup=False)
