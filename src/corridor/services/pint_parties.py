"""Corridor parties ↔ PINT parties, for the eBLs that cross platforms.

A party of another platform is kept as a party row whose ``platform`` is that platform's code:
it holds no key and can never act on this node (the writer refuses it), but it can be the
possessor, endorsee or carrier of a record, and a local party can transfer to it. Such parties
come from two places: the operator registers them (``corridor party add --platform``), or a
received chain names them, in which case the PINT party object is kept as received so it can be
sent back unchanged.

Parties of this platform named in a chain must resolve to exactly one local party (as the
recipient does, ``resolve_recipient``); a chain naming a local party this node does not know is
refused (BENV).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from corridor.domain.party import CodeScheme, Party, Role
from corridor.interop.dcsa.pint.parties import (
    GLEIF,
    PintParty,
    parse_party,
    party_json,
    pint_party,
    resolve_recipient,
)
from corridor.interop.dcsa.pint.signatures import Refusal
from corridor.interop.dcsa.pint.verdict import ResponseCode
from corridor.services.parties import new_party_id
from corridor.storage import pint as rows
from corridor.storage import repository as repo

__all__ = ["local_candidates", "party_id_for", "pint_party_of"]

_NAME_MAX = 200


def pint_party_of(conn: Connection, party_id: str) -> dict[str, Any]:
    """The PINT party object for ``party_id``: as received, or built for a registered party."""
    received = rows.pint_party_json(conn, party_id)
    if received is not None:
        loaded: dict[str, Any] = json.loads(received)
        return loaded
    party = repo.get_party(conn, party_id)
    if party is None:
        raise LookupError(f"no party {party_id}")
    return pint_party(party)


def party_id_for(
    conn: Connection,
    party: PintParty,
    this_platform: str,
    *,
    roles: frozenset[Role],
    now: datetime,
) -> str:
    """The id of the party ``party`` names: local, a known foreign one, or a new foreign one."""
    if party.platform == this_platform:
        found = resolve_recipient(party, this_platform, local_candidates(conn, party))
        if found is None:
            raise Refusal(
                ResponseCode.BENV,
                f"the chain names {party.name!r} on this platform, but no one party here "
                "answers to its identifying codes",
            )
        return found
    known = _known_foreign(conn, party)
    if known is not None:
        return known
    return _register_foreign(conn, party, roles, now)


_MATCHED_SCHEMES = (CodeScheme.LEI, CodeScheme.DCSA, CodeScheme.USCC, CodeScheme.UEN)


def local_candidates(conn: Connection, party: PintParty) -> dict[str, Party]:
    """The parties of ``party.platform`` that any of its codes could name (a superset of what
    ``resolve_recipient`` matches: by id, LEI, DCSA code, USCC or UEN), read by index."""
    values = {c.code for c in party.codes} | {c.code.strip().upper() for c in party.codes}
    return repo.parties_by_id_or_code(conn, party.platform, values, _MATCHED_SCHEMES)


def _known_foreign(conn: Connection, party: PintParty) -> str | None:
    for party_id, raw in rows.pint_parties_on(conn, party.platform):
        if parse_party(json.loads(raw)).shares_code_with(party):
            return party_id
    leis = {c.code.strip().upper() for c in party.codes if c.provider == GLEIF}
    registered = [
        p.party_id
        for p in repo.list_parties(conn)
        if p.platform == party.platform
        and (
            p.party_id in {c.code for c in party.codes if c.provider == party.platform}
            or _lei(p) in leis
        )
    ]
    return registered[0] if len(registered) == 1 else None


def _lei(party: Party) -> str | None:
    code = party.code(CodeScheme.LEI)
    return None if code is None else code.value


def _register_foreign(
    conn: Connection, party: PintParty, roles: frozenset[Role], now: datetime
) -> str:
    name = " ".join(party.name.split())[:_NAME_MAX] or party.platform
    if repo.find_party(conn, name) is not None:
        name = f"{name[: _NAME_MAX - 8]} ({party.platform})"
    base, n = name, 2
    while repo.find_party(conn, name) is not None:
        name, n = f"{base[: _NAME_MAX - 4]} #{n}", n + 1
    party_id = new_party_id(conn, name)
    repo.insert_party(conn, Party(party_id, name, roles, (), party.platform), now)
    rows.add_pint_party(
        conn, party_id, party.platform, json.dumps(party_json(party), sort_keys=True)
    )
    return party_id
