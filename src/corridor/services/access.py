"""Who is calling: API tokens, sign-in links, web sessions and idempotency keys.

A token is ``cor_<id>_<secret>``. The node keeps the id and the SHA-256 of the secret, so a stolen
database does not yield usable tokens, and compares in constant time. Token kinds:

- ``api``: a bearer token for the HTTP API, for one party or (with no party) the node operator;
- ``signin``: a sign-in link for the web app; it opens web sessions (it may be used again until
  it expires, so one link per party serves a demo) and is not an API token.

A web session is a random secret in a cookie, stored hashed with an expiry and the sign-in link
that opened it. Every token is revocable; a revoked or expired token authenticates nothing, and
revoking a sign-in link ends the sessions it opened.

Idempotency: a state-changing request may carry an ``Idempotency-Key``. The first request with a
key claims it (with a fingerprint of the request), runs, and stores its response; a retry with the
same key and the same request gets the stored response and acts no second time; the same key with
a different request is refused. A claim whose request is still running is a conflict.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection

from corridor.domain.party import OPERATOR_ID, Party
from corridor.errors import (
    AuthenticationError,
    IdempotencyConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from corridor.services.node import Node
from corridor.storage import access as rows
from corridor.storage import repository as repo
from corridor.storage.engine import writing

TOKEN_PREFIX = "cor"  # noqa: S105 (a prefix, not a secret)
API = "api"
SIGNIN = "signin"
SESSION_LIFETIME = timedelta(hours=12)
SIGNIN_LIFETIME = timedelta(days=7)
OPERATOR = OPERATOR_ID
MAX_IDEMPOTENCY_KEY = 255


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a party, or the node operator (``party`` None)."""

    party: Party | None

    @property
    def party_id(self) -> str | None:
        return None if self.party is None else self.party.party_id

    @property
    def is_operator(self) -> bool:
        return self.party is None

    @property
    def key(self) -> str:
        """The name idempotency keys are scoped to."""
        return OPERATOR if self.party is None else self.party.party_id

    @property
    def display_name(self) -> str:
        return "node operator" if self.party is None else self.party.name


@dataclass(frozen=True)
class IssuedToken:
    row: rows.TokenRow
    token: str


_TOKEN_ID = re.compile(r"[0-9a-f]{16}")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Access:
    """Tokens, sessions and idempotency for one node."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._parties: dict[str, Party] = {}  # parties are never removed or changed

    def _party(self, conn: Connection, party_id: str) -> Party | None:
        party = self._parties.get(party_id)
        if party is None:
            party = repo.get_party(conn, party_id)
            if party is not None:
                self._parties[party_id] = party
        return party

    # Tokens ---------------------------------------------------------------------------------

    def create_token(
        self,
        party_id: str | None,
        *,
        label: str = "",
        kind: str = API,
        lifetime: timedelta | None = None,
    ) -> IssuedToken:
        """Make a token for ``party_id`` (None: the operator); the secret is shown only now."""
        if kind == SIGNIN and party_id is None:
            raise InputError("a sign-in link is for a party, not for the operator")
        if len(label) > 200:
            raise InputError("a token label is at most 200 characters")
        now = self.node.clock()
        token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        if kind == SIGNIN and lifetime is None:
            lifetime = SIGNIN_LIFETIME
        row = rows.TokenRow(
            token_id=token_id,
            secret_hash=_hash(secret),
            party_id=None if party_id is None else self.node.party(party_id).party_id,
            kind=kind,
            label=label,
            created_at=now,
            expires_at=None if lifetime is None else now + lifetime,
            revoked_at=None,
        )
        with writing(self.node.engine) as conn:
            rows.insert_token(conn, row)
        return IssuedToken(row, f"{TOKEN_PREFIX}_{token_id}_{secret}")

    def tokens(self, party_id: str | None) -> list[rows.TokenRow]:
        with self.node.engine.connect() as conn:
            return rows.tokens_of(conn, party_id)

    def revoke_token(self, token_id: str, *, by: Principal) -> None:
        with writing(self.node.engine) as conn:
            row = rows.get_token(conn, token_id)
            if row is None:
                raise NotFoundError(f"no token with id {token_id}")
            if not by.is_operator and row.party_id != by.party_id:
                raise PermissionDeniedError("a party may revoke only its own tokens")
            rows.revoke_token(conn, token_id, self.node.clock())

    def authenticate(self, presented: str, *, kind: str = API) -> Principal:
        """The principal a presented token stands for; AuthenticationError if none."""
        return self._check(presented, kind)[1]

    def _check(self, presented: str, kind: str) -> tuple[rows.TokenRow, Principal]:
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not _TOKEN_ID.fullmatch(parts[1]):
            raise AuthenticationError("the token is not a Corridor token (cor_<id>_<secret>)")
        with self.node.engine.connect() as conn:
            row = rows.get_token(conn, parts[1])
            valid = row is not None and hmac.compare_digest(row.secret_hash, _hash(parts[2]))
            if row is None or not valid or row.kind != kind:
                raise AuthenticationError("the token is unknown or wrong")
            if row.revoked_at is not None:
                raise AuthenticationError("the token has been revoked")
            if row.expires_at is not None and rows.as_utc(row.expires_at) <= self.node.clock():
                raise AuthenticationError("the token has expired")
            party = None if row.party_id is None else self._party(conn, row.party_id)
        return row, Principal(party)

    # Web sessions ---------------------------------------------------------------------------

    def start_session(self, signin_token: str) -> tuple[str, Principal]:
        """Exchange a sign-in link's token for a new session; return the cookie value."""
        token, principal = self._check(signin_token, SIGNIN)
        secret = secrets.token_urlsafe(32)
        now = self.node.clock()
        with writing(self.node.engine) as conn:
            rows.insert_session(conn, _hash(secret), token, now, now + SESSION_LIFETIME)
        return secret, principal

    def derive_key(self, purpose: str) -> bytes:
        """A secret key for ``purpose`` (e.g. CSRF tokens), derived from the node's master key."""
        return self.node.derive_secret(f"access/{purpose}")

    def session(self, secret: str) -> Principal | None:
        with self.node.engine.connect() as conn:
            party_id = rows.session_party(conn, _hash(secret), self.node.clock())
            party = None if party_id is None else self._party(conn, party_id)
        return None if party is None else Principal(party)

    def end_session(self, secret: str) -> None:
        with writing(self.node.engine) as conn:
            rows.delete_session(conn, _hash(secret))

    # Idempotency ----------------------------------------------------------------------------

    def once(
        self,
        principal: Principal,
        key: str,
        fingerprint: str,
        run: Callable[[], tuple[int, bytes, int, bytes]],
    ) -> tuple[int, bytes, bool]:
        """Run ``run`` at most once per key; return (status, body, replayed).

        ``run`` returns the answer and, separately, what to store for replays (the same, except
        for answers that carry a secret).
        """
        if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
            raise InputError("Idempotency-Key must be 1 to 255 printable characters")
        with writing(self.node.engine) as conn:
            seen = rows.claim_idempotency_key(
                conn, principal.key, key, fingerprint, self.node.clock()
            )
        if seen is not None:
            if seen.fingerprint != fingerprint:
                raise InputError(
                    "this Idempotency-Key was used for a different request; use a new key"
                )
            if seen.status_code is None or seen.body is None:
                raise IdempotencyConflictError(
                    "a request with this Idempotency-Key is still being processed; retry later"
                )
            return seen.status_code, seen.body, True
        try:
            status, body, stored_status, stored = run()
        except BaseException:
            with writing(self.node.engine) as conn:
                rows.release_idempotency_key(conn, principal.key, key)
            raise
        with writing(self.node.engine) as conn:
            rows.complete_idempotency_key(conn, principal.key, key, stored_status, stored)
        return status, body, False
