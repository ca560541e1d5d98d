"""DCSA TNT 2.2 event subscriptions: who wants which events, and the signed callbacks they get.

Subscriptions (``/v2/event-subscriptions``, ``TNT_v2.2.0.yaml``):

* A body is checked against TNT 2.2 (``subscriptionBodyWithSecret`` to create, ``subscription``
  to change), its filters translated (``v22_filters``; a bad code is refused naming it), its
  ``callbackUrl`` must be ``http(s)://`` and its ``secret`` base64 of 16 to 1024 bytes. The
  secret is "only valid in POST calls - anywhere else must be omitted": a ``PUT`` with one is
  refused, ``PUT .../secret`` replaces it. The secret is kept sealed (AES-256-GCM under a key
  derived from the node's master key) and never returned.
* A party sees and changes only its own subscriptions; the node operator sees all.
* A subscription is sent only what its owner may read over ``GET`` (``services.event_readers``):
  the operator and the reporting parties every event it matches; any other party only events
  naming a bill it may see. Such a party subscribes, as it reads, to the events of one bill it may
  see: a body without ``transportDocumentReference``, or naming a bill it may not see, is refused
  (400, naming the field), whoever creates or changes the subscription.

Callbacks: when ``EventStore`` writes events, ``enqueue_matches`` runs in the same transaction,
renders each event the 2.2 way (``v22_out.to_v22``; events 2.2 cannot express are not sent) and
queues, per subscription, one callback of up to ``BATCH`` events that match and that its owner
may read: the body is the JSON array, stored as the exact bytes to send. What the owners may see
is looked up once per (owner, bill) and transaction. ``deliver_due`` (the app's background worker)
POSTs each due callback with ``callback_sender.CallbackSender``: signed with
``Notification-Signature``, with ``Subscription-ID`` and ``API-Version: 2.2.0``, retried with
backoff until ``MAX_ATTEMPTS`` (the rules are in that module).

Shared with the overdue-alert subscriptions (``services.alert_subscriptions``): ``SecretSeal``
(the sealing, under a key per purpose), ``check_callback`` and ``decode_secret`` (the body
rules); ``signature``, ``CallbackSender`` and ``MAX_ATTEMPTS`` are ``callback_sender``'s, named
here too for the callers that import them from this module.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx
import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection

from corridor.domain.party import Party
from corridor.domain.tnt_event import EventRuleError
from corridor.domain.tnt_query import EventFilter
from corridor.errors import (
    CryptoError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    UnknownPartyError,
)
from corridor.interop.dcsa.tnt.v22_filters import V22_FILTER_NAMES, filter_from_v22
from corridor.interop.dcsa.tnt.v22_in import v22_schema
from corridor.interop.dcsa.tnt.v22_out import to_v22
from corridor.services.access import OPERATOR
from corridor.services.callback_policy import check_destination
from corridor.services.callback_sender import MAX_ATTEMPTS, CallbackSender, signature
from corridor.services.event_readers import EventReaders, check_reader, reads_every_event
from corridor.services.node import Node
from corridor.storage import event_subscriptions as rows
from corridor.storage import repository as repo
from corridor.storage.engine import writing

if TYPE_CHECKING:
    from corridor.services.events import Accepted

__all__ = [
    "BATCH",
    "MAX_ATTEMPTS",
    "CallbackSender",
    "SecretSeal",
    "Subscriptions",
    "check_callback",
    "decode_secret",
    "signature",
]

API_VERSION = "2.2.0"
BATCH = 100
_SECRET_BYTES = (16, 1024)
_CALLBACK = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_SEAL_PURPOSE = "tnt/subscription-secrets"
_DOCUMENT_FILTER = "transportDocumentReference"


def _filters_of(body: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name in V22_FILTER_NAMES}


def check_callback(url: str) -> None:
    """Refuse a ``callbackUrl`` that is not an absolute ``http(s)://`` URL, or that points into
    the node's own network (``callback_policy``)."""
    if _CALLBACK.fullmatch(url) is None:
        raise EventRuleError("callbackUrl", "must be an absolute http:// or https:// URL")
    try:
        check_destination(url)
    except InputError as refused:
        raise EventRuleError("callbackUrl", refused.message.split(": ", 1)[1]) from None


def decode_secret(text: str) -> bytes:
    """The bytes of a base64 ``secret`` (``format: byte``) of 16 to 1024 bytes, or refuse it."""
    try:
        secret = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise EventRuleError("secret", "must be base64 (format: byte)") from None
    low, high = _SECRET_BYTES
    if not low <= len(secret) <= high:
        raise EventRuleError("secret", f"must decode to {low} to {high} bytes, not {len(secret)}")
    return secret


class SecretSeal:
    """Subscription secrets at rest: AES-256-GCM under a key derived for ``purpose``.

    The stored blob is the 12-byte nonce and the ciphertext; the subscription id is the
    associated data, so a sealed secret cannot be moved to another subscription.
    """

    def __init__(self, node: Node, purpose: str) -> None:
        self.node = node
        self.purpose = purpose

    def _aead(self) -> AESGCM:
        return AESGCM(self.node.derive_secret(self.purpose))

    def seal(self, subscription_id: str, secret: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead().encrypt(nonce, secret, subscription_id.encode())

    def open(self, row: rows.SubscriptionRow) -> bytes:
        blob = row.sealed_secret
        try:
            return self._aead().decrypt(blob[:12], blob[12:], row.subscription_id.encode())
        except InvalidTag:
            raise CryptoError(
                f"the secret of subscription {row.subscription_id} cannot be opened"
            ) from None


class Subscriptions:
    """The node's TNT 2.2 subscriptions and callback outbox. ``http`` may be given (tests)."""

    def __init__(self, node: Node, http: httpx.Client | None = None) -> None:
        self.node = node
        self._filters: dict[tuple[str, str], EventFilter] = {}
        self._parties: dict[str, Party] = {}  # parties are never removed or changed
        self._secrets = SecretSeal(node, _SEAL_PURPOSE)
        self._sender = CallbackSender(node, rows.TNT, self._secrets.open, _tnt_headers, http=http)

    # CRUD ---------------------------------------------------------------------------------

    def create(self, owner: str, body: object) -> dict[str, Any]:
        """Register a ``subscriptionBodyWithSecret`` for ``owner`` (a party id or ``OPERATOR``);
        returns the view (without the secret)."""
        checked = self._checked(body, "subscriptionBodyWithSecret")
        secret = decode_secret(checked["secret"])
        self._check_owner_reads(owner, checked)
        subscription_id = str(uuid.uuid4())
        now = self.node.clock()
        row = rows.SubscriptionRow(
            subscription_id=subscription_id,
            owner=owner,
            callback_url=checked["callbackUrl"],
            sealed_secret=self._secrets.seal(subscription_id, secret),
            filters=orjson.dumps(_filters_of(checked)).decode(),
            created_at=now,
            updated_at=now,
        )
        with writing(self.node.engine) as conn:
            rows.insert_subscription(conn, row)
        return _view(row)

    def get(self, viewer: str | None, subscription_id: str) -> dict[str, Any]:
        return _view(self._visible(viewer, subscription_id))

    def find(
        self, viewer: str | None, *, after: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        with self.node.engine.connect() as conn:
            found = rows.list_subscriptions(conn, viewer, after=after, limit=limit)
        return [_view(row) for row in found]

    def update(self, viewer: str | None, subscription_id: str, body: object) -> dict[str, Any]:
        """Replace callback URL and filters from a ``subscription`` body (no secret)."""
        row = self._visible(viewer, subscription_id)
        checked = self._checked(body, "subscription")
        if "secret" in checked:
            raise EventRuleError("secret", "is only valid when creating; use PUT .../secret")
        given_id = checked.get("subscriptionID")
        if given_id is not None and given_id != subscription_id:
            raise EventRuleError("subscriptionID", "does not match the subscription in the path")
        self._check_owner_reads(row.owner, checked)
        with writing(self.node.engine) as conn:
            rows.update_subscription(
                conn,
                subscription_id,
                callback_url=checked["callbackUrl"],
                filters=orjson.dumps(_filters_of(checked)).decode(),
                updated_at=self.node.clock(),
            )
        return self.get(viewer, subscription_id)

    def delete(self, viewer: str | None, subscription_id: str) -> None:
        self._visible(viewer, subscription_id)
        with writing(self.node.engine) as conn:
            rows.delete_subscription(conn, subscription_id)

    def reset_secret(self, viewer: str | None, subscription_id: str, body: object) -> None:
        self._visible(viewer, subscription_id)
        errors = v22_schema("subscriptionID_secret_body").errors(body)
        if errors:
            raise EventRuleError(*errors[0])
        if not isinstance(body, Mapping) or not isinstance(body.get("secret"), str):
            raise EventRuleError("secret", "is required: the new shared secret, base64")
        sealed = self._secrets.seal(subscription_id, decode_secret(body["secret"]))
        with writing(self.node.engine) as conn:
            rows.update_subscription(
                conn, subscription_id, sealed_secret=sealed, updated_at=self.node.clock()
            )

    def secret_of(self, subscription_id: str) -> bytes:
        """The shared secret's bytes (for the sender, and for tests acting as the subscriber)."""
        return self._secrets.open(self._visible(None, subscription_id))

    def _visible(self, viewer: str | None, subscription_id: str) -> rows.SubscriptionRow:
        with self.node.engine.connect() as conn:
            row = rows.get_subscription(conn, subscription_id)
        if row is None or (viewer is not None and row.owner != viewer):
            raise NotFoundError(f"no event subscription {subscription_id} here")
        return row

    @staticmethod
    def _checked(body: object, schema_name: str) -> Mapping[str, Any]:
        errors = v22_schema(schema_name).errors(body)
        if errors:
            raise EventRuleError(*errors[0])
        assert isinstance(body, Mapping)
        check_callback(body["callbackUrl"])
        filter_from_v22(_filters_of(body))  # refuses unknown codes, naming the field
        return body

    def _check_owner_reads(self, owner: str, checked: Mapping[str, Any]) -> None:
        """Refuse filters that ``owner`` could not ask ``GET /v2/events`` for (module docstring)."""
        reference = checked.get(_DOCUMENT_FILTER)
        with self.node.engine.connect() as conn:
            reader = self._reader(conn, owner)
            try:
                check_reader(conn, reader, reference)
            except PermissionDeniedError:
                raise EventRuleError(
                    _DOCUMENT_FILTER,
                    "is required: a party that does not report events subscribes to the events "
                    "of a bill it may see on this node; name the bill's reference",
                ) from None
            except NotFoundError as refused:
                raise EventRuleError(_DOCUMENT_FILTER, refused.message) from None

    def _reader(self, conn: Connection, owner: str) -> Party | None:
        """The party that owns a subscription (None: the operator); ``UnknownPartyError``."""
        if owner == OPERATOR:
            return None
        party = self._parties.get(owner)
        if party is None:
            party = repo.get_party(conn, owner)
            if party is None:
                raise UnknownPartyError(f"the owner {owner!r} of a subscription is not a party")
            self._parties[owner] = party
        return party

    # Matching -----------------------------------------------------------------------------

    def _filter(self, row: rows.SubscriptionRow) -> EventFilter:
        key = (row.subscription_id, row.updated_at.isoformat())
        found = self._filters.get(key)
        if found is None:
            found = self._filters[key] = filter_from_v22(orjson.loads(row.filters))
        return found

    def enqueue_matches(self, conn: Connection, accepted: Sequence[Accepted]) -> int:
        """Queue callbacks for the events just written in ``conn``; returns how many."""
        if not accepted:
            return 0
        subscriptions = rows.list_subscriptions(conn, None)
        if not subscriptions:
            return 0
        readers = EventReaders(conn)
        rendered: dict[int, dict[str, Any] | None] = {}
        queued: list[tuple[str, str, int]] = []
        for subscription in subscriptions:
            try:
                owner = self._reader(conn, subscription.owner)
            except UnknownPartyError:
                continue  # nobody to read for: nothing is sent
            everything = reads_every_event(owner)
            wanted = self._filter(subscription)
            matching = []
            for index, item in enumerate(accepted):
                if not wanted.matches(item.facts):
                    continue
                if not everything and not readers.may_read(
                    owner, (reference for _, reference in item.facts.documents)
                ):
                    continue
                if index not in rendered:
                    rendered[index] = to_v22(item.event)
                if rendered[index] is not None:
                    matching.append(rendered[index])
            for start in range(0, len(matching), BATCH):
                batch = matching[start : start + BATCH]
                queued.append(
                    (subscription.subscription_id, orjson.dumps(batch).decode(), len(batch))
                )
        rows.insert_deliveries(conn, queued, self.node.clock())
        return len(queued)

    # Delivery -----------------------------------------------------------------------------

    def deliveries(self, subscription_id: str) -> list[rows.DeliveryRow]:
        return self._sender.deliveries(subscription_id)

    def deliver_due(self, limit: int = 50) -> int:
        """Attempt every due callback (at most ``limit``); returns how many were attempted."""
        return self._sender.deliver_due(limit)

    def close(self) -> None:
        self._sender.close()


def _tnt_headers(subscription: rows.SubscriptionRow) -> dict[str, str]:
    return {"Subscription-ID": subscription.subscription_id, "API-Version": API_VERSION}


def _view(row: rows.SubscriptionRow) -> dict[str, Any]:
    """The TNT 2.2 ``subscription`` object: id, callback URL and filters (never the secret)."""
    filters: dict[str, Any] = orjson.loads(row.filters)
    return {"subscriptionID": row.subscription_id, "callbackUrl": row.callback_url, **filters}
