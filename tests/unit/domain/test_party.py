"""Parties, roles and identifying codes (USCC, UEN, LEI, BIC, DCSA, SMDG).

The DEMO_* constants are fictitious but valid codes for the Chongqing - Singapore demo. Each check
character was computed with python-stdnum's own functions (see ``test_demo_codes_are_computed``):
Chongqing codes use region 500000 (municipality) or 500112 (Yubei district).
"""

from __future__ import annotations

import pytest
from stdnum.cn import uscc
from stdnum.iso7064 import mod_97_10
from stdnum.sg import uen

from corridor.domain.party import (
    CodeScheme,
    IdentifyingCode,
    Party,
    Role,
    parse_roles,
    validate_code,
)
from corridor.errors import InputError, PartyCodeError

DEMO_CQ_EXPORTER_USCC = "91500112MACQEXP01M"  # Chongqing (Yubei) exporter
DEMO_CQ_CARRIER_USCC = "91500000MACQCAR01N"  # Chongqing multimodal operator (carrier)
DEMO_CQ_BANK_USCC = "91500000MACQBNK01K"  # Chongqing bank
DEMO_CQ_BANK_LEI = "529900CQBANKDEMO0183"
DEMO_SG_BANK_UEN = "199901234D"  # local company format YYYYNNNNNX
DEMO_SG_BANK_LEI = "529900SGBANKDEMO0125"
DEMO_SG_IMPORTER_UEN = "201912345R"

DEMO_CODES = {
    DEMO_CQ_EXPORTER_USCC: CodeScheme.USCC,
    DEMO_CQ_CARRIER_USCC: CodeScheme.USCC,
    DEMO_CQ_BANK_USCC: CodeScheme.USCC,
    DEMO_CQ_BANK_LEI: CodeScheme.LEI,
    DEMO_SG_BANK_UEN: CodeScheme.UEN,
    DEMO_SG_BANK_LEI: CodeScheme.LEI,
    DEMO_SG_IMPORTER_UEN: CodeScheme.UEN,
}


def test_demo_codes_are_computed() -> None:
    for body in ("91500112MACQEXP01", "91500000MACQCAR01", "91500000MACQBNK01"):
        assert body + uscc.calc_check_digit(body) in DEMO_CODES
    for body in ("529900CQBANKDEMO01", "529900SGBANKDEMO01"):
        assert body + mod_97_10.calc_check_digits(body) in DEMO_CODES
    for body in ("199901234", "201912345"):
        assert body + uen.calc_local_company_check_digit(body) in DEMO_CODES


@pytest.mark.parametrize(("code", "scheme"), DEMO_CODES.items())
def test_demo_codes_are_valid(code: str, scheme: CodeScheme) -> None:
    assert validate_code(scheme, code) == code
    assert IdentifyingCode.parse(f"{scheme}:{code}") == IdentifyingCode(scheme, code)


# --- valid codes and normalisation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "given", "normalised"),
    [
        (CodeScheme.USCC, " 91500112-MACQ EXP01m ", DEMO_CQ_EXPORTER_USCC),
        (CodeScheme.UEN, "00192200m", "00192200M"),  # business (ROB) format, stdnum's example
        (CodeScheme.UEN, "s16fc0121d", "S16FC0121D"),  # "other" format, stdnum's example
        (CodeScheme.UEN, " 201912345r", DEMO_SG_IMPORTER_UEN),
        (CodeScheme.LEI, "5299 00CQ-BANKDEMO0183", DEMO_CQ_BANK_LEI),
        (CodeScheme.LEI, "213800kud8lajwsq9d15", "213800KUD8LAJWSQ9D15"),  # stdnum's example
        (CodeScheme.BIC, "abna be 2a", "ABNABE2A"),
        (CodeScheme.BIC, "DBSSSGSGXXX", "DBSSSGSGXXX"),
        (CodeScheme.SMDG, " msc ", "MSC"),
        (CodeScheme.SMDG, "HLC", "HLC"),
        (CodeScheme.DCSA, " did:web:corridor.example ", "did:web:corridor.example"),
        (CodeScheme.DCSA, "x" * 150, "x" * 150),
    ],
)
def test_valid_codes_are_normalised(scheme: CodeScheme, given: str, normalised: str) -> None:
    assert validate_code(scheme, given) == normalised
    assert validate_code(scheme.value.lower(), given) == normalised
    code = IdentifyingCode.parse(f"{scheme.value}:{given}")
    assert code.value == normalised
    assert code.scheme is scheme
    assert str(code) == f"{scheme.value}:{normalised}"


def test_parse_keeps_colons_in_the_value() -> None:
    code = IdentifyingCode.parse("DCSA:did:key:z6Mk")
    assert code == IdentifyingCode(CodeScheme.DCSA, "did:key:z6Mk")


# --- invalid codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value", "message"),
    [
        (CodeScheme.USCC, "91500000MA5U7XXX0", "USCC 91500000MA5U7XXX0: must be 18 characters"),
        (
            CodeScheme.USCC,
            "91500112MACQEXP01A",
            "USCC 91500112MACQEXP01A: check character is wrong",
        ),
        (CodeScheme.USCC, "9150011XMACQEXP01M", "must be 8 digits"),
        (CodeScheme.USCC, "91500112MACQEXPO1M", "other than I, O, S, V, Z"),
        (CodeScheme.UEN, "20191234", "UEN 20191234: must be 9 or 10 characters"),
        (CodeScheme.UEN, "201912345A", "UEN 201912345A: check letter is wrong"),
        (CodeScheme.UEN, "00192200A", "check letter is wrong"),
        (CodeScheme.UEN, "999912345X", "impossible year"),
        (CodeScheme.UEN, "Q16FC0121D", "impossible year or entity type"),
        (
            CodeScheme.LEI,
            "529900CQBANKDEMO0184",
            "LEI 529900CQBANKDEMO0184: check digits are wrong",
        ),
        (CodeScheme.LEI, "529900CQBANKDEMO01", "must be 20 characters"),
        (CodeScheme.LEI, "5299", "must be 20 characters"),
        (CodeScheme.LEI, "529900CQBANKDEMO01AB", "then 2 check digits"),
        (CodeScheme.LEI, "529900CQBANK_EMO0183", "18 letters or digits"),
        (CodeScheme.BIC, "DBSSSGS", "must be 8 or 11 characters"),
        (CodeScheme.BIC, "DBSSQQSG", "unknown country code"),
        (CodeScheme.BIC, "1BSSSGSG", "must be 4 letters"),
        (CodeScheme.SMDG, "MAERSK", "1 to 4 letters or digits"),
        (CodeScheme.SMDG, "M C", "1 to 4 letters or digits"),
        (CodeScheme.DCSA, "x" * 151, "at most 150"),
        (CodeScheme.DCSA, "abc\x00", "control characters"),
        (CodeScheme.USCC, "   ", "USCC code is empty"),
    ],
)
def test_invalid_codes_say_why(scheme: CodeScheme, value: str, message: str) -> None:
    with pytest.raises(PartyCodeError, match=message.replace("(", r"\(")):
        validate_code(scheme, value)
    with pytest.raises(PartyCodeError):
        IdentifyingCode.parse(f"{scheme}:{value}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("91500112MACQEXP01M", "must be written SCHEME:VALUE"),
        ("DUNS:123456789", "unknown code scheme 'DUNS'; use one of USCC, UEN, LEI"),
        (":abc", "unknown code scheme"),
    ],
)
def test_parse_needs_a_known_scheme(text: str, message: str) -> None:
    with pytest.raises(PartyCodeError, match=message):
        IdentifyingCode.parse(text)


def test_party_code_error_is_an_input_error() -> None:
    assert issubclass(PartyCodeError, InputError)


# --- roles and parties ------------------------------------------------------------------------


def test_parse_roles() -> None:
    assert parse_roles("shipper") == frozenset({Role.SHIPPER})
    assert parse_roles(" Shipper, TRADER ,shipper,") == frozenset({Role.SHIPPER, Role.TRADER})
    everyone = frozenset(Role) - {Role.PLATFORM}
    assert parse_roles(",".join(r.value for r in everyone)) == everyone


def test_the_platform_role_is_the_nodes_own() -> None:
    with pytest.raises(InputError, match="unknown role 'platform'"):
        parse_roles("platform")


@pytest.mark.parametrize("text", ["", " , ", "shipper,forwarder", "banker"])
def test_parse_roles_refuses_and_names_the_allowed(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_roles(text)
    message = str(caught.value)
    assert "carrier, shipper, consignee, bank, terminal, customs, notify, trader" in message


def test_unknown_role_is_named() -> None:
    with pytest.raises(InputError, match="unknown role 'forwarder'"):
        parse_roles("shipper, forwarder")


def test_party() -> None:
    bank = Party(
        party_id="cq-bank",
        name="Chongqing Demo Bank",
        roles=parse_roles("bank"),
        codes=(
            IdentifyingCode.parse(f"USCC:{DEMO_CQ_BANK_USCC}"),
            IdentifyingCode.parse(f"LEI:{DEMO_CQ_BANK_LEI}"),
        ),
        platform="CRDR-CQ",
    )
    assert bank.has_role(Role.BANK)
    assert not bank.has_role(Role.CARRIER)
    assert bank.code(CodeScheme.LEI) == IdentifyingCode(CodeScheme.LEI, DEMO_CQ_BANK_LEI)
    assert bank.code(CodeScheme.UEN) is None
    assert hash(bank) == hash(bank)


@pytest.mark.parametrize(
    ("field", "value"),
    [("party_id", " "), ("name", ""), ("platform", ""), ("roles", frozenset())],
)
def test_party_refuses_empty_fields(field: str, value: object) -> None:
    fields: dict[str, object] = {
        "party_id": "sg-importer",
        "name": "Singapore Demo Importer",
        "roles": frozenset({Role.CONSIGNEE}),
        "codes": (IdentifyingCode(CodeScheme.UEN, DEMO_SG_IMPORTER_UEN),),
        "platform": "CRDR-SG",
    }
    fields[field] = value
    with pytest.raises(InputError):
        Party(**fields)  # type: ignore[arg-type]
