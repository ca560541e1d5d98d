"""Parties: the legal entities that act on an eBL, their roles and their identifying codes.

A ``Party`` lives on one node (``platform``, the node's platform code), plays one or more
``Role`` s and is identified by ``IdentifyingCode`` s written ``SCHEME:VALUE``:

=======  ===============================================================================
USCC     China's Unified Social Credit Code (GB 32100-2015): 18 characters, check character
UEN      Singapore's Unique Entity Number (ACRA): 9 or 10 characters, check letter
LEI      Legal Entity Identifier (ISO 17442): 20 characters, ISO 7064 MOD 97-10 check digits
BIC      ISO 9362 business identifier code (SWIFT): 8 or 11 characters
DCSA     a DCSA eBL 3.0.3 ``IdentifyingCode.partyCode`` with ``codeListProvider`` DCSA:
         1 to 150 characters (the schema's ``maxLength``), no control characters
SMDG     an SMDG liner code, as DCSA eBL 3.0.3 ``carrierCode`` with
         ``carrierCodeListProvider: SMDG``: 1 to 4 letters or digits (``maxLength: 4``)
=======  ===============================================================================

Values are normalised to their compact form (separators and spaces removed, upper case) except
DCSA party codes, which are kept as given (they may be case-sensitive, e.g. DIDs) apart from
surrounding whitespace.

This module is pure: besides the standard library it uses only python-stdnum, a pure validation
library (no I/O). One caveat: stdnum's UEN check refuses a year of issue after the clock's
current year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from stdnum import bic, lei
from stdnum.cn import uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.sg import uen

from corridor.errors import InputError, PartyCodeError

__all__ = [
    "OPERATOR_ID",
    "CodeScheme",
    "IdentifyingCode",
    "Party",
    "Role",
    "parse_roles",
    "validate_code",
]

OPERATOR_ID = "operator"
"""Who the node operator acts as where a party id is expected (owner of a subscription, scope of
an idempotency key); no party is ever given this id."""


class Role(StrEnum):
    """What a party does in the corridor."""

    CARRIER = "carrier"
    SHIPPER = "shipper"
    CONSIGNEE = "consignee"
    BANK = "bank"
    TERMINAL = "terminal"
    CUSTOMS = "customs"
    NOTIFY = "notify"
    TRADER = "trader"
    PLATFORM = "platform"  # the node itself, signing its IMPORT / EXPORT / RETURN entries


class CodeScheme(StrEnum):
    """The code lists Corridor checks."""

    USCC = "USCC"
    UEN = "UEN"
    LEI = "LEI"
    DCSA = "DCSA"
    SMDG = "SMDG"
    BIC = "BIC"


_DCSA_PARTY_CODE_MAX = 150
_SMDG_CODE = re.compile(r"[A-Z0-9]{1,4}")
_LEI_FORMAT = re.compile(r"[A-Z0-9]{18}[0-9]{2}")

# Why a stdnum check failed, per scheme: (length, format, check, component).
_REASONS: dict[CodeScheme, tuple[str, str, str, str]] = {
    CodeScheme.USCC: (
        "must be 18 characters",
        "must be 8 digits then 10 digits or letters other than I, O, S, V, Z",
        "check character is wrong",
        "has an invalid part",
    ),
    CodeScheme.UEN: (
        "must be 9 or 10 characters",
        "does not follow a UEN format (8 digits + letter, 9 digits + letter, or R/S/T form)",
        "check letter is wrong",
        "has an impossible year or entity type",
    ),
    CodeScheme.LEI: (
        "must be 20 characters",
        "must be 18 letters or digits then 2 check digits",
        "check digits are wrong",
        "has an invalid part",
    ),
    CodeScheme.BIC: (
        "must be 8 or 11 characters",
        "must be 4 letters (bank), 2 letters (country), 2 letters/digits (location), "
        "optionally 3 letters/digits (branch)",
        "is not a valid BIC",
        "has an unknown country code",
    ),
}


def validate_code(scheme: CodeScheme | str, value: str) -> str:
    """Check ``value`` under ``scheme``; return its normalised form or raise ``PartyCodeError``."""
    known = _scheme(scheme)
    if not isinstance(value, str) or not value.strip():
        raise PartyCodeError(f"{known} code is empty")
    if known is CodeScheme.DCSA:
        return _validate_dcsa(value)
    if known is CodeScheme.SMDG:
        return _validate_smdg(value)
    return _validate_stdnum(known, value)


def _scheme(scheme: CodeScheme | str) -> CodeScheme:
    try:
        return CodeScheme(scheme.strip().upper() if isinstance(scheme, str) else scheme)
    except ValueError:
        allowed = ", ".join(s.value for s in CodeScheme)
        raise PartyCodeError(f"unknown code scheme {scheme!r}; use one of {allowed}") from None


_STDNUM_VALIDATORS: dict[CodeScheme, Callable[[str], str]] = {
    CodeScheme.USCC: uscc.validate,
    CodeScheme.UEN: uen.validate,
    CodeScheme.LEI: lei.validate,
    CodeScheme.BIC: bic.validate,
}


def _validate_stdnum(scheme: CodeScheme, value: str) -> str:
    shown = value.strip()
    length, form, check, component = _REASONS[scheme]
    if scheme is CodeScheme.LEI:
        _check_lei_shape(shown, lei.compact(value), length, form)
    try:
        normalised = _STDNUM_VALIDATORS[scheme](value)
    except InvalidLength:
        raise PartyCodeError(f"{scheme} {shown}: {length}") from None
    except InvalidFormat:
        raise PartyCodeError(f"{scheme} {shown}: {form}") from None
    except InvalidChecksum:
        raise PartyCodeError(f"{scheme} {shown}: {check}") from None
    except InvalidComponent:
        raise PartyCodeError(f"{scheme} {shown}: {component}") from None
    except ValidationError:
        raise PartyCodeError(f"{scheme} {shown}: not a valid code") from None
    return normalised


def _check_lei_shape(shown: str, normalised: str, length: str, form: str) -> None:
    # stdnum checks only the MOD 97-10 digits; ISO 17442 also fixes the length and shape,
    # and checking them first gives the more useful reason.
    if len(normalised) != 20:
        raise PartyCodeError(f"LEI {shown}: {length}")
    if not _LEI_FORMAT.fullmatch(normalised):
        raise PartyCodeError(f"LEI {shown}: {form}")


def _validate_dcsa(value: str) -> str:
    code = value.strip()
    if len(code) > _DCSA_PARTY_CODE_MAX:
        raise PartyCodeError(
            f"DCSA party code is {len(code)} characters; DCSA eBL 3.0.3 allows at most 150"
        )
    if not code.isprintable():
        raise PartyCodeError(f"DCSA party code {code!r} contains control characters")
    return code


def _validate_smdg(value: str) -> str:
    code = value.strip().upper()
    if not _SMDG_CODE.fullmatch(code):
        raise PartyCodeError(
            f"SMDG {value.strip()}: a carrier code is 1 to 4 letters or digits "
            "(DCSA eBL 3.0.3 carrierCode, e.g. MSC, HLC)"
        )
    return code


@dataclass(frozen=True)
class IdentifyingCode:
    """A checked, normalised ``SCHEME:VALUE`` code."""

    scheme: CodeScheme
    value: str

    def __post_init__(self) -> None:
        scheme = _scheme(self.scheme)
        object.__setattr__(self, "scheme", scheme)
        object.__setattr__(self, "value", validate_code(scheme, self.value))

    @classmethod
    def parse(cls, text: str) -> IdentifyingCode:
        """Parse ``SCHEME:VALUE`` (e.g. ``LEI:529900CQBANKDEMO0183``)."""
        scheme, separator, value = text.partition(":")
        if not separator:
            allowed = ", ".join(s.value for s in CodeScheme)
            raise PartyCodeError(
                f"identifying code {text!r} must be written SCHEME:VALUE, SCHEME one of {allowed}"
            )
        return cls(_scheme(scheme), value)

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


@dataclass(frozen=True)
class Party:
    """A legal entity registered on the node whose platform code is ``platform``."""

    party_id: str
    name: str
    roles: frozenset[Role]
    codes: tuple[IdentifyingCode, ...]
    platform: str

    def __post_init__(self) -> None:
        for field_name in ("party_id", "name", "platform"):
            if not str(getattr(self, field_name)).strip():
                raise InputError(f"a party needs a non-empty {field_name}")
        if not self.roles:
            raise InputError(f"party {self.party_id} needs at least one role")
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "codes", tuple(self.codes))

    def has_role(self, role: Role) -> bool:
        """True if the party plays ``role``."""
        return role in self.roles

    def code(self, scheme: CodeScheme) -> IdentifyingCode | None:
        """The party's first code under ``scheme``, if any."""
        return next((code for code in self.codes if code.scheme is scheme), None)


def parse_roles(text: str) -> frozenset[Role]:
    """Parse comma-separated roles (``"shipper, trader"``); ``InputError`` naming the allowed."""
    names = [part.strip().lower() for part in text.split(",")]
    if not any(names):
        raise InputError(f"no role given; use one or more of {_allowed_roles()}")
    roles: set[Role] = set()
    for name in names:
        if not name:
            continue
        try:
            role = Role(name)
            if role is Role.PLATFORM:
                raise ValueError(name)
            roles.add(role)
        except ValueError:
            raise InputError(
                f"unknown role {name!r}; use one or more of {_allowed_roles()}"
            ) from None
    return frozenset(roles)


def _allowed_roles() -> str:
    return ", ".join(role.value for role in Role if role is not Role.PLATFORM)
