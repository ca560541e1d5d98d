"""Signed callbacks to subscribers, and their delivery: TNT 2.2 events and overdue alerts.

``CallbackSender`` delivers the due rows of one callback outbox (a ``CallbackTables`` pair of
``storage.event_subscriptions``: TNT's, or the overdue alerts'). Each callback is POSTed with the
exact bytes stored and the headers of TNT 2.2 (``TNT_v2.2.0.yaml``)::

    Notification-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the secret's bytes>
    Subscription-ID: <subscriptionID>

plus what the outbox adds (TNT: ``API-Version: 2.2.0``). The key is the secret as decoded from
its base64 (``format: byte``), as DCSA's reference implementation does; the signature is computed
at each attempt, so a reset secret applies to callbacks still pending.

Rules (the lease, backoff and retried answers are ``delivery_policy``'s, as for DCSA calls):

* A row is leased before it is sent, so two workers never send it twice at once.
* A 2xx answer delivers; 408, 425, 429, 5xx and network errors retry after ``backoff`` (2 s
  doubling, at most 1 h) until ``MAX_ATTEMPTS``, then the callback is FAILED; another 4xx is a
  final refusal (FAILED). A callback URL that now points into the node's own network
  (``callback_policy``) is FAILED unsent; one whose subscription was deleted is CANCELLED.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping

import httpx

from corridor.errors import InputError
from corridor.services.callback_policy import check_destination
from corridor.services.delivery_policy import ERROR_TEXT_MAX, LEASE, HttpOutbox, backoff, retryable
from corridor.services.node import Node
from corridor.storage import event_subscriptions as rows
from corridor.storage.engine import writing

__all__ = ["MAX_ATTEMPTS", "CallbackSender", "signature"]

log = logging.getLogger("corridor.tnt")

MAX_ATTEMPTS = 20


def signature(secret: bytes, body: bytes) -> str:
    """The ``Notification-Signature`` value for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class CallbackSender(HttpOutbox):
    """Delivers the due callbacks of one outbox (``tables``) with the policy of the module doc.

    ``secret_of`` opens a subscription's shared secret (the HMAC key); ``headers`` gives the
    headers sent beside ``Content-Type`` and ``Notification-Signature``. ``http`` may be given
    (tests: the subscriber's app).
    """

    def __init__(
        self,
        node: Node,
        tables: rows.CallbackTables,
        secret_of: Callable[[rows.SubscriptionRow], bytes],
        headers: Callable[[rows.SubscriptionRow], Mapping[str, str]],
        *,
        http: httpx.Client | None = None,
        label: str = "event callback",
    ) -> None:
        super().__init__(http)
        self.node = node
        self.tables = tables
        self._secret_of = secret_of
        self._headers = headers
        self._label = label

    def deliveries(self, subscription_id: str) -> list[rows.DeliveryRow]:
        with self.node.engine.connect() as conn:
            return rows.deliveries_of(conn, subscription_id, tables=self.tables)

    def deliver_due(self, limit: int = 50) -> int:
        """Attempt every due callback (at most ``limit``); returns how many were attempted."""
        with self.node.engine.connect() as conn:
            due = rows.due_deliveries(conn, self.node.clock(), limit, tables=self.tables)
        return sum(1 for row in due if self._attempt(row))

    def _attempt(self, row: rows.DeliveryRow) -> bool:
        with writing(self.node.engine) as conn:
            lease = self.node.clock() + LEASE
            if not rows.claim_delivery(conn, row, lease, tables=self.tables):
                return False  # another worker has it
            subscription = rows.get_subscription(conn, row.subscription_id, tables=self.tables)
        attempts = row.attempts + 1
        if subscription is None:
            self._finish(row.delivery_id, rows.CANCELLED, None, "the subscription was deleted")
            return True
        body = row.body.encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Notification-Signature": signature(self._secret_of(subscription), body),
            **self._headers(subscription),
        }
        url = subscription.callback_url
        try:
            check_destination(url)
        except InputError as refused:
            self._finish(row.delivery_id, rows.FAILED, None, refused.message)
            return True
        try:
            answer = self._client().post(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            self._retry(row.delivery_id, attempts, None, f"{url}: {type(error).__name__}: {error}")
            return True
        self._settle(row.delivery_id, attempts, url, answer)
        return True

    def _settle(self, delivery_id: int, attempts: int, url: str, answer: httpx.Response) -> None:
        status = answer.status_code
        text = answer.text[:ERROR_TEXT_MAX]
        if 200 <= status < 300:
            self._finish(delivery_id, rows.DELIVERED, status, None)
        elif retryable(status):
            self._retry(delivery_id, attempts, status, f"{url} answered {status}: {text}")
        else:
            log.warning("%s %s refused by %s: %s %s", self._label, delivery_id, url, status, text)
            self._finish(delivery_id, rows.FAILED, status, f"{url} refused it: {status} {text}")

    def _retry(self, delivery_id: int, attempts: int, status: int | None, error: str) -> None:
        if attempts >= MAX_ATTEMPTS:
            self._finish(delivery_id, rows.FAILED, status, f"gave up after {attempts}: {error}")
            return
        with writing(self.node.engine) as conn:
            rows.retry_delivery(
                conn,
                delivery_id,
                http_status=status,
                error=error[:ERROR_TEXT_MAX],
                next_attempt_at=self.node.clock() + backoff(attempts),
                tables=self.tables,
            )

    def _finish(self, delivery_id: int, status: str, http: int | None, error: str | None) -> None:
        with writing(self.node.engine) as conn:
            rows.finish_delivery(
                conn,
                delivery_id,
                status=status,
                http_status=http,
                error=None if error is None else error[:ERROR_TEXT_MAX],
                at=self.node.clock(),
                tables=self.tables,
            )
