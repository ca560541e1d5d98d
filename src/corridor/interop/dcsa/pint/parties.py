"""PINT 3.0.0 parties (``ActorParty``, ``RecipientParty``) and how they map to local parties.

A PINT party is named by ``partyName``, lives on ``eblPlatform`` and carries ``identifyingCodes``
(``codeListProvider``, ``partyCode``, optional ``codeListName``). Corridor names its own parties
with the code ``{codeListProvider: <platform code>, partyCode: <party id>}`` and, when a party has
one, its LEI as ``{codeListProvider: GLEIF, codeListName: LEI}`` (PINT notes §7 pitfall 6).

A recipient resolves to a local party only if its codes point at exactly one: none or several
give ``None`` and the receiver refuses the envelope (PINT notes §3 step 9). This module is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corridor.domain.party import CodeScheme, Party
from corridor.errors import MalformedInputError

__all__ = [
    "PintCode",
    "PintParty",
    "parse_party",
    "party_json",
    "pint_party",
    "resolve_recipient",
]

DCSA = "DCSA"
GLEIF = "GLEIF"
ZZZ = "ZZZ"  # DCSA's "mutually defined" code list provider
LEI_LIST = "LEI"


@dataclass(frozen=True)
class PintCode:
    """One ``IdentifyingCode``: provider, code and optional list name."""

    provider: str
    code: str
    list_name: str | None = None


@dataclass(frozen=True)
class PintParty:
    """An ``ActorParty`` or ``RecipientParty``, reduced to what identifies it."""

    name: str
    platform: str
    codes: tuple[PintCode, ...]

    def shares_code_with(self, other: PintParty) -> bool:
        """True if both are on the same platform and have a (provider, code) in common."""
        mine = {(c.provider, c.code) for c in self.codes}
        return self.platform == other.platform and any(
            (c.provider, c.code) in mine for c in other.codes
        )


def parse_party(raw: Mapping[str, Any]) -> PintParty:
    """Read a PINT party object; ``MalformedInputError`` if a required member is wrong."""
    name, platform = raw.get("partyName"), raw.get("eblPlatform")
    codes = raw.get("identifyingCodes")
    if not isinstance(name, str) or not isinstance(platform, str) or not isinstance(codes, list):
        raise MalformedInputError(
            "a PINT party needs partyName and eblPlatform (strings) and identifyingCodes (a list)"
        )
    return PintParty(name, platform, tuple(_parse_code(code) for code in codes))


def _parse_code(raw: object) -> PintCode:
    if not isinstance(raw, Mapping):
        raise MalformedInputError("an identifying code must be a JSON object")
    provider, code, list_name = (
        raw.get("codeListProvider"),
        raw.get("partyCode"),
        raw.get("codeListName"),
    )
    if not isinstance(provider, str) or not isinstance(code, str):
        raise MalformedInputError("an identifying code needs codeListProvider and partyCode")
    if list_name is not None and not isinstance(list_name, str):
        raise MalformedInputError("an identifying code's codeListName must be a string")
    return PintCode(provider, code, list_name)


def party_json(party: PintParty) -> dict[str, Any]:
    """The PINT party object for ``party`` (as parsed: name, platform and codes)."""
    codes = []
    for code in party.codes:
        raw = {"codeListProvider": code.provider, "partyCode": code.code}
        if code.list_name is not None:
            raw["codeListName"] = code.list_name
        codes.append(raw)
    return {"partyName": party.name, "eblPlatform": party.platform, "identifyingCodes": codes}


def pint_party(party: Party) -> dict[str, Any]:
    """The PINT party object for a local party: its platform code and id, and its LEI if any."""
    codes: list[dict[str, str]] = [
        {"codeListProvider": party.platform, "partyCode": party.party_id}
    ]
    lei = party.code(CodeScheme.LEI)
    if lei is not None:
        codes.append({"codeListProvider": GLEIF, "partyCode": lei.value, "codeListName": LEI_LIST})
    for scheme in (CodeScheme.USCC, CodeScheme.UEN):  # no code list of their own (pitfall 6)
        code = party.code(scheme)
        if code is not None:
            codes.append({"codeListProvider": ZZZ, "partyCode": code.value, "codeListName": scheme})
    return {"partyName": party.name, "eblPlatform": party.platform, "identifyingCodes": codes}


def resolve_recipient(
    recipient: PintParty, this_platform: str, local: Mapping[str, Party]
) -> str | None:
    """The id of the one local party ``recipient`` names, or ``None`` for none or several.

    ``local`` maps party ids to this node's parties. A code names a party as
    ``{codeListProvider: this_platform, partyCode: <party id>}``, as its LEI under GLEIF, or as
    its DCSA party code under DCSA.
    """
    if recipient.platform != this_platform:
        return None
    found: set[str] = set()
    for code in recipient.codes:
        if code.provider == this_platform and code.code in local:
            found.add(code.code)
        elif code.provider == GLEIF and code.list_name in (None, LEI_LIST):
            found.update(_by_code(CodeScheme.LEI, code.code.strip().upper(), local))
        elif code.provider == DCSA:
            found.update(_by_code(CodeScheme.DCSA, code.code, local))
        elif code.provider == ZZZ and code.list_name in (CodeScheme.USCC, CodeScheme.UEN):
            found.update(_by_code(CodeScheme(code.list_name), code.code.strip().upper(), local))
    return found.pop() if len(found) == 1 else None


def _by_code(scheme: CodeScheme, wanted: str, local: Mapping[str, Party]) -> set[str]:
    return {
        party_id
        for party_id, party in local.items()
        if any(c.scheme is scheme and c.value == wanted for c in party.codes)
    }
