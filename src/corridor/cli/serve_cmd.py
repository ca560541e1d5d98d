"""``corridor serve`` and ``corridor demo``: the node as a web service.

``serve`` runs an existing node; ``demo`` makes a fresh one on SQLite, seeds the corridor's
parties and documents, prints one sign-in link per party, opens a browser where there is a display
and serves at http://127.0.0.1:8000 until Ctrl-C.
"""

from __future__ import annotations

import os
import sys
import tempfile
import webbrowser
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from corridor.api.app import create_app
from corridor.cli.common import HomeOption, handle_errors, out
from corridor.cli.context import opened_node
from corridor.errors import NodeError
from corridor.services import demo as demo_corridor
from corridor.services.access import SIGNIN, Access
from corridor.services.demo_events import HISTORY_SIZE, corridor_journeys
from corridor.services.node import Node

HostOption = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")]


def run_server(node: Node, host: str, port: int) -> None:
    """Serve ``node`` until interrupted; the node is closed by the caller."""
    config = uvicorn.Config(create_app(node), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    try:
        server.run()
    except SystemExit as exit_:
        raise NodeError(f"could not serve on {host}:{port} (is the port in use?)") from exit_


def base_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
    return f"http://{shown}:{port}"


@handle_errors
def serve(home: HomeOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Serve the node's HTTP API and web app."""
    with opened_node(home) as node:
        out.print(f"Corridor node {node.config.platform} at {base_url(host, port)}", markup=False)
        out.print(f"API docs: {base_url(host, port)}/docs  (Ctrl-C stops)", markup=False)
        run_server(node, host, port)


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _print_links(node: Node, ids: dict[str, str], url: str) -> None:
    access = Access(node)
    out.print("[bold]Sign in as[/bold] (links valid 7 days):")
    for party in demo_corridor.DEMO_PARTIES:
        issued = access.create_token(ids[party.key], kind=SIGNIN, label="demo sign-in link")
        out.print(f"  {party.key:<9} {party.name}", markup=False)
        out.print(f"            {url}/signin?token={issued.token}", markup=False)
    operator = access.create_token(None, label="demo operator")
    out.print(f"Operator API token: {operator.token}", markup=False)


@handle_errors
def demo(
    script: Annotated[
        bool, typer.Option("--script", help="Run the scripted journey in the terminal instead.")
    ] = False,
    home: HomeOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a web browser.")
    ] = False,
) -> None:
    """The Chongqing -> Qinzhou -> Singapore corridor on a fresh node, served on the web."""
    path = Path(home) if home is not None else Path(tempfile.mkdtemp(prefix="corridor-demo-"))
    if (path / "config.json").exists():
        raise NodeError(f"{path} already holds a node; the demo needs a fresh --home")
    node = Node.create(path, platform="CQCORR", database_url=f"sqlite:///{path / 'corridor.db'}")
    try:
        if script:
            _run_script(node, path)
            return
        out.print(f"[bold]Corridor demo[/bold]: a fresh node in {path}")
        ids = demo_corridor.seed_corridor(node, history=HISTORY_SIZE)
        cargo = {j.reference: j.story for j in corridor_journeys(node.clock())}
        for document in demo_corridor.DEMO_DOCUMENTS:
            where = cargo.get(document.reference, "")
            out.print(f"  {document.reference}  {document.story}; {where}", markup=False)
        out.print(
            f"  and {HISTORY_SIZE} past journeys for the corridor page's charts", markup=False
        )
        url = base_url(host, port)
        _print_links(node, ids, url)
        out.print(f"Serving at {url}  (API docs {url}/docs; Ctrl-C stops)", markup=False)
        if not no_browser and _has_display():
            webbrowser.open(url)
        run_server(node, host, port)
    finally:
        node.close()


def _run_script(node: Node, path: Path) -> None:
    out.print(f"[bold]Corridor demo[/bold]: a fresh node in {path}")
    for line in demo_corridor.run_script(node, path / "bundle.json"):
        out.print(line, markup=False)
    out.print("[bold green]journey complete[/bold green]")
    out.print(f"try: corridor verify {path / 'bundle.json'}", markup=False)
    out.print(f"     corridor ebl history WLSM26CQSG0001 --home {path}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
