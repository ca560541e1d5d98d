"""Whose events a reporting party may push: its own, named as their originating party.

TNT 3.0.0 (``Event.eventID``) identifies an event "by a composite key including the partyCode,
codeListProvider and codeListName of all ``eventRouting.originatingParties`` (if present) and the
eventID"; ``originatingParties`` are "the party (or parties) with which the event (data)
originated". The spec leaves authentication out of scope, so on its own the key would let any
reporter store, update or retract events under another producer's originating party. A Corridor
node binds every event a party pushes (``POST /events``) to that party (``ReporterBinding``):

- an event that names no originating party (no ``eventRouting``, or no or an empty
  ``originatingParties``) is recorded as the reporter's: the node adds the party's own code,
  ``{"codeListProvider": <its platform code>, "partyCode": <its party id>}`` (the code that names
  a party of this node in PINT too), so its key is the reporter's and no one else's;
- an event that names originating parties is taken only if each of them names the reporter, by
  a code that names a party of this node (``pint.parties.resolve_recipient``: its platform code
  and party id, ``GLEIF``/``LEI``, ``DCSA``, ``ZZZ`` with ``codeListName`` ``USCC`` or ``UEN``)
  or by its SMDG carrier code (``codeListProvider: SMDG``, ``codeListName`` absent or ``LCL``,
  the Liner Code List, as DCSA's 3.0 examples write it); any other is refused, naming it
  (``eventRouting.originatingParties[1]``). The code dialect's ``eventRouting.originatingParty``
  (which ``dialect.normalise`` turns into ``originatingParties``) is checked as sent, and refused
  under its own name.

An event with several producers, or one forwarded on another's behalf, is loaded by the node
operator (``corridor events import``, or ``POST /events`` with the operator's token), who may
load any producer's events. This module is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor.domain.party import CodeScheme, Party
from corridor.domain.tnt_event import EventRuleError
from corridor.interop.dcsa.pint.parties import PintCode, PintParty, resolve_recipient
from corridor.interop.dcsa.tnt.dialect import normalise

__all__ = ["ReporterBinding"]

SMDG = "SMDG"
SMDG_LISTS = (None, "LCL")
_ROUTING = "eventRouting"
_PARTIES = "originatingParties"
_DIALECT_PARTY = "originatingParty"


class ReporterBinding:
    """Binds pushed events to the reporting ``party`` (module docstring)."""

    def __init__(self, party: Party) -> None:
        self.party = party
        self.own_code = {"codeListProvider": party.platform, "partyCode": party.party_id}
        self._local = {party.party_id: party}
        self._named: dict[tuple[str, str | None, str], bool] = {}

    def bind(self, raw: object) -> object:
        """``raw`` as the reporter's event, or ``EventRuleError`` naming the foreign party.

        What is not an event object is returned as it is: the event gate refuses it.
        """
        if not isinstance(raw, Mapping):
            return raw
        sent = raw.get(_ROUTING)
        if (
            isinstance(sent, Mapping)
            and _DIALECT_PARTY in sent
            and not self.names(sent[_DIALECT_PARTY])
        ):
            raise EventRuleError(f"{_ROUTING}.{_DIALECT_PARTY}", self._refusal())
        event = normalise(raw)
        routing = event.get(_ROUTING)
        if routing is None:
            return {**event, _ROUTING: {_PARTIES: [dict(self.own_code)]}}
        if not isinstance(routing, Mapping):
            raise EventRuleError(_ROUTING, "must be an EventRouting object")
        parties = routing.get(_PARTIES)
        if parties is None or parties == []:
            return {**event, _ROUTING: {**routing, _PARTIES: [dict(self.own_code)]}}
        if not isinstance(parties, list):
            raise EventRuleError(f"{_ROUTING}.{_PARTIES}", "must be an array of Party objects")
        for index, named in enumerate(parties):
            if not self.names(named):
                raise EventRuleError(f"{_ROUTING}.{_PARTIES}[{index}]", self._refusal())
        return event

    def names(self, item: Any) -> bool:
        """Whether the TNT ``Party`` object ``item`` names the reporter."""
        if not isinstance(item, Mapping):
            return False
        provider, list_name, code = (
            item.get("codeListProvider"),
            item.get("codeListName"),
            item.get("partyCode"),
        )
        if not isinstance(provider, str) or not isinstance(code, str):
            return False
        if list_name is not None and not isinstance(list_name, str):
            return False
        key = (provider, list_name, code)
        found = self._named.get(key)
        if found is None:
            found = self._named[key] = self._resolves(provider, list_name, code)
        return found

    def _resolves(self, provider: str, list_name: str | None, code: str) -> bool:
        party = self.party
        if provider == SMDG and list_name in SMDG_LISTS:
            smdg = party.code(CodeScheme.SMDG)
            return smdg is not None and smdg.value == code.strip().upper()
        named = PintParty(party.name, party.platform, (PintCode(provider, code, list_name),))
        return resolve_recipient(named, party.platform, self._local) == party.party_id

    def _refusal(self) -> str:
        own = self.own_code
        return (
            f"names a party other than you ({self.party.name}): a reporter sends only the events "
            "that originated with it. Name yourself, e.g. "
            f'{{"codeListProvider": "{own["codeListProvider"]}", '
            f'"partyCode": "{own["partyCode"]}"}}, or leave originatingParties out and this node '
            "records you; events of other producers are loaded by the node operator"
        )
