"""Callbacks go out of the node's network, not into it (``services.callback_policy``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from corridor.errors import InputError
from corridor.services.callback_policy import ALLOW_ENV, check_destination


def _resolves_to(*addresses: str) -> Callable[[str], list[str]]:
    return lambda _host: list(addresses)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin",
        "http://[::1]/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_addresses_inside_the_network_are_refused(url: str) -> None:
    with pytest.raises(InputError, match=r"callbackUrl: .* inside this node's network"):
        check_destination(url, resolve=_resolves_to())


def test_a_name_that_resolves_inside_is_refused_and_one_outside_passes() -> None:
    with pytest.raises(InputError, match=r"internal\.example is 10\.0\.0\.7"):
        check_destination("https://internal.example/cb", resolve=_resolves_to("10.0.0.7"))
    check_destination("https://bank.example/cb", resolve=_resolves_to("8.8.8.8"))
    check_destination("https://nowhere.example/cb", resolve=_resolves_to())  # retried later


def test_an_operator_may_allow_private_subscribers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_ENV, "allow")
    check_destination("http://10.1.2.3/hook", resolve=_resolves_to())
