"""A transport call's reference, derived from what names the call when the source gives none.

DCSA TNT 3.0.0 ``TransportCall.transportCallReference`` is a "carrier-defined reference of a
TransportCall"; TNT 2.2 requires it on every TRANSPORT event (``transportCall.transportCallID``,
"the unique identifier for a transport call", at most 100 characters). UN/EDIFACT IFTSTA, the
rail operators' CSV and the demo events carry no such reference, so their readers derive one
from what identifies the call in all of them (``derived_call_reference``):

- ``modeOfTransport`` (``VESSEL``, ``RAIL`` ...);
- the conveyance: a vessel's or barge's IMO number (``imo:9795610``), else its call sign
  (``callsign:9VXY2``), else its name (``name:BEIBU GULF STAR``); a train's departure
  (``railTransport.departureID``: ``departure:X8001``, the number of that one departure);
- the voyage: ``exportVoyageNumberOrReference.carrierVoyageNumber``, else the import voyage's;
- the place: the event's UN/LOCODE;
- ``transportCallSequenceNumber``, when the source gives one (none of the three does: a train's
  departure or a vessel's voyage calls at a place once on the corridor).

The reference is the UUID 5 of ``mode|conveyance|voyage|UN/LOCODE|sequence`` (an absent part
empty) in the namespace ``CALL_NAMESPACE``: 36 characters whatever the inputs' lengths. So the
departure and arrival events of one call, and the loading and discharge of containers during it,
share the reference; reading the same file again gives the same one; and a call reported through
two formats (train X8001 at CNQZH in the rail CSV and in IFTSTA) gets one reference. A call with
neither conveyance nor voyage gets none (such a TRANSPORT event cannot be served over TNT 2.2).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

__all__ = ["CALL_NAMESPACE", "derived_call_reference"]

CALL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://corridor.invalid/interop/transport-call")
"""UUID 5 namespace of derived transport call references."""

_VESSEL_IDS = (("vesselIMONumber", "imo"), ("vesselCallSign", "callsign"), ("vesselName", "name"))


def _text(node: Any, *path: str) -> str:
    for key in path:
        if not isinstance(node, Mapping):
            return ""
        node = node.get(key)
    return node if isinstance(node, str) else ""


def _conveyance(call: Mapping[str, Any]) -> str:
    for key, tag in _VESSEL_IDS:
        value = _text(call, "vesselTransport", key)
        if value:
            return f"{tag}:{value}"
    departure = _text(call, "railTransport", "departureID")
    return f"departure:{departure}" if departure else ""


def derived_call_reference(call: Mapping[str, Any], un_location: str) -> str | None:
    """The reference of the TNT 3.0 ``transportCall`` ``call`` at ``un_location`` (module
    docstring), or None when the call names neither conveyance nor voyage."""
    conveyance = _conveyance(call)
    voyage = _text(call, "exportVoyageNumberOrReference", "carrierVoyageNumber") or _text(
        call, "importVoyageNumberOrReference", "carrierVoyageNumber"
    )
    if not conveyance and not voyage:
        return None
    sequence = call.get("transportCallSequenceNumber")
    parts = (
        _text(call, "modeOfTransport"),
        conveyance,
        voyage,
        un_location,
        "" if sequence is None else str(sequence),
    )
    return str(uuid.uuid5(CALL_NAMESPACE, "|".join(parts)))
