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
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from corridor.storage.callback_columns import (
    delivery_columns,
    delivery_state_columns,
    subscription_columns,
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

# PINT transfers (migration 4): chain entries kept verbatim, envelopes received and sent, the
# supporting documents that came with them (ADR 0007).

pint_chain_entries = Table(
    "pint_chain_entries",
    metadata,
    Column("checksum", String(64), primary_key=True),
    Column("td_checksum", String(64), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("jws", Text, nullable=False),
    Column("platform", String(4), nullable=False),
    Column("local_sequence", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("td_checksum", "position", name="uq_pint_chain_position"),
)

pint_inbound = Table(
    "pint_inbound",
    metadata,
    Column("envelope_reference", String(100), primary_key=True),
    Column("td_checksum", String(64), nullable=False, index=True),
    Column("last_checksum", String(64), nullable=False, index=True),
    Column("envelope", Text, nullable=False),
    Column("missing", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("response", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

pint_documents = Table(
    "pint_documents",
    metadata,
    Column("checksum", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

pint_outbox = Table(
    "pint_outbox",
    metadata,
    Column("outbox_id", String(32), primary_key=True),
    Column("document_reference", String(64), nullable=False, index=True),
    Column("platform", String(4), nullable=False),
    Column("envelope", Text, nullable=False),
    Column("last_checksum", String(64), nullable=False),
    Column("local_sequence", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("response_code", String(4), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

pint_parties = Table(
    "pint_parties",
    metadata,
    Column("party_id", String(64), ForeignKey("parties.party_id"), primary_key=True),
    Column("platform", String(4), nullable=False, index=True),
    Column("pint_json", Text, nullable=False),
)

PINT_TABLES = (pint_chain_entries, pint_inbound, pint_documents, pint_outbox, pint_parties)

# DCSA issuance and surrender (migration 5): EBL_ISS / EBL_SUR 3.0.3 requests this node received
# or sent, both as the platform and as a carrier's system, and the outbox of calls to peers.
# Bodies are kept as the JSON text sent or received, so a retry resends the very same bytes.

dcsa_issuance_received = Table(
    "dcsa_issuance_received",
    metadata,
    Column("transport_document_reference", String(20), primary_key=True),
    Column("carrier_code", String(4), nullable=False),
    Column("request", Text, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("claimed_until", DateTime(timezone=True), nullable=False),
    Column("response_code", String(4), nullable=True),
    Column("response", Text, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=True),
)

dcsa_issuance_sent = Table(
    "dcsa_issuance_sent",
    metadata,
    Column("transport_document_reference", String(20), primary_key=True),
    Column("platform_code", String(4), nullable=False),
    Column("outbox_id", Integer, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("response_code", String(4), nullable=True),
    Column("response", Text, nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
)

dcsa_surrender_sent = Table(
    "dcsa_surrender_sent",
    metadata,
    Column("surrender_request_reference", String(100), primary_key=True),
    Column("transport_document_reference", String(64), nullable=False, index=True),
    Column("surrender_entry_hash", String(64), nullable=False, unique=True),
    Column("request_code", String(4), nullable=False),
    Column("carrier_code", String(4), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("action", String(4), nullable=True),
    Column("answer", Text, nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
)

dcsa_surrender_received = Table(
    "dcsa_surrender_received",
    metadata,
    Column("surrender_request_reference", String(100), primary_key=True),
    Column("transport_document_reference", String(20), nullable=False, index=True),
    Column("platform_code", String(4), nullable=False),
    Column("request", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("action", String(4), nullable=True),
    Column("answer", Text, nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
)

dcsa_outbox = Table(
    "dcsa_outbox",
    metadata,
    Column("outbox_id", Integer, primary_key=True, autoincrement=True),
    Column("platform_code", String(4), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("topic", String(32), nullable=False),
    Column("reference", String(100), nullable=False, index=True),
    *delivery_state_columns(indexed_status=True),
)

ISS_SUR_TABLES = (
    dcsa_issuance_received,
    dcsa_issuance_sent,
    dcsa_surrender_sent,
    dcsa_surrender_received,
    dcsa_outbox,
)

# Tracking events (migration 6, ADR 0008): DCSA Track & Trace events in their TNT 3.0.0 form,
# with the columns the TNT 2.2 and 3.0 filters need. ``seq`` is assigned by the store under its
# write lock (insertion order, the key of cursor pagination). Times are microseconds since the
# Unix epoch, UTC, so they compare as integers on both databases. The spec's event key (eventID,
# originating parties) is held as two 64-bit integers, ``event_key`` and ``origin_key``
# (``storage.events.key_of``), unique together; ``event_id`` is kept to tell apart eventIDs whose
# ``event_key`` coincide. A retracted event keeps its row, columns and documents, with a
# retraction marker as ``event_json``. Columns most events lack are indexed only where set.
# ``document_refs`` lists (JSON) the documents the row is indexed under in
# ``tracking_event_documents``, so a newer version can remove exactly those rows.


_SEQ = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid


def _partial_index(name: str, *columns: str) -> Index:
    """An index of the rows where the first column is set (SQLite and PostgreSQL alike)."""
    condition = text(f"{columns[0]} IS NOT NULL")
    return Index(name, *columns, sqlite_where=condition, postgresql_where=condition)


tracking_events = Table(
    "tracking_events",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=False),
    Column("event_key", BigInteger, nullable=False),
    Column("origin_key", BigInteger, nullable=False),
    Column("event_id", String(500), nullable=False),
    Column("retracted", Boolean, nullable=False),
    Column("event_type", String(16), nullable=True),
    Column("classifier", String(16), nullable=True),
    Column("subtype", String(40), nullable=True),
    Column("event_at_us", BigInteger, nullable=True),
    Column("updated_at_us", BigInteger, nullable=True),
    Column("received_at_us", BigInteger, nullable=False),
    Column("un_location", String(5), nullable=True),
    Column("equipment_reference", String(11), nullable=True),
    Column("transport_call_reference", String(100), nullable=True),
    Column("vessel_imo", String(8), nullable=True),
    Column("voyage", String(100), nullable=True),
    Column("service_code", String(100), nullable=True),
    Column("mode_of_transport", String(16), nullable=True),
    Column("document_type", String(40), nullable=True),
    Column("document_refs", Text, nullable=True),
    Column("content_hash", LargeBinary(32), nullable=False),
    Column("event_json", Text, nullable=False),
    UniqueConstraint("event_key", "origin_key", name="uq_tracking_events_key"),
    Index("ix_tracking_events_updated", "updated_at_us"),
    _partial_index("ix_tracking_events_equipment", "equipment_reference"),
    _partial_index("ix_tracking_events_location", "un_location"),
    _partial_index("ix_tracking_events_call", "transport_call_reference"),
    _partial_index("ix_tracking_events_vessel", "vessel_imo", "voyage"),
)

tracking_event_documents = Table(
    "tracking_event_documents",
    metadata,
    Column("reference", String(100), nullable=False),
    Column("document_type", String(40), nullable=False),
    Column("seq", _SEQ, nullable=False),
    PrimaryKeyConstraint("reference", "document_type", "seq", name="pk_tracking_event_documents"),
    sqlite_with_rowid=False,
)

# TNT 2.2 subscriptions: the filters as the subscriber sent them (TNT 2.2 names, JSON), the
# shared secret sealed with a key derived from the node's master key, and the outbox of
# callbacks. A callback's body is stored as the exact bytes to send and sign. The overdue-alert
# tables (``alert_tables``) share these columns (``callback_columns``).

event_subscriptions = Table("event_subscriptions", metadata, *subscription_columns())

event_deliveries = Table(
    "event_deliveries",
    metadata,
    *delivery_columns(
        Column("body", Text, nullable=False),
        Column("event_count", Integer, nullable=False),
        indexed_subscription=True,
    ),
    Index("ix_event_deliveries_due", "status", "next_attempt_at"),
)

TRACKING_TABLES = (
    tracking_events,
    tracking_event_documents,
    event_subscriptions,
    event_deliveries,
)
