"""The node: the use cases a carrier, a trader or a bank calls, behind one small facade.

``Node.create`` makes a new node (home, keys, database); ``Node.open`` opens an existing one.
Every state change goes through the group-committing ``LogWriter``; reads use their own short
transactions. Time comes from an injected clock so tests can pin it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine

from corridor.crypto.canonical import canonical_bytes, checksum, parse_json
from corridor.crypto.jws import header_of, verify_compact
from corridor.crypto.keys import PrivateKey, PublicKey
from corridor.domain.entry import EntryPayload
from corridor.domain.party import IdentifyingCode, Party, Role
from corridor.domain.title import NOTIFICATIONS, Action, ActionCode, Status
from corridor.domain.transport_document import TransportDocument, parse_transport_document
from corridor.errors import (
    DocumentRuleError,
    InputError,
    NodeError,
    NotControllerError,
    NotFoundError,
    TransitionError,
    VerificationError,
)
from corridor.interop.dcsa.schema import validate_transport_document_schema
from corridor.ledger.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from corridor.ledger.group_commit import DEFAULT_MAX_WAIT_MS, BatchStats, GroupCommitter
from corridor.services import home as node_home
from corridor.services import parties
from corridor.services.entry_codec import payload_of
from corridor.services.issuance import issue_terms_for
from corridor.services.writer import (
    ActionRequest,
    IssueRequest,
    LogWriter,
    NodeRequest,
    Receipt,
    Request,
    SignedRequest,
)
from corridor.storage import platforms as platform_rows
from corridor.storage import repository as repo
from corridor.storage.engine import open_engine, writing
from corridor.storage.migrations import migrate
from corridor.storage.repository import EntryRow, RegisterRow

Clock = Callable[[], datetime]


_log = logging.getLogger("corridor.node")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HistoryItem:
    row: EntryRow
    payload: EntryPayload


def _issue_parties(payload: EntryPayload) -> tuple[str | None, ...]:
    terms = payload.issue_terms
    return () if terms is None else (terms.consignee, terms.endorsee)


_SURRENDERS_ARRIVE = frozenset(
    {ActionCode.SURRENDER_FOR_DELIVERY, ActionCode.SURRENDER_FOR_AMENDMENT, ActionCode.IMPORT}
)


def _check_platform_known(conn: Connection, code: str) -> None:
    found = platform_rows.get_platform(conn, code)
    if found is None or found.removed_at is not None:
        raise InputError(
            f"platform {code!r} is not registered on this node: add it first "
            "(corridor platform add, or POST /api/v1/platforms) so its parties can be reached"
        )


class Node:
    """One running Corridor node."""

    def __init__(
        self,
        home: Path,
        config: node_home.NodeConfig,
        node_key: PrivateKey,
        kek: bytes,
        engine: Engine,
        clock: Clock = utc_now,
    ) -> None:
        self.home = home
        self.config = config
        self.node_key = node_key
        self.engine = engine
        self.clock = clock
        self._kek = kek
        self._keys = parties.CustodialKeys(kek)
        self._resolved: dict[str, str] = {}
        self._platforms: dict[str, str] = {}
        self._platform_party: str | None = None
        # Called with every receipt whose record a party of another platform now possesses
        # (the PINT sender registers itself here; see services.pint_sender).
        self.on_export: Callable[[Receipt], None] | None = None
        # Called with every receipt that leaves a surrender pending with a carrier of this node
        # (the DCSA worker registers the EBL_SUR request here; see services.dcsa_surrender).
        self.on_surrender: Callable[[Receipt], None] | None = None
        # Called with the receipt and the recipient of an ENDORSE, ENDORSE_TO_ORDER or SACC
        # whose recipient is a party of another platform (PINT's notification-only envelope).
        self.on_notify: Callable[[Receipt, str], None] | None = None
        # Called with every receipt once it is durable (e.g. the title events feed); a hook
        # must not raise: the action is already committed.
        self.after_commit: list[Callable[[Receipt], None]] = []
        self.writer = LogWriter(engine, config.platform, self._keys.signing_key)
        self._committer: GroupCommitter[Request, Receipt] = GroupCommitter(
            self.writer.commit_batch,
            max_batch=config.max_batch,
            max_wait_ms=config.max_wait_ms,
        )
        self.note_signer = NoteSigner(
            config.origin, Ed25519PrivateKey.from_private_bytes(node_key.raw_bytes())
        )

    # Lifecycle ------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        home: Path,
        *,
        platform: str = node_home.DEFAULT_PLATFORM,
        database_url: str | None = None,
        max_batch: int = 256,
        max_wait_ms: float = DEFAULT_MAX_WAIT_MS,
        clock: Clock = utc_now,
    ) -> Node:
        config, node_key = node_home.create_home(
            home,
            platform=platform,
            database_url=database_url,
            max_batch=max_batch,
            max_wait_ms=max_wait_ms,
        )
        try:
            engine = open_engine(config.database_url)
        except BaseException:
            node_home.remove_home_files(home)
            raise
        try:
            migrate(engine)
            with writing(engine) as conn:
                existing = repo.get_setting(conn, "node_public_key")
                if existing is not None and existing != node_key.public_key.kid:
                    raise InputError(
                        "that database already belongs to another node; give this node its "
                        "own database (--database-url)"
                    )
                repo.put_setting(conn, "node_public_key", node_key.public_key.kid)
                repo.put_setting(conn, "platform", config.platform)
        except BaseException:
            engine.dispose()
            node_home.remove_home_files(home)
            raise
        return cls(home, config, node_key, node_home.load_master_key(home), engine, clock)

    @classmethod
    def open(cls, home: Path, *, clock: Clock = utc_now) -> Node:
        config = node_home.load_config(home)
        kek = node_home.load_master_key(home)
        node_key = node_home.load_node_key(home, kek)
        engine = open_engine(config.database_url)
        try:
            migrate(engine)
            with engine.connect() as conn:
                owner = repo.get_setting(conn, "node_public_key")
        except BaseException:
            engine.dispose()
            raise
        if owner != node_key.public_key.kid:
            engine.dispose()
            raise NodeError(
                f"the database at {config.database_url!r} belongs to another node (or to none); "
                "check CORRIDOR_DATABASE_URL"
            )
        return cls(home, config, node_key, kek, engine, clock)

    def derive_secret(self, purpose: str) -> bytes:
        """A 32-byte secret for ``purpose``, derived from the node's master key (HMAC-SHA-256)."""
        return hmac.new(self._kek, b"corridor/derive/" + purpose.encode(), hashlib.sha256).digest()

    def writer_stats(self) -> BatchStats:
        return self._committer.stats

    def close(self) -> None:
        self._committer.close()
        self.engine.dispose()

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Parties --------------------------------------------------------------------------------

    def add_party(
        self,
        name: str,
        roles: frozenset[Role],
        codes: Sequence[IdentifyingCode] = (),
        public_key: PublicKey | None = None,
        platform: str | None = None,
    ) -> Party:
        """Register a party of this platform, or (``platform``) one of another, without keys."""
        foreign = platform is not None and platform != self.config.platform
        if foreign and public_key is not None:
            raise InputError("a party of another platform acts there; it has no key here")
        with writing(self.engine) as conn:
            if foreign:
                _check_platform_known(conn, str(platform))
            return parties.register_party(
                conn,
                name=name,
                roles=roles,
                codes=codes,
                platform=platform or self.config.platform,
                kek=self._kek,
                public_key=public_key,
                now=self.clock(),
                with_key=not foreign,
            )

    def _party_id(self, id_or_name: str) -> str:
        """Parties are never removed or renamed, so a resolved id can be remembered."""
        known = self._resolved.get(id_or_name)
        if known is None:
            known = self.party(id_or_name).party_id
            self._resolved[id_or_name] = known
        return known

    def platform_party_id(self) -> str:
        """The node's own party, which signs its IMPORT, EXPORT and RETURN entries."""
        if self._platform_party is None:
            with writing(self.engine) as conn:
                existing = repo.get_setting(conn, "platform_party")
                if existing is None:
                    party = parties.register_party(
                        conn,
                        name=f"{self.config.platform} platform (this Corridor node)",
                        roles=frozenset({Role.PLATFORM}),
                        codes=(),
                        platform=self.config.platform,
                        kek=self._kek,
                        public_key=None,
                        now=self.clock(),
                    )
                    repo.put_setting(conn, "platform_party", party.party_id)
                    existing = party.party_id
            self._platform_party = existing
        return self._platform_party

    def custodial_key(self, conn: Any, party_id: str) -> PrivateKey:
        """The custodial signing key of a party of this node (``CryptoError`` if it has none)."""
        return self._keys.signing_key(conn, party_id)[1]

    def is_local(self, party_id: str) -> bool:
        """True if ``party_id`` is a party of this node's platform (it may act here)."""
        return self._platform_of(party_id) == self.config.platform

    def _platform_of(self, party_id: str) -> str:
        """A party's platform never changes (parties are never removed), so it is remembered."""
        known = self._platforms.get(party_id)
        if known is None:
            known = self.party(party_id).platform
            self._platforms[party_id] = known
        return known

    def party(self, id_or_name: str) -> Party:
        with self.engine.connect() as conn:
            return parties.resolve(conn, id_or_name)

    def parties(self) -> list[Party]:
        with self.engine.connect() as conn:
            return repo.list_parties(conn)

    def party_keys(self, party_id: str) -> list[repo.KeyRow]:
        with self.engine.connect() as conn:
            return repo.keys_of(conn, party_id)

    # Title actions --------------------------------------------------------------------------

    def issue(self, raw_document: Mapping[str, Any], *, carrier: str, to: str) -> Receipt:
        """Issue a DCSA eBL 3.0.3 transport document from ``carrier`` to ``to``."""
        validate_transport_document_schema(raw_document)
        document: TransportDocument = parse_transport_document(raw_document)
        with self.engine.connect() as conn:
            issuer = parties.resolve(conn, carrier)
            recipient = parties.resolve(conn, to)
            if Role.CARRIER not in issuer.roles:
                raise TransitionError(f"{issuer.party_id} is not a carrier and cannot issue eBLs")
            if issuer.name.casefold() != document.issuing_party_name.casefold():
                raise DocumentRuleError(
                    "/documentParties/issuingParty/partyName",
                    f"the document is issued by {document.issuing_party_name!r}, "
                    f"not by {issuer.name!r}; only the issuing carrier may issue it",
                )
            terms = issue_terms_for(conn, document)
        self._check_acts_here(issuer.party_id)
        canonical = canonical_bytes(dict(raw_document))
        request = IssueRequest(
            document_reference=document.transport_document_reference,
            document_checksum=checksum(dict(raw_document)),
            canonical_document=canonical,
            action=Action(ActionCode.ISSUE, issuer.party_id, recipient.party_id),
            terms=terms,
            at=self.clock(),
        )
        return self._announce(self._committer.submit(request))

    def act(
        self,
        reference: str,
        code: ActionCode,
        *,
        actor: str,
        recipient: str | None = None,
        reason_code: str | None = None,
        comments: str | None = None,
    ) -> Receipt:
        """Take one action on an eBL as ``actor`` (signed with the actor's custodial key)."""
        if code is ActionCode.ISSUE:
            raise TransitionError("use issue() to issue a document")
        actor_id = self._party_id(actor)
        self._check_acts_here(actor_id)
        recipient_id = None if recipient is None else self._party_id(recipient)
        request = ActionRequest(
            reference, Action(code, actor_id, recipient_id), self.clock(), reason_code, comments
        )
        receipt = self._announce(self._committer.submit(request))
        if (
            self.on_notify is not None
            and code in NOTIFICATIONS
            and recipient_id is not None
            and not self.is_local(recipient_id)
        ):
            self.on_notify(receipt, recipient_id)
        return receipt

    def write(self, request: NodeRequest) -> Receipt:
        """Commit one of the node's own entries (IMPORT, EXPORT, RETURN)."""
        return self._announce(self._committer.submit(request), exports=False)

    def _check_acts_here(self, party_id: str) -> None:
        platform = self._platform_of(party_id)
        if platform != self.config.platform:
            raise NotControllerError(
                f"{party_id} is a party of platform {platform}; it acts there, not here"
            )

    def _announce(self, receipt: Receipt, *, exports: bool = True) -> Receipt:
        """Hand the receipt to the PINT sender if a party of another platform now holds it, to
        the surrender hook if a carrier of this node now has a surrender to answer, and then to
        each ``after_commit`` hook, whose failure is logged: the action is already durable."""
        local = self.is_local(receipt.record.possessor)
        if exports and self.on_export is not None and not local:
            self.on_export(receipt)
        if (
            self.on_surrender is not None
            and local
            and receipt.record.status is Status.SURRENDER_PENDING
            and receipt.action_code in _SURRENDERS_ARRIVE
        ):
            self.on_surrender(receipt)
        for hook in self.after_commit:
            try:
                hook(receipt)
            except Exception:  # a follower of the log must never fail the action
                _log.exception("after-commit hook failed for entry %s", receipt.entry_hash)
        return receipt

    def submit_signed(self, jws: str) -> Receipt:
        """Accept an entry signed by a self-custodied key, exactly as signed."""
        header = header_of(jws)
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise VerificationError("jws-format", "the entry's JWS header has no 'kid'")
        with self.engine.connect() as conn:
            key = repo.get_key(conn, kid)
        if key is None:
            raise NotFoundError(f"no key with kid {kid} is registered on this node")
        _, body = verify_compact(jws, PublicKey(key.public_key))
        payload = EntryPayload.from_json(parse_json(body))
        if payload.actor != key.party_id:
            raise VerificationError(
                "entry-signer", f"the entry names {payload.actor} but is signed by {key.party_id}"
            )
        self._check_acts_here(payload.actor)
        for named in (payload.recipient, *_issue_parties(payload)):
            if named is not None:
                self._party_id(named)  # UnknownPartyError if not registered here
        if payload.platform != self.config.platform:
            raise InputError(
                f"the entry is for platform {payload.platform}, this node is {self.config.platform}"
            )
        return self._announce(self._committer.submit(SignedRequest(jws, kid, payload)))

    # Reading --------------------------------------------------------------------------------

    def record(self, reference: str) -> RegisterRow:
        with self.engine.connect() as conn:
            row = repo.get_title(conn, reference)
        if row is None:
            raise NotFoundError(f"no eBL with reference {reference} on this node")
        return row

    def records(self, party_id: str | None = None) -> list[RegisterRow]:
        with self.engine.connect() as conn:
            return repo.list_titles(conn, party_id=party_id)

    def document(self, reference: str) -> bytes:
        with self.engine.connect() as conn:
            raw = repo.get_document(conn, reference)
        if raw is None:
            raise NotFoundError(f"no eBL with reference {reference} on this node")
        return raw

    def history(self, reference: str) -> list[HistoryItem]:
        self.record(reference)
        with self.engine.connect() as conn:
            rows = repo.entries_of(conn, reference)
        return [HistoryItem(row, payload_of(row.jws)) for row in rows]

    # The log --------------------------------------------------------------------------------

    def checkpoint(self) -> tuple[Checkpoint, str]:
        """Sign the current log head as a C2SP checkpoint and keep it."""
        with writing(self.engine) as conn:
            size, root = repo.read_log_head(conn)
            checkpoint = Checkpoint(self.config.origin, size, root)
            note = sign_checkpoint(checkpoint, self.note_signer)
            repo.save_checkpoint(conn, size, note, self.clock())
        return checkpoint, note

    def verifier_key(self) -> str:
        return self.note_signer.verifier_key()
