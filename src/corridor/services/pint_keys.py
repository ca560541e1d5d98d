"""Which keys verify a PINT signature: the platform registry's, and this node's own.

A chain that comes back to this node holds entries this node signed, under its own platform
code: those verify with the node's key, which is not in the registry. Every other platform's
keys come from the registry by platform code and ``kid`` (never from the JWS itself). Parsed
keys are cached by ``kid``; a key removed from the registry stops verifying at once, because the
registry is read on every lookup.
"""

from __future__ import annotations

from sqlalchemy import Connection

from corridor.crypto.jws import VerifyingKey
from corridor.crypto.keys import PublicKey
from corridor.crypto.peer_keys import load_peer_key
from corridor.domain.party import Role
from corridor.services.node import Node
from corridor.storage import platforms as registry
from corridor.storage import repository as repo

__all__ = ["PintKeys"]


class PintKeys:
    """``KeyLookup`` for the PINT receiver and sender of one node."""

    def __init__(self, node: Node) -> None:
        self._node = node
        self._parsed: dict[str, VerifyingKey] = {}

    def lookup(self, platform: str, kid: str | None) -> list[VerifyingKey]:
        """The keys that may have signed a JWS of ``platform`` with header ``kid``."""
        own = self._node.node_key.public_key
        if platform == self._node.config.platform:
            return [own] if kid in (None, own.kid) else []
        with self._node.engine.connect() as conn:
            registered = self._registered(conn, platform, kid)
            if not registered and kid is not None:
                return self._our_carrier(conn, kid)
            return registered

    def _our_carrier(self, conn: Connection, kid: str) -> list[VerifyingKey]:
        """An issuance manifest one of this node's carriers signed, coming back in a chain."""
        key = repo.get_key(conn, kid)
        if key is None:
            return []
        party = repo.get_party(conn, key.party_id)
        local = party is not None and party.platform == self._node.config.platform
        if not local or party is None or Role.CARRIER not in party.roles:
            return []
        return [PublicKey(key.public_key)]

    def _registered(self, conn: Connection, platform: str, kid: str | None) -> list[VerifyingKey]:
        found = registry.get_platform(conn, platform)
        if found is None or found.removed_at is not None:
            return []
        keys: list[VerifyingKey] = []
        for row in registry.keys_of(conn, platform):
            if kid is not None and row.kid != kid:
                continue
            key = self._parsed.get(row.kid)
            if key is None:
                key = self._parsed[row.kid] = load_peer_key(row.pem).public_key
            keys.append(key)
        return keys
