"""PINT parties map to exactly one local party, or to none."""

from __future__ import annotations

import pytest

from corridor.domain.party import CodeScheme, IdentifyingCode, Party, Role
from corridor.errors import MalformedInputError
from corridor.interop.dcsa.pint import parse_party, resolve_recipient
from corridor.interop.dcsa.pint.parties import pint_party
from corridor.interop.dcsa.schema import PINT_SPEC_FILE, schema_errors

LEI = "529900CQBANKDEMO0183"


def _party(party_id: str, *codes: IdentifyingCode) -> Party:
    return Party(party_id, party_id.title(), frozenset({Role.BANK}), codes, "CORR")


LOCAL = {
    "bank": _party("bank", IdentifyingCode(CodeScheme.LEI, LEI)),
    "twin": _party("twin"),
}


def _resolve(raw: dict[str, object]) -> str | None:
    return resolve_recipient(parse_party(raw), "CORR", LOCAL)


def test_round_trip_and_schema() -> None:
    raw = pint_party(LOCAL["bank"])
    assert schema_errors(PINT_SPEC_FILE, "RecipientParty", raw) == []
    assert _resolve(raw) == "bank"


def test_by_platform_code_and_by_lei() -> None:
    by_code = {"codeListProvider": "CORR", "partyCode": "twin"}
    by_lei = {"codeListProvider": "GLEIF", "codeListName": "LEI", "partyCode": LEI.lower()}
    base = {"partyName": "X", "eblPlatform": "CORR"}
    assert _resolve(base | {"identifyingCodes": [by_code]}) == "twin"
    assert _resolve(base | {"identifyingCodes": [by_lei]}) == "bank"
    assert _resolve(base | {"identifyingCodes": [by_code, by_lei]}) is None  # two parties
    unknown = {"codeListProvider": "CORR", "partyCode": "nobody"}
    assert _resolve(base | {"identifyingCodes": [unknown]}) is None
    other = {"partyName": "X", "eblPlatform": "WAVE", "identifyingCodes": [by_code]}
    assert _resolve(other) is None


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"partyName": "X", "eblPlatform": "CORR", "identifyingCodes": "no"},
        {"partyName": "X", "eblPlatform": "CORR", "identifyingCodes": [1]},
        {"partyName": "X", "eblPlatform": "CORR", "identifyingCodes": [{"partyCode": "a"}]},
    ],
)
def test_malformed_parties(raw: dict[str, object]) -> None:
    with pytest.raises(MalformedInputError):
        parse_party(raw)


def test_by_dcsa_party_code() -> None:
    local = {"buyer": _party("buyer", IdentifyingCode.parse("DCSA:did:web:buyer.example"))}
    code = {"codeListProvider": "DCSA", "partyCode": "did:web:buyer.example"}
    raw = {"partyName": "X", "eblPlatform": "CORR", "identifyingCodes": [code]}
    assert resolve_recipient(parse_party(raw), "CORR", local) == "buyer"
    code["partyCode"] = "did:web:other.example"
    assert resolve_recipient(parse_party(raw), "CORR", local) is None
