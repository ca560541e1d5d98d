"""Request and response bodies of the HTTP API, in DCSA's camelCase.

Requests refuse unknown fields, so a typo is an error rather than a silently ignored option.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from corridor.crypto.keys import PublicKey
from corridor.domain.party import Party, Role
from corridor.domain.title import ActionCode, BillKind, Status, TitleRecord
from corridor.services.access import Principal
from corridor.storage.access import TokenRow
from corridor.storage.repository import KeyRow, RegisterRow

NAME = Field(min_length=1, max_length=200)
PARTY_REF = Field(min_length=1, max_length=200, description="A party id or its exact name.")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def control_character_at(value: Any, pointer: str = "") -> str | None:
    """The JSON pointer of the first string (or key) holding a control character, if any."""
    if isinstance(value, str):
        return pointer or "/" if CONTROL_CHARACTERS.search(value) else None
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if CONTROL_CHARACTERS.search(str(key)):
                return f"{pointer}/{key!r}"
            items.append((f"{pointer}/{key}", item))
    elif isinstance(value, list):
        items = [(f"{pointer}/{i}", item) for i, item in enumerate(value)]
    return next((p for path, item in items if (p := control_character_at(item, path))), None)


class Strict(BaseModel):
    """A request body: unknown fields and control characters (NUL, ...) are refused."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _no_control_characters(self) -> Strict:
        where = control_character_at(self.model_dump(mode="json"))
        if where is not None:
            raise ValueError(f"#{where}: control characters (e.g. NUL) are not allowed")
        return self


# Requests ---------------------------------------------------------------------------------------


class PartyIn(Strict):
    name: str = NAME
    roles: list[Role] = Field(min_length=1, max_length=8)
    codes: list[str] = Field(
        default_factory=list, max_length=8, description="Identifying codes as SCHEME:VALUE."
    )
    publicKeyJwk: dict[str, Any] | None = Field(
        default=None, description="An Ed25519 OKP JWK for a self-custodied key."
    )
    platform: str | None = Field(
        default=None,
        max_length=16,
        description="Code of the registered eBL platform the party is on, when it is not this "
        "node: such a party has no key here, and what is sent to it leaves over PINT.",
    )


class IssueIn(Strict):
    transportDocument: dict[str, Any] = Field(description="A DCSA eBL 3.0.3 TransportDocument.")
    issueTo: str = PARTY_REF


class ActionIn(Strict):
    actionCode: Literal[
        "TRANSFER",
        "ENDORSE",
        "ENDORSE_TO_ORDER",
        "BLANK_ENDORSE",
        "SIGN",
        "SURRENDER_FOR_DELIVERY",
        "SURRENDER_FOR_AMENDMENT",
        "SACC",
        "SREJ",
        "VOID",
    ]
    recipient: str | None = Field(default=None, min_length=1, max_length=200)
    reasonCode: str | None = Field(default=None, min_length=1, max_length=4)
    comments: str | None = Field(default=None, max_length=255)


class SignedEntryIn(Strict):
    jws: str = Field(min_length=1, max_length=200_000, description="A compact JWS entry.")


class TokenIn(Strict):
    label: str = Field(default="", max_length=200)


# Responses --------------------------------------------------------------------------------------


class CodeOut(BaseModel):
    scheme: str
    value: str


class KeyOut(BaseModel):
    kid: str
    custody: str
    publicKeyJwk: dict[str, Any]


class PartyOut(BaseModel):
    partyId: str
    name: str
    roles: list[str]
    platform: str
    codes: list[CodeOut]
    keys: list[KeyOut] = Field(default_factory=list)


class TitleOut(BaseModel):
    transportDocumentReference: str
    documentChecksum: str
    carrier: str
    kind: BillKind
    status: Status
    possessor: str
    consignee: str | None
    endorsee: str | None
    mayEndorse: bool
    pendingSurrenderer: str | None
    pendingActionCode: ActionCode | None
    version: int
    lastEntryHash: str


class DocumentOut(BaseModel):
    title: TitleOut
    transportDocument: dict[str, Any]
    availableActions: list[ActionCode] = Field(
        description="What the caller may do now; empty for the operator."
    )


class DocumentPage(BaseModel):
    items: list[TitleOut]
    nextCursor: str | None = Field(description="Pass as ?cursor= for the next page; null at end.")


class ReceiptOut(BaseModel):
    transportDocumentReference: str
    actionCode: ActionCode
    sequence: int
    leafIndex: int
    entryHash: str
    title: TitleOut


class HistoryEntryOut(BaseModel):
    sequence: int
    leafIndex: int
    actionCode: str
    actor: str
    recipient: str | None
    actionDateTime: str
    entryHash: str
    kid: str
    jws: str


class PintTransferOut(BaseModel):
    platform: str = Field(description="Code of the platform the envelope went to.")
    kind: Literal["transfer", "notification"] = Field(
        description="A transfer of possession, or PINT's notification-only envelope (ENDORSE, "
        "ENDORSE_TO_ORDER or SACC to a party on that platform)."
    )
    status: Literal["pending", "delivered", "refused", "disputed"]
    responseCode: str | None = Field(description="The signed PINT answer: RECE, DUPE, BSIG, ...")
    attempts: int
    lastError: str | None
    sentAt: datetime
    updatedAt: datetime
    nextAttemptAt: datetime | None
    summary: str = Field(description="Where the transfer stands, in one sentence.")


class CheckpointOut(BaseModel):
    origin: str
    treeSize: int
    rootHash: str = Field(description="Base64 (standard) SHA-256 root, as in the note.")
    note: str
    verifierKey: str


class InclusionProofOut(BaseModel):
    leafIndex: int
    treeSize: int
    leafHash: str
    auditPath: list[str]
    rootHash: str


class ConsistencyProofOut(BaseModel):
    first: int
    second: int
    firstRootHash: str
    secondRootHash: str
    proof: list[str]


class VerifyOut(BaseModel):
    valid: bool
    check: str | None = Field(default=None, description="The failed check, when invalid.")
    detail: str
    transportDocumentReference: str | None = None
    status: Status | None = None
    entries: int | None = None
    treeSize: int | None = None
    nodeKeyHash: str | None = None


class TokenOut(BaseModel):
    tokenId: str
    partyId: str | None
    kind: str
    label: str
    createdAt: datetime
    expiresAt: datetime | None
    revokedAt: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret token; shown only once.")


class HealthOut(BaseModel):
    status: Literal["ok"]
    platform: str
    treeSize: int
    version: str


class WhoAmIOut(BaseModel):
    operator: bool
    party: PartyOut | None


# Conversions ------------------------------------------------------------------------------------


def party_out(party: Party, keys: list[KeyRow] | None = None) -> PartyOut:
    return PartyOut(
        partyId=party.party_id,
        name=party.name,
        roles=sorted(str(r) for r in party.roles),
        platform=party.platform,
        codes=[CodeOut(scheme=str(c.scheme), value=c.value) for c in party.codes],
        keys=[
            KeyOut(kid=k.kid, custody=k.custody, publicKeyJwk=PublicKey(k.public_key).to_jwk())
            for k in keys or []
        ],
    )


def title_out(row: RegisterRow) -> TitleOut:
    r: TitleRecord = row.record
    return TitleOut(
        transportDocumentReference=r.document_reference,
        documentChecksum=r.document_checksum,
        carrier=r.carrier,
        kind=r.kind,
        status=r.status,
        possessor=r.possessor,
        consignee=r.consignee,
        endorsee=r.endorsee,
        mayEndorse=r.may_endorse,
        pendingSurrenderer=r.pending_surrenderer,
        pendingActionCode=r.pending_code,
        version=r.version,
        lastEntryHash=row.last_entry_hash,
    )


def token_out(row: TokenRow) -> TokenOut:
    return TokenOut(
        tokenId=row.token_id,
        partyId=row.party_id,
        kind=row.kind,
        label=row.label,
        createdAt=row.created_at,
        expiresAt=row.expires_at,
        revokedAt=row.revoked_at,
    )


def whoami_out(caller: Principal) -> WhoAmIOut:
    return WhoAmIOut(
        operator=caller.is_operator,
        party=None if caller.party is None else party_out(caller.party),
    )
