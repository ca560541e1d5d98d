"""The node's tables, in SQLAlchemy Core, identical on SQLite and PostgreSQL.

``entries`` is the log: one row per leaf, ``leaf_index`` dense from 0, holding the compact JWS
exactly as signed. ``title_records`` is the register derived from it (invariant 5: replaying
``entries`` reproduces it). ``log_head`` is a single row that every writing transaction locks
first, which serialises appends across processes; the unique ``(document_reference, sequence)``
constraint is a second, independent guard against two winners on one document (invariant 6).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

node_settings = Table(
    "node_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

parties = Table(
    "parties",
    metadata,
    Column("party_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("roles", Text, nullable=False),
    Column("platform", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

party_codes = Table(
    "party_codes",
    metadata,
    Column("party_id", String(64), ForeignKey("parties.party_id"), nullable=False),
    Column("scheme", String(16), nullable=False),
    Column("value", String(100), nullable=False),
    UniqueConstraint("scheme", "value", name="uq_party_codes_scheme_value"),
)

party_keys = Table(
    "party_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.party_id"), nullable=False, index=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("custody", String(16), nullable=False),
    Column("encrypted_private_key", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("reference", String(64), primary_key=True),
    Column("checksum", String(64), nullable=False, unique=True),
    Column("canonical_json", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

title_records = Table(
    "title_records",
    metadata,
    Column("reference", String(64), ForeignKey("documents.reference"), primary_key=True),
    Column("carrier", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(32), nullable=False, index=True),
    Column("possessor", String(64), nullable=False, index=True),
    Column("consignee", String(64), nullable=True),
    Column("endorsee", String(64), nullable=True),
    Column("may_endorse", Boolean, nullable=False),
    Column("pending_surrenderer", String(64), nullable=True),
    Column("pending_code", String(32), nullable=True),
    Column("version", Integer, nullable=False),
    Column("last_entry_hash", String(64), nullable=False),
)

entries = Table(
    "entries",
    metadata,
    Column("leaf_index", BigInteger, primary_key=True, autoincrement=False),
    Column("document_reference", String(64), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("action_code", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("recipient", String(64), nullable=True),
    Column("kid", String(64), nullable=False),
    Column("jws", Text, nullable=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("document_reference", "sequence", name="uq_entries_document_sequence"),
)

log_head = Table(
    "log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("root_hash", LargeBinary(32), nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Access (migration 2): API tokens, web sessions and idempotency keys. Secrets are never stored,
# only their SHA-256; a token's id is public and lets the node find its row.

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("party_id", String(64), ForeignKey("parties.party_id"), nullable=True, index=True),
    Column("kind", String(16), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.party_id"), nullable=False),
    Column("token_id", String(32), ForeignKey("api_tokens.token_id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

ACCESS_TABLES = (api_tokens, web_sessions, idempotency_keys)

# Platforms (migration 3): other eBL platforms this node talks to over DCSA PINT 3.0, and the
# public keys (PEM, certificate or SubjectPublicKeyInfo) their signatures are checked with.
# A removed platform keeps its rows (``removed_at``) so past envelopes stay explainable.

platforms = Table(
    "platforms",
    metadata,
    Column("code", String(4), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("base_url", String(500), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True), nullable=True),
)

platform_keys = Table(
    "platform_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("platform_code", String(4), ForeignKey("platforms.code"), nullable=False, index=True),
    Column("pem", Text, nullable=False),
    Column("key_type", String(16), nullable=False),
    Column("not_after", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

PLATFORM_TABLES = (platforms, platform_keys)
