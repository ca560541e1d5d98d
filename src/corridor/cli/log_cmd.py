"""``corridor log checkpoint|audit``."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from corridor.cli.common import HomeOption, err, handle_errors, out
from corridor.cli.context import opened_node
from corridor.errors import VerificationError
from corridor.services.audit import audit as run_audit
from corridor.storage import repository as repo

app = typer.Typer(no_args_is_help=True)


@app.command("checkpoint")
@handle_errors
def checkpoint(home: HomeOption = None) -> None:
    """Sign and print a C2SP checkpoint of the log, then the node's verifier key."""
    with opened_node(home) as node:
        _, note = node.checkpoint()
        out.print(note, end="", markup=False)
        out.print(f"\nverifier key: {node.verifier_key()}", markup=False)


@app.command("audit")
@handle_errors
def audit(home: HomeOption = None) -> None:
    """Recompute the whole tree, check every signature and chain, replay the register."""
    with opened_node(home) as node:
        with node.engine.connect() as conn:
            total, _ = repo.read_log_head(conn)
        with Progress(
            TextColumn("auditing"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("audit", total=total)
            report = run_audit(node, lambda n: bar.update(task, completed=n))
    if not report.ok:
        for problem in report.problems[:-1]:
            err.print(f"problem: {problem}", markup=False)
        raise VerificationError("audit", report.problems[-1])
    out.print(
        f"audit ok: {report.entries} entries, {report.documents} documents, "
        f"{report.checkpoints} checkpoints verified; tree size {report.tree_size}, "
        f"root {report.root_hash}"
    )
