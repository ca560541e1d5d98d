"""Cursors for the TNT pagination, and the OpenAPI pieces the TNT routes share.

A cursor is ``base64url(JSON) "." base64url(HMAC-SHA-256 tag, 16 bytes)`` under a key derived
from the node's master key: the node can read back what it wrote, and a cursor it did not write
(edited, truncated, from another node) is refused with 400 instead of being half-understood.
What a cursor holds is each route's business:

* TNT 2.2 (``Current-Page``, ``Next-Page``, ``Prev-Page``, ``First-Page``, ``Last-Page``): the
  headers are links ("A link to the next page"): this request's URL with the query
  ``cursor=...`` alone, the cursor holding the filters, ``sort``, the limit and the position, so
  a client follows a link as it is (as DCSA's reference implementation does);
* TNT 3.0 (``Next-Page-Cursor``): the position and a fingerprint of the original query, which
  the consumer must repeat beside the cursor (a changed query is refused).

Pages are keyset pages on the store's ``seq``: stable while new events arrive. TNT 2.2 sorted by
``eventCreatedDateTime`` pages on ``(updated_at_us, seq)`` instead, the position holding both.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

import orjson
from fastapi import Request

from corridor.api.problems import PROBLEM_JSON
from corridor.domain.tnt_event import EventRuleError
from corridor.services.node import Node

__all__ = ["Cursors", "error_responses", "page_link"]

_TAG_BYTES = 16
_PURPOSE = "tnt/cursors"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Cursors:
    """Sign and read cursors for one node and one listing (``scope``): a cursor of one listing
    is refused by another, whose keys and filters it does not describe."""

    def __init__(self, node: Node, scope: str) -> None:
        self._key = node.derive_secret(_PURPOSE)
        self._scope = scope

    def _tag(self, data: bytes) -> bytes:
        return hmac.new(self._key, data, hashlib.sha256).digest()[:_TAG_BYTES]

    def encode(self, payload: dict[str, Any]) -> str:
        data = orjson.dumps({**payload, "scope": self._scope}, option=orjson.OPT_SORT_KEYS)
        return f"{_b64(data)}.{_b64(self._tag(data))}"

    def decode(self, text: str) -> dict[str, Any]:
        """The payload of a cursor this node wrote, or ``EventRuleError`` on ``cursor``."""
        refused = EventRuleError(
            "cursor", "is not a cursor this node issued; start again without it"
        )
        data_part, _, tag_part = text.partition(".")
        try:
            data, tag = _unb64(data_part), _unb64(tag_part)
        except (binascii.Error, ValueError):
            raise refused from None
        if not hmac.compare_digest(tag, self._tag(data)):
            raise refused
        payload = orjson.loads(data)
        if not isinstance(payload, dict) or payload.pop("scope", None) != self._scope:
            raise refused
        return payload


def page_limit(value: str | None, default: int, maximum: int) -> int:
    """``limit`` as the TNT specs type it (an integer of at least 1, no maximum): ASCII digits
    only, and a page never larger than ``maximum`` (the node returns fewer, as TNT 3.0 allows)."""
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise EventRuleError("limit", "must be a whole number of at least 1")
    return min(int(value), maximum)


def page_link(request: Request, cursor: str) -> str:
    """This request's URL with the query ``cursor=<cursor>`` alone."""
    return str(request.url.replace(query=f"cursor={cursor}"))


def _json_error(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(schema: dict[str, Any], *statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI error entries: ``statuses`` in the spec's ``schema``, plus the node's own 413/422.

    413 (body too large) and 422 (control characters in the path or query) come from the
    request hygiene in front of every route, as RFC 9457 problems.
    """
    texts = {
        400: "A parameter or the body breaks the spec; the failure names it",
        401: "No valid API token",
        403: "Not allowed",
        404: "Not found",
        500: "The node failed unexpectedly",
        503: "The node or its database is unavailable",
    }
    declared: dict[int | str, dict[str, Any]] = {
        status: _json_error(texts[status], schema) for status in (400, 401, 500, 503, *statuses)
    }
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    declared[413] = {"description": "The body is too large", "content": {PROBLEM_JSON: problem}}
    declared[422] = {
        "description": "The path or query has control characters",
        "content": {PROBLEM_JSON: problem},
    }
    return declared
