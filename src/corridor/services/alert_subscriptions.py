"""Subscriptions to overdue journey alerts, and the signed callbacks that deliver them.

Corridor's own API (``/api/v1/alert-subscriptions``): DCSA Track & Trace has no alert type, so
alerts are not pushed into TNT event callbacks; everything else works as TNT 2.2 subscriptions
do (``services.event_subscriptions``, ``TNT_v2.2.0.yaml`` ``subscriptionBodyWithSecret``) and
shares their code:

* A body is ``{"callbackUrl", "secret", "transportDocumentReference"?}``. ``callbackUrl`` must
  be an absolute ``http(s)://`` URL and ``secret`` base64 of 16 to 1024 bytes, as in TNT; any
  other member is refused, naming it. The secret is sealed (AES-256-GCM, ``SecretSeal``, under
  its own derived key) and never returned.
* Who may follow what: a party subscribes to the alerts of one document it may see (the
  register's visibility rule, ``storage.queries.may_see``; a document it may not see answers as
  a missing one, 404) or, without a reference, of every document it may see; the node operator
  may follow any document or all. A party sees and deletes only its own subscriptions.
* Callbacks: ``services.alert_watch`` queues one per (subscription, alert id); ``deliver_due``
  POSTs it with ``CallbackSender`` (the TNT policy: ``Notification-Signature: sha256=<hex
  HMAC-SHA256 of the body keyed with the secret's bytes>``, 2xx delivers, 408/425/429/5xx and
  network errors retry with backoff up to ``MAX_ATTEMPTS``, another 4xx is final) and the
  header ``Subscription-ID``. The body is described in ``services.alert_watch``.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

import httpx
import orjson
from sqlalchemy import Connection

from corridor.domain.tnt_event import EventRuleError
from corridor.errors import NotFoundError
from corridor.services.access import Principal
from corridor.services.event_subscriptions import (
    CallbackSender,
    SecretSeal,
    check_callback,
    decode_secret,
)
from corridor.services.node import Node
from corridor.storage import event_subscriptions as rows
from corridor.storage import queries
from corridor.storage.alert_subscriptions import ALERTS, delivery_counts
from corridor.storage.engine import writing
from corridor.storage.repository import get_title

__all__ = ["FIELDS", "AlertSubscriptions"]

FIELDS = ("callbackUrl", "secret", "transportDocumentReference")
REFERENCE = "transportDocumentReference"
_SEAL_PURPOSE = "alerts/subscription-secrets"
_REFERENCE_SHAPE = re.compile(r"\S(?:.*\S)?", re.DOTALL)  # DCSA: 1-20 characters
_REFERENCE_MAX = 20


def _optional(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise EventRuleError(name, "must be a string")
    return value


def _required(body: Mapping[str, Any], name: str) -> str:
    value = _optional(body, name)
    if value is None:
        raise EventRuleError(name, "is required")
    return value


def _checked(body: object) -> tuple[str, str, str | None]:
    """``(callbackUrl, secret, reference)`` of a creation body, or refuse it naming the field."""
    if not isinstance(body, Mapping):
        raise EventRuleError("", "the body must be a JSON object")
    unknown = sorted(str(name) for name in body if name not in FIELDS)
    if unknown:
        raise EventRuleError(
            unknown[0], f"is not a member of an alert subscription ({', '.join(FIELDS)})"
        )
    url = _required(body, "callbackUrl")
    secret = _required(body, "secret")
    reference = _optional(body, REFERENCE)
    if len(url) > 2000:
        raise EventRuleError("callbackUrl", "is longer than 2000 characters")
    check_callback(url)
    if reference is not None and (
        len(reference) > _REFERENCE_MAX or _REFERENCE_SHAPE.fullmatch(reference) is None
    ):
        raise EventRuleError(REFERENCE, "must be 1-20 characters without outer spaces (DCSA)")
    return url, secret, reference


def _view(row: rows.SubscriptionRow) -> dict[str, Any]:
    """A subscription as the API shows it (never its secret)."""
    filters: dict[str, Any] = orjson.loads(row.filters)
    return {
        "subscriptionID": row.subscription_id,
        "callbackUrl": row.callback_url,
        REFERENCE: filters.get(REFERENCE),
        "createdDateTime": row.created_at.isoformat().replace("+00:00", "Z"),
    }


def _headers(subscription: rows.SubscriptionRow) -> dict[str, str]:
    return {"Subscription-ID": subscription.subscription_id}


class AlertSubscriptions:
    """The node's alert subscriptions and their callback outbox. ``http`` may be given (tests)."""

    def __init__(self, node: Node, http: httpx.Client | None = None) -> None:
        self.node = node
        self._secrets = SecretSeal(node, _SEAL_PURPOSE)
        self._sender = CallbackSender(
            node, ALERTS, self._secrets.open, _headers, http=http, label="alert callback"
        )

    def create(self, caller: Principal, body: object) -> dict[str, Any]:
        """Subscribe ``caller``; returns the subscription (see the module docstring)."""
        url, encoded, reference = _checked(body)
        secret = decode_secret(encoded)
        subscription_id = str(uuid.uuid4())
        now = self.node.clock()
        row = rows.SubscriptionRow(
            subscription_id=subscription_id,
            owner=caller.key,
            callback_url=url,
            sealed_secret=self._secrets.seal(subscription_id, secret),
            filters=orjson.dumps({} if reference is None else {REFERENCE: reference}).decode(),
            created_at=now,
            updated_at=now,
        )
        with writing(self.node.engine) as conn:
            if reference is not None:
                _require_visible(conn, caller, reference)
            rows.insert_subscription(conn, row, tables=ALERTS)
        return _view(row)

    def find(self, caller: Principal) -> list[dict[str, Any]]:
        """The caller's subscriptions (the operator: everyone's), in id order."""
        owner = None if caller.is_operator else caller.key
        with self.node.engine.connect() as conn:
            found = rows.list_subscriptions(conn, owner, tables=ALERTS)
        return [_view(row) for row in found]

    def get(self, caller: Principal, subscription_id: str) -> dict[str, Any]:
        return _view(self._visible(caller, subscription_id))

    def delete(self, caller: Principal, subscription_id: str) -> None:
        """End the subscription; its callbacks still pending are cancelled."""
        self._visible(caller, subscription_id)
        with writing(self.node.engine) as conn:
            rows.delete_subscription(conn, subscription_id, tables=ALERTS)

    def secret_of(self, subscription_id: str) -> bytes:
        """The shared secret's bytes (for tests acting as the subscriber)."""
        with self.node.engine.connect() as conn:
            row = rows.get_subscription(conn, subscription_id, tables=ALERTS)
        if row is None:
            raise NotFoundError(f"no alert subscription {subscription_id} here")
        return self._secrets.open(row)

    def _visible(self, caller: Principal, subscription_id: str) -> rows.SubscriptionRow:
        with self.node.engine.connect() as conn:
            row = rows.get_subscription(conn, subscription_id, tables=ALERTS)
        if row is None or (not caller.is_operator and row.owner != caller.key):
            raise NotFoundError(f"no alert subscription {subscription_id} here")
        return row

    # Delivery -----------------------------------------------------------------------------

    def deliveries(self, subscription_id: str) -> list[rows.DeliveryRow]:
        return self._sender.deliveries(subscription_id)

    def deliver_due(self, limit: int = 50) -> int:
        """Attempt every due alert callback (at most ``limit``); returns how many."""
        return self._sender.deliver_due(limit)

    def delivery_counts(self, alert_ids: Collection[str]) -> dict[str, Counter[str]]:
        """For each alert: how many of its callbacks are PENDING, DELIVERED, FAILED, ..."""
        with self.node.engine.connect() as conn:
            return delivery_counts(conn, alert_ids)

    def close(self) -> None:
        self._sender.close()


def _require_visible(conn: Connection, caller: Principal, reference: str) -> None:
    party = caller.party_id
    visible = party is None or queries.may_see(conn, party, reference)
    if not visible or get_title(conn, reference) is None:
        raise NotFoundError(f"no eBL with reference {reference} on this node")
