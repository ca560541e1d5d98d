"""``corridor init``, ``corridor verify`` and ``corridor demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.cli.common import HomeOption, err, handle_errors, out
from corridor.errors import InputError
from corridor.ledger.group_commit import DEFAULT_MAX_WAIT_MS
from corridor.services.home import DEFAULT_PLATFORM, resolve_home
from corridor.services.node import Node
from corridor.services.verify import load_bundle, verify_bundle


@handle_errors
def init(
    home: HomeOption = None,
    platform: Annotated[
        str, typer.Option("--platform", help="This node's platform code.")
    ] = DEFAULT_PLATFORM,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", envvar="CORRIDOR_DATABASE_URL", help="Default: SQLite."),
    ] = None,
    max_batch: Annotated[int, typer.Option(help="Group commit: entries per batch.")] = 256,
    max_wait_ms: Annotated[
        float, typer.Option(help="Group commit: ms a batch stays open.")
    ] = DEFAULT_MAX_WAIT_MS,
) -> None:
    """Create a node: its key, its master secret and its database."""
    path = resolve_home(home)
    node = Node.create(
        path,
        platform=platform,
        database_url=database_url,
        max_batch=max_batch,
        max_wait_ms=max_wait_ms,
    )
    try:
        out.print(f"node created in {path} (platform {node.config.platform})")
        out.print(f"verifier key: {node.verifier_key()}", markup=False)
    finally:
        node.close()


@handle_errors
def verify(
    bundle: Annotated[Path, typer.Argument(help="A bundle written by 'corridor ebl export'.")],
    node_key: Annotated[
        str | None,
        typer.Option("--node-key", help="Trust only bundles from this C2SP verifier key."),
    ] = None,
) -> None:
    """Verify a bundle offline; exit 0 if valid, else 1 and the failed check."""
    try:
        data = bundle.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {bundle}: {exc.strerror}") from None
    result = verify_bundle(load_bundle(data), trusted_node_key=node_key)
    record = result.record
    holder = result.party_names.get(record.possessor, record.possessor)
    out.print(
        f"valid: {result.document_reference}, {result.entries} signed entries, "
        f"status {record.status}, controller {holder if record.controller else '-'}; "
        f"checkpoint size {result.checkpoint.size}",
        markup=False,
    )
    out.print(f"node key: {result.node_verifier_key}", markup=False)
    if node_key is None:
        err.print(
            "note: the node key was not pinned; compare it with the key the node publishes "
            "('corridor log checkpoint'), or pass --node-key",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("verify")(verify)
