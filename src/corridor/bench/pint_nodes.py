"""Two Corridor nodes on loopback, each serving its API, registered as each other's PINT peers.

Used by ``corridor bench pint`` and the two-node end-to-end test. Each node has its own home,
database and keys; each registers the other's platform code, base URL and public key, and the
carrier's SMDG code under the issuing node's key (the issuing node signs the issuance manifest
with the carrier's key: ``register_carrier`` registers it on the other node).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from corridor.api.app import create_app
from corridor.crypto.keys import PublicKey
from corridor.services.node import Node
from corridor.services.pint_sender import PintSender
from corridor.services.platforms import Platforms

__all__ = ["Peer", "free_port", "loopback_pair", "register_carrier"]


@dataclass
class Peer:
    """One running node: its ``Node``, base URL and the app's PINT sender."""

    node: Node
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread
    sender: PintSender

    @property
    def platform(self) -> str:
        return self.node.config.platform


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(node: Node) -> Peer:
    port = free_port()
    app = create_app(node, web=False)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"serve-{node.config.platform}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return Peer(node, base, server, thread, app.state.pint_sender)
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"node {node.config.platform} did not start serving")


@contextmanager
def loopback_pair(
    root: Path,
    codes: tuple[str, str] = ("CQCO", "SGCO"),
    *,
    database_urls: tuple[str | None, str | None] = (None, None),
) -> Iterator[tuple[Peer, Peer]]:
    """Start two nodes on loopback that know each other; stop them on exit."""
    nodes = [
        Node.create(root / code.lower(), platform=code, database_url=url)
        for code, url in zip(codes, database_urls, strict=True)
    ]
    peers: list[Peer] = []
    try:
        peers = [_start(node) for node in nodes]
        for me, other in ((peers[0], peers[1]), (peers[1], peers[0])):
            registry = Platforms(me.node)
            pem = other.node.node_key.public_key.to_pem()
            registry.add(other.platform, f"Corridor {other.platform}", other.base_url, [pem])
        yield peers[0], peers[1]
    finally:
        for peer in peers:
            peer.server.should_exit = True
        for peer in peers:
            peer.thread.join(timeout=15)
        for node in nodes:
            node.close()


def register_carrier(issuing: Peer, receiving: Peer, carrier_party: str, carrier_code: str) -> None:
    """Let ``receiving`` verify issuance manifests of ``carrier_party`` (a party of ``issuing``)."""
    key = issuing.node.party_keys(carrier_party)[-1]
    pem = PublicKey(key.public_key).to_pem()
    Platforms(receiving.node).add(carrier_code, f"Carrier {carrier_code}", issuing.base_url, [pem])
