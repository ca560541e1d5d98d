"""A callback receiver for the subscription tests: it checks ``Notification-Signature`` as a
subscriber would (HMAC-SHA256 of the raw body) and keeps what it accepted."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

__all__ = ["Subscriber", "verifies"]


def verifies(secret: bytes, body: bytes, header: str) -> bool:
    """What a subscriber does: recompute the HMAC of the raw body and compare."""
    kind, _, given = header.strip().partition("=")
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return kind == "sha256" and hmac.compare_digest(given, expected)


class Subscriber:
    """A callback receiver: checks signatures with ``secret``, keeps what it accepted."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.accepted: list[tuple[bytes, dict[str, str]]] = []
        self.refused = 0
        self.answers: list[int] = []
        app = FastAPI()

        @app.post("/tnt/callback")
        async def callback(request: Request) -> Response:
            body = await request.body()
            if self.answers:
                return Response(status_code=self.answers.pop(0))
            if not verifies(self.secret, body, request.headers.get("Notification-Signature", "")):
                self.refused += 1
                return Response(status_code=401)
            self.accepted.append((body, dict(request.headers)))
            return Response(status_code=204)

        self.client = TestClient(app, base_url="http://subscriber.test")

    def check_signature_and_tampering(self, body: bytes, signature: str) -> None:
        """The signature verifies over ``body``, and not over it with one bit changed, which
        this receiver then refuses with 401."""
        assert signature.startswith("sha256=")
        assert verifies(self.secret, body, signature)
        tampered = bytearray(body)
        tampered[len(tampered) // 2] ^= 0x01
        assert not verifies(self.secret, bytes(tampered), signature)
        replay = self.client.post(
            "/tnt/callback", content=bytes(tampered), headers={"Notification-Signature": signature}
        )
        assert replay.status_code == 401
