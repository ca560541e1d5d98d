"""The ``corridor`` command: its sub-commands assembled. See ``common`` for exit codes."""

from __future__ import annotations

import sys
from typing import Any

import typer

from corridor.cli import (
    alerts_cmd,
    bench_cmd,
    ebl_cmd,
    events_cmd,
    iss_cmd,
    log_cmd,
    node_cmd,
    party_cmd,
    platform_cmd,
    serve_cmd,
    sur_cmd,
    token_cmd,
)

app = typer.Typer(
    help="Corridor: signed eBLs, a title register and a Merkle log for rail-sea trade.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
node_cmd.register(app)
serve_cmd.register(app)
app.add_typer(party_cmd.app, name="party", help="Register and list parties.")
app.add_typer(ebl_cmd.app, name="ebl", help="Issue and act on electronic bills of lading.")
app.add_typer(token_cmd.app, name="token", help="API tokens and web sign-in links.")
app.add_typer(platform_cmd.app, name="platform", help="Other eBL platforms (PINT peers), keys.")
app.add_typer(log_cmd.app, name="log", help="Checkpoints and audit of the Merkle log.")
app.add_typer(iss_cmd.app, name="iss", help="DCSA issuance requests (EBL_ISS 3.0.3).")
app.add_typer(sur_cmd.app, name="sur", help="DCSA surrender requests (EBL_SUR 3.0.3).")
app.add_typer(events_cmd.app, name="events", help="Tracking events (DCSA Track & Trace).")
app.add_typer(alerts_cmd.app, name="alerts", help="Overdue journey alerts and their delivery.")
app.add_typer(bench_cmd.app, name="bench", help="Benchmarks (JSON output).")


def main(argv: list[str] | None = None) -> Any:
    return app(args=argv if argv is not None else sys.argv[1:])
