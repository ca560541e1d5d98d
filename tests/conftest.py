"""Shared fixtures: nodes on SQLite and, when CORRIDOR_TEST_DATABASE_URL is set, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from corridor.services.demo import demo_document, seed_parties
from corridor.services.node import Node
from corridor.storage.scratch import scratch_schema

PG_ENV = "CORRIDOR_TEST_DATABASE_URL"
PG_SKIP = f"PostgreSQL tests need {PG_ENV}, e.g. {PG_ENV}=postgresql://postgres@127.0.0.1:5432/test"


class TickingClock:
    """A clock that moves one millisecond per reading: entries get distinct, ordered times."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a scratch schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corridor.db'}"
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(PG_SKIP)
    with scratch_schema(url, "test") as scoped:
        yield scoped


NodeFactory = Callable[..., Node]


@pytest.fixture
def make_node(database_url: str, tmp_path: Path) -> Iterator[NodeFactory]:
    """Create nodes on the test database; all are closed at teardown."""
    nodes: list[Node] = []

    def factory(name: str = "node", **kwargs: object) -> Node:
        node = Node.create(
            tmp_path / name, database_url=database_url, clock=TickingClock(), **kwargs
        )
        nodes.append(node)
        return node

    yield factory
    for node in nodes:
        node.close()


@pytest.fixture
def node(make_node: NodeFactory) -> Node:
    return make_node()


@pytest.fixture
def sqlite_node(tmp_path: Path) -> Iterator[Node]:
    node = Node.create(
        tmp_path / "node", database_url=f"sqlite:///{tmp_path / 'c.db'}", clock=TickingClock()
    )
    yield node
    node.close()


@pytest.fixture
def demo_parties() -> Callable[[Node], dict[str, str]]:
    return seed_parties


@pytest.fixture
def td() -> dict[str, object]:
    return demo_document()
