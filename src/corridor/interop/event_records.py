"""What every tracking-event reader yields: a DCSA TNT 3.0 event, or a record it could not read.

Readers of operator files (DCSA JSON, UN/EDIFACT IFTSTA, the rail operators' CSV) turn each record
into one ``ParsedEvent`` holding a DCSA TNT 3.0 ``Event`` as JSON-ready data, or one
``RejectedRecord`` saying why not. ``where`` names the record in the operator's own terms (``line
12``, ``message 3, segment 41 (STS)``, ``events[7]``) so that an import can report it and go on.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class ParsedEvent(NamedTuple):
    """A record read as a DCSA TNT 3.0 event (named tuples: a bulk import makes millions, and a
    tuple is made in half the time of a frozen dataclass)."""

    where: str
    event: dict[str, Any]


class RejectedRecord(NamedTuple):
    where: str
    reason: str


ParsedRecord = ParsedEvent | RejectedRecord
