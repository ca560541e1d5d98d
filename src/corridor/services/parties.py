"""Registering parties and their keys.

A party's key is custodial by default: the node generates it and keeps it encrypted under the
master key (AES-256-GCM, the key id as associated data, so a blob cannot be moved to another key
row). A self-custodied party registers only its public key; the node then accepts entries that
the party signed itself and never signs for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from corridor.crypto.keys import PrivateKey, PublicKey, decrypt_private_key, encrypt_private_key
from corridor.domain.party import OPERATOR_ID, IdentifyingCode, Party, Role
from corridor.errors import CryptoError, InputError, UnknownPartyError
from corridor.storage import repository as repo
from corridor.storage.repository import KeyRow

CUSTODIAL = "custodial"
SELF_CUSTODY = "self"
_MAX_SLUG = 40


def key_associated_data(kid: str) -> bytes:
    return b"corridor party key:" + kid.encode("ascii")


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:_MAX_SLUG].rstrip("-") or "party"


def new_party_id(conn: Connection, name: str) -> str:
    """A free id made from ``name``; never ``operator``, the id the node operator acts under
    (subscriptions, idempotency keys), so that no party shares what is the operator's."""
    base = slugify(name)
    candidate, n = base, 2
    while candidate == OPERATOR_ID or repo.party_id_taken(conn, candidate):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def register_party(
    conn: Connection,
    *,
    name: str,
    roles: frozenset[Role],
    codes: Sequence[IdentifyingCode],
    platform: str,
    kek: bytes,
    public_key: PublicKey | None,
    now: datetime,
    with_key: bool = True,
) -> Party:
    """Add a party and its first key; refuse duplicates by name or identifying code."""
    clean = " ".join(name.split())
    if not clean or len(clean) > 200:
        raise InputError("party name must be 1-200 characters")
    if not roles:
        raise InputError("a party needs at least one role (--role)")
    if repo.find_party(conn, clean) is not None:
        raise InputError(f"a party named {clean!r} already exists")
    for code in codes:
        owner = repo.code_owner(conn, code)
        if owner is not None:
            raise InputError(f"{code.scheme}:{code.value} is already registered to {owner}")
    party = Party(new_party_id(conn, clean), clean, roles, tuple(codes), platform)
    repo.insert_party(conn, party, now)
    if with_key:
        repo.insert_key(conn, _first_key(party.party_id, kek, public_key), now)
    return party


def _first_key(party_id: str, kek: bytes, public_key: PublicKey | None) -> KeyRow:
    if public_key is not None:
        return KeyRow(public_key.kid, party_id, public_key.raw, SELF_CUSTODY, None)
    private = PrivateKey.generate()
    kid = private.public_key.kid
    blob = encrypt_private_key(private, kek, key_associated_data(kid))
    return KeyRow(kid, party_id, private.public_key.raw, CUSTODIAL, blob)


def resolve(conn: Connection, id_or_name: str) -> Party:
    party = repo.find_party(conn, id_or_name)
    if party is None:
        raise UnknownPartyError(
            f"no party {id_or_name!r} on this node; 'corridor party list' shows who is registered"
        )
    return party


class CustodialKeys:
    """Decrypts custodial keys on first use and keeps them in memory for the writer."""

    def __init__(self, kek: bytes) -> None:
        self._kek = kek
        self._cache: dict[str, tuple[str, PrivateKey]] = {}

    def signing_key(self, conn: Connection, party_id: str) -> tuple[str, PrivateKey]:
        cached = self._cache.get(party_id)
        if cached is not None:
            return cached
        custodial = [k for k in repo.keys_of(conn, party_id) if k.custody == CUSTODIAL]
        if not custodial:
            raise CryptoError(
                f"{party_id} holds its own keys; sign the entry yourself and submit it "
                "with 'corridor ebl submit'"
            )
        key = custodial[-1]
        assert key.encrypted_private_key is not None
        private = decrypt_private_key(
            key.encrypted_private_key, self._kek, key_associated_data(key.kid)
        )
        self._cache[party_id] = (key.kid, private)
        return key.kid, private
