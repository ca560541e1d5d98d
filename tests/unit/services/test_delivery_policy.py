"""The rules every outbox shares (delivery_policy): which answers are retried, the HTTP client."""

from __future__ import annotations

import httpx
import pytest

from corridor.services.delivery_policy import TIMEOUT_SECONDS, HttpOutbox, retryable


class _Probe(HttpOutbox):
    def client(self) -> httpx.Client:
        return self._client()


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504, 599])
def test_timeouts_throttling_and_server_errors_are_retried(status: int) -> None:
    assert retryable(status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 410, 413, 415, 422, 499])
def test_any_other_client_error_is_final(status: int) -> None:
    assert not retryable(status)


def test_a_given_client_is_used_and_left_open() -> None:
    given = httpx.Client()
    outbox = _Probe(given)
    assert outbox.client() is given
    outbox.close()
    assert not given.is_closed
    assert outbox.client() is given
    given.close()


def test_an_own_client_is_made_once_closed_with_the_outbox_and_made_again() -> None:
    outbox = _Probe()
    made = outbox.client()
    assert outbox.client() is made
    assert made.timeout == httpx.Timeout(TIMEOUT_SECONDS)
    assert not made.follow_redirects
    outbox.close()
    assert made.is_closed
    again = outbox.client()
    assert again is not made
    assert not again.is_closed
    outbox.close()
    assert again.is_closed
