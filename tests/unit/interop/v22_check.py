"""Whether a reader's event is served over TNT 2.2: rendered by ``to_v22`` and valid 2.2.

``v22_problems(event)`` takes an event as a reader yields it, stores it as the event store does
(``check_tnt_event``: the TNT 3.0.0 form), renders it the TNT 2.2 way and lists every violation
of the vendored ``TNT_v2.2.0.yaml`` schema of its event type, or says that 2.2 cannot express it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT22_SPEC_FILE
from corridor.interop.dcsa.tnt.v22_in import V22_EVENT_SCHEMAS
from corridor.interop.dcsa.tnt.v22_out import to_v22
from corridor.interop.dcsa.tnt.validate import check_tnt_event


def as_v22(event: Mapping[str, Any]) -> dict[str, Any] | None:
    stored, _ = check_tnt_event(dict(event))
    return to_v22(stored)


def v22_problems(event: Mapping[str, Any]) -> list[str]:
    rendered = as_v22(event)
    if rendered is None:
        return [f"{event['eventID']}: TNT 2.2 cannot express it (v22_out.to_v22 gave None)"]
    return schema_errors(TNT22_SPEC_FILE, V22_EVENT_SCHEMAS[rendered["eventType"]], rendered)
