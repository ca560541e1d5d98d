"""Opening the node a command works on, and small output helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corridor.services.home import resolve_home
from corridor.services.node import Node


@contextmanager
def opened_node(home: Path | None) -> Iterator[Node]:
    node = Node.open(resolve_home(home))
    try:
        yield node
    finally:
        node.close()
