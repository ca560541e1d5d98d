"""Where a subscriber's callback may go: out of the node's own network, not into it (SSRF).

A TNT or alert subscription names a URL the node will POST to later. Without a check, any party
with a token could make the node call its own loopback services, the cloud metadata address or
machines of the operator's private network. ``check_destination`` refuses a URL whose host is,
or resolves to, a loopback, private (RFC 1918, RFC 4193), link-local (incl. 169.254.169.254),
carrier-grade NAT, multicast, reserved or unspecified address. It runs when the subscription is
made and again before every delivery, since DNS answers change.

A node whose subscribers really are on its private network (a terminal's system on the port's
LAN) sets ``CORRIDOR_CALLBACK_PRIVATE=allow``. A host that does not resolve is not refused here:
the delivery fails and is retried like any unreachable subscriber.

What is left: the HTTP client resolves the name again when it connects, so a DNS answer that
changes between the check and the connection (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from corridor.errors import InputError

__all__ = ["ALLOW_ENV", "check_destination"]

ALLOW_ENV = "CORRIDOR_CALLBACK_PRIVATE"
_CGNAT = ipaddress.ip_network("100.64.0.0/10")

Resolver = Callable[[str], list[str]]


def _resolve(host: str) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [str(answer[4][0]) for answer in answers]


def _inside(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT)
    )


def check_destination(url: str, field: str = "callbackUrl", resolve: Resolver = _resolve) -> None:
    """Raise ``InputError`` naming ``field`` if ``url``'s host is inside the node's network."""
    if os.environ.get(ALLOW_ENV, "").strip().lower() == "allow":
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolve(host)
    for address in addresses:
        if _inside(address):
            raise InputError(
                f"{field}: {host} is {address}, an address inside this node's network "
                "(loopback, private, link-local or reserved); callbacks go to the subscriber's "
                f"public address (an operator may set {ALLOW_ENV}=allow)"
            )
