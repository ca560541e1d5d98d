"""What the DCSA EBL_ISS and EBL_SUR 3.0.3 services share: reading, checking and writing bodies.

* Inbound bodies are parsed strictly (``crypto.canonical.parse_json``: no duplicate names, no
  NaN) and checked against the named schema of the vendored spec; the first violation raises
  ``DocumentRuleError`` whose ``location`` is the JSON pointer of the field.
* Outbound bodies are checked against their schema before they are queued; a body that breaks
  it is a bug in Corridor (``NodeError``), never sent.
* Free texts sent to a peer (``reason``, ``comments``) are folded to one line and cut to the
  spec's length, so they always match ``^\\S(?:.*\\S)?$``.
"""

from __future__ import annotations

import json
from typing import Any

from corridor.crypto.canonical import parse_json
from corridor.errors import DocumentRuleError, MalformedInputError, NodeError
from corridor.interop.dcsa.schema import validate_schema

__all__ = ["NO_PARTY", "checked_outbound", "dump", "one_line", "read_body"]

NO_PARTY: dict[str, Any] = {
    "eblPlatform": "NONE",
    "partyName": "NONE",
    "identifyingCodes": [{"codeListProvider": "NONE", "partyCode": "NONE"}],
}
"""EBL_SUR's "No Party" placeholder for a link without a recipient (``RecipientParty``)."""


def read_body(body: bytes | str, spec_file: str, schema: str) -> dict[str, Any]:
    """Parse ``body`` and check it against ``schema``; ``MalformedInputError`` if not an object."""
    value = parse_json(body)
    if not isinstance(value, dict):
        raise MalformedInputError(f"the body must be a JSON object ({schema})")
    validate_schema(spec_file, schema, value)
    return value


def checked_outbound(spec_file: str, schema: str, value: dict[str, Any]) -> dict[str, Any]:
    """``value`` if it matches ``schema``; otherwise a ``NodeError`` (a bug: never sent)."""
    try:
        validate_schema(spec_file, schema, value)
    except DocumentRuleError as error:
        raise NodeError(
            f"the {schema} this node built breaks the spec at {error.location or '/'}: "
            f"{error.reason}; this is a bug in Corridor, please report it"
        ) from error
    return value


def dump(value: Any) -> str:
    """The JSON text a body is stored and sent as (UTF-8, compact)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def one_line(text: str, limit: int = 255) -> str:
    """``text`` on one line, trimmed and cut to ``limit`` characters (never empty)."""
    folded = " ".join(text.split()) or "refused"
    return folded if len(folded) <= limit else folded[: limit - 3].rstrip() + "..."
