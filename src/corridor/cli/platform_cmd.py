"""``corridor platform add|key-add|list|show|remove|key-remove``: the PINT peer registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from corridor.cli.common import HomeOption, handle_errors, out
from corridor.cli.context import opened_node
from corridor.crypto.peer_keys import PeerKey
from corridor.errors import InputError
from corridor.services.platforms import Platforms

app = typer.Typer(no_args_is_help=True)

CodeArgument = Annotated[str, typer.Argument(help="Platform code (PINT eblPlatform, 1-4 chars).")]


def _read_pem(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not PEM text (not UTF-8)") from None


def _describe(key: PeerKey) -> str:
    return f"key {key.kid} ({key.key_type})"


@app.command("add")
@handle_errors
def add(
    code: CodeArgument,
    name: Annotated[str, typer.Option("--name", help="The platform's name.")],
    url: Annotated[str, typer.Option("--url", help="Base URL of its PINT API (https://...).")],
    key_pem: Annotated[
        list[Path] | None,
        typer.Option("--key-pem", help="PEM file: a certificate or public key (repeatable)."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Register another platform, with the keys its PINT signatures verify under."""
    pems = [_read_pem(path) for path in key_pem or []]
    with opened_node(home) as node:
        platform = Platforms(node).add(code, name, url, pems)
    out.print(f"platform {platform.code} added")
    for key in platform.keys:
        out.print(_describe(key))


@app.command("key-add")
@handle_errors
def key_add(
    code: CodeArgument,
    pem: Annotated[Path, typer.Argument(help="PEM file: a certificate or public key.")],
    home: HomeOption = None,
) -> None:
    """Add a key to a registered platform; prints its kid."""
    text = _read_pem(pem)
    with opened_node(home) as node:
        key = Platforms(node).add_key(code, text)
    out.print(_describe(key))


@app.command("key-remove")
@handle_errors
def key_remove(
    kid: Annotated[str, typer.Argument(help="The key's id (RFC 7638 thumbprint).")],
    home: HomeOption = None,
) -> None:
    """Delete a platform key: nothing it signs verifies any more."""
    with opened_node(home) as node:
        Platforms(node).remove_key(kid)
    out.print(f"key {kid} removed")


@app.command("list")
@handle_errors
def list_platforms(home: HomeOption = None) -> None:
    """List the platforms this node knows."""
    with opened_node(home) as node:
        registry = Platforms(node)
        table = Table("code", "name", "base URL", "keys")
        for row in registry.list():
            table.add_row(row.code, row.name, row.base_url, str(len(registry.keys(row.code))))
    out.print(table)


@app.command("show")
@handle_errors
def show(code: CodeArgument, home: HomeOption = None) -> None:
    """One platform and its keys (kid, type, certificate not-after)."""
    with opened_node(home) as node:
        platform = Platforms(node).get(code)
    out.print(f"platform {platform.code}: {platform.name}")
    out.print(f"base URL: {platform.base_url}")
    table = Table("kid", "type", "algorithms", "not after", "subject")
    for key in platform.keys:
        not_after = "" if key.not_after is None else key.not_after.isoformat()
        table.add_row(
            key.kid, key.key_type, ", ".join(key.algorithms), not_after, key.subject or ""
        )
    out.print(table)


@app.command("remove")
@handle_errors
def remove(code: CodeArgument, home: HomeOption = None) -> None:
    """Remove a platform; its keys are deleted with it."""
    with opened_node(home) as node:
        Platforms(node).remove(code)
    out.print(f"platform {code} removed")
