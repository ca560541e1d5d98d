"""What a reader yielded, split into the events read and the records refused."""

from __future__ import annotations

from collections.abc import Iterable

from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord


def split(records: Iterable[ParsedRecord]) -> tuple[list[ParsedEvent], list[RejectedRecord]]:
    listed = list(records)
    events = [record for record in listed if isinstance(record, ParsedEvent)]
    rejected = [record for record in listed if isinstance(record, RejectedRecord)]
    return events, rejected
