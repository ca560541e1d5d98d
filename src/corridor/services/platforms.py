"""The platform registry: other eBL platforms this node exchanges documents with over PINT 3.0.

Rules:

* A platform code is what DCSA PINT 3.0 calls ``eblPlatform``: at most 4 characters with no
  spaces (PINT notes §7.6). Corridor keeps them to ``^[A-Z0-9]{1,4}$``, and refuses the node's
  own code: a peer that claims it would receive our own envelopes.
* The base URL is where the peer serves ``/v3/...``: ``http`` or ``https`` with a host and no
  credentials, query or fragment.
* Keys come as PEM (X.509 certificate or SubjectPublicKeyInfo, ``crypto.peer_keys``); each is
  known by its RFC 7638 thumbprint, which may belong to one platform only. PINT picks the key to
  verify a JWS by ``eblPlatform`` and ``kid``: ``key_for``.
* Removing a platform marks it removed and deletes its keys, so nothing it signs verifies any
  more; adding the same code again starts afresh.

Every refusal is an ``InputError`` (``NotFoundError`` for an unknown code or key id); nothing is
written unless the whole request is accepted.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from corridor.crypto.peer_keys import PeerKey, load_peer_key
from corridor.errors import ConflictError, InputError, NotFoundError
from corridor.services.node import Node
from corridor.storage import platforms as rows
from corridor.storage.engine import writing

PLATFORM_CODE = re.compile(r"^[A-Z0-9]{1,4}$")
MAX_NAME = 200
MAX_URL = 500


@dataclass(frozen=True)
class Platform:
    """A registered platform and its keys."""

    code: str
    name: str
    base_url: str
    created_at: datetime
    keys: tuple[PeerKey, ...]


def check_code(code: str) -> str:
    if not isinstance(code, str) or not PLATFORM_CODE.fullmatch(code):
        raise InputError(
            f"platform code {code!r} must be 1 to 4 capital letters or digits "
            "(PINT eblPlatform, e.g. 'WAVE')"
        )
    return code


def check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME or not cleaned.isprintable():
        raise InputError(f"a platform name is 1 to {MAX_NAME} printable characters")
    return cleaned


def check_base_url(url: str) -> str:
    where = f"base URL {url!r}"
    if len(url) > MAX_URL or not url.isprintable() or any(c.isspace() for c in url):
        raise InputError(f"{where} must be at most {MAX_URL} characters with no spaces")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (reading it validates it)
    except ValueError as bad:
        raise InputError(f"{where} is not a valid URL: {bad}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{where} must be http:// or https:// with a host")
    if parts.username is not None or parts.password is not None:
        raise InputError(f"{where} must not hold credentials")
    if parts.query or parts.fragment:
        raise InputError(f"{where} must not have a query or fragment")
    return url


class Platforms:
    """The platforms one node knows, and their keys."""

    def __init__(self, node: Node) -> None:
        self.node = node

    def add(self, code: str, name: str, base_url: str, pems: Sequence[str] = ()) -> Platform:
        """Register a platform (with optional PEM keys) in one transaction."""
        check_code(code)
        if code == self.node.config.platform:
            raise InputError(f"{code} is this node's own platform code; register other platforms")
        row = rows.PlatformRow(
            code, check_name(name), check_base_url(base_url), self.node.clock(), None
        )
        keys = _distinct([load_peer_key(pem) for pem in pems])
        with _no_race(f"platform {code}"), writing(self.node.engine) as conn:
            existing = rows.get_platform(conn, code)
            if existing is not None and existing.removed_at is None:
                raise InputError(f"platform {code} is already registered ({existing.name})")
            for key in keys:
                _check_new_key(conn, key)
            if existing is None:
                rows.insert_platform(conn, row)
            else:
                rows.reactivate_platform(conn, row)
            for key in keys:
                rows.insert_key(conn, self._key_row(code, key))
        return Platform(row.code, row.name, row.base_url, row.created_at, tuple(keys))

    def add_key(self, code: str, pem: str) -> PeerKey:
        """Register one more key for an active platform; refused if the key is known."""
        key = load_peer_key(pem)
        with _no_race(f"key {key.kid}"), writing(self.node.engine) as conn:
            _active(conn, code)
            _check_new_key(conn, key)
            rows.insert_key(conn, self._key_row(code, key))
        return key

    def get(self, code: str) -> Platform:
        with self.node.engine.connect() as conn:
            row = _active(conn, code)
            keys = tuple(_peer_key(k) for k in rows.keys_of(conn, code))
        return Platform(row.code, row.name, row.base_url, row.created_at, keys)

    def list(self) -> builtins.list[rows.PlatformRow]:
        """The active platforms, by code."""
        with self.node.engine.connect() as conn:
            return rows.list_platforms(conn)

    def keys(self, code: str) -> builtins.list[PeerKey]:
        return list(self.get(code).keys)

    def key_for(self, code: str, kid: str) -> PeerKey:
        """The key ``kid`` of platform ``code``, to verify a JWS it signed."""
        with self.node.engine.connect() as conn:
            _active(conn, code)
            found = rows.get_key(conn, kid)
        if found is None or found.platform_code != code:
            raise NotFoundError(f"platform {code} has no key with kid {kid}")
        return _peer_key(found)

    def remove(self, code: str) -> None:
        """Mark the platform removed; its keys are deleted."""
        with writing(self.node.engine) as conn:
            _active(conn, code)
            rows.mark_removed(conn, code, self.node.clock())

    def remove_key(self, kid: str, code: str | None = None) -> None:
        """Delete a key (of platform ``code``, if given)."""
        with writing(self.node.engine) as conn:
            found = rows.get_key(conn, kid)
            if found is None or (code is not None and found.platform_code != code):
                owner = "" if code is None else f" on platform {code}"
                raise NotFoundError(f"no platform key with kid {kid}{owner}")
            rows.delete_key(conn, kid)

    def _key_row(self, code: str, key: PeerKey) -> rows.PlatformKeyRow:
        return rows.PlatformKeyRow(
            key.kid, code, key.pem, key.key_type, key.not_after, self.node.clock()
        )


def _active(conn: Connection, code: str) -> rows.PlatformRow:
    row = rows.get_platform(conn, check_code(code))
    if row is None or row.removed_at is not None:
        raise NotFoundError(f"no platform {code} is registered on this node")
    return row


def _check_new_key(conn: Connection, key: PeerKey) -> None:
    found = rows.get_key(conn, key.kid)
    if found is not None:
        raise InputError(f"key {key.kid} is already registered for platform {found.platform_code}")


def _distinct(keys: list[PeerKey]) -> list[PeerKey]:
    kids = [key.kid for key in keys]
    duplicate = next((kid for kid in kids if kids.count(kid) > 1), None)
    if duplicate is not None:
        raise InputError(f"key {duplicate} is given twice")
    return keys


def _peer_key(row: rows.PlatformKeyRow) -> PeerKey:
    return load_peer_key(row.pem)


@contextmanager
def _no_race(what: str) -> Iterator[None]:
    """Turn a unique-key refusal from a concurrent writer into a ``ConflictError``."""
    try:
        yield
    except IntegrityError:
        raise ConflictError(
            f"{what} was just registered by another request; read it back or retry"
        ) from None
