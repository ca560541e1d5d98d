"""Throw-away PostgreSQL schemas, for tests and benchmarks that must not touch real data.

``scratch_schema(url, prefix)`` creates a uniquely named schema, yields a URL whose connections
use it (``options=-csearch_path=...``) and drops it afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from corridor.storage.engine import normalise_url


@contextmanager
def scratch_schema(url: str, prefix: str) -> Iterator[str]:
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(normalise_url(url))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        scoped = make_url(normalise_url(url)).update_query_dict(
            {"options": f"-csearch_path={name}"}
        )
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()
