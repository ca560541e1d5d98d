"""The code lists an IFTSTA status report uses, and what each code means in DCSA TNT 3.0.

The message is read as UN/EDIFACT directory D.99B (``docs/iftsta-mapping.md`` has the same tables
with the reasoning). Every code below was checked against its code list; a code that is not here
is refused with its segment, never guessed.

- **Status events** (STS, C555 data element 9011 *Status event, coded*): D.99B leaves 9011 to the
  users. Two lists are read: the numeric codes of UN/ECE Recommendation No. 24 *Trade and
  transport status codes* (``24`` Departed, ``48`` Loaded ...), and the two-letter event codes that
  carriers and rail operators put there in practice, taken from ANSI ASC X12 315 (*Status details
  (ocean)*, shipment status codes: ``VD`` vessel departure, ``RL`` rail departure, ``I`` in-gate
  ...). The two lists share no code, so one table holds both.
- **Date/time qualifiers** (DTM, C507 2005) decide ``eventClassifier``: actual, estimated or
  scheduled (DCSA *planned*) arrival or departure, and 334 *status change date/time* (actual).
- **Location qualifiers** (LOC, 3227) accepted for the place of the status event.
- **Reference qualifiers** (RFF, C506 1153) read as DCSA ``DocumentReference.type``.
- **Mode of transport** (TDT, C220 8067, UN/ECE Recommendation No. 19) to ``modeOfTransport``.
- **Equipment** (EQD): 8169 full/empty indicator to ``emptyIndicator``, 8249 equipment status to
  ``transportPhase``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CONTAINER_QUALIFIER",
    "DATE_QUALIFIERS",
    "DOCUMENT_REFERENCES",
    "EMPTY_INDICATORS",
    "EVENT_LOCATION_QUALIFIERS",
    "MODES_OF_TRANSPORT",
    "READ_RELEASES",
    "STATUS_EVENTS",
    "TRANSPORT_PHASES",
    "DateQualifier",
    "StatusMeaning",
]

EventType = Literal["EQUIPMENT", "TRANSPORT"]
Movement = Literal["ARRIVAL", "DEPARTURE"]

REC_24 = "UN/ECE Rec. 24"
X12_315 = "X12 315 (carrier practice)"

READ_RELEASES = frozenset({"99B", "00B", "01B"})
"""Directory releases whose IFTSTA has the D.99B structure (SG4 CNI-LOC-CNT-SG5, SG5 STS ...)."""

CONTAINER_QUALIFIER = "CN"
"""EQD 8053 equipment type code qualifier for a container; other equipment is not read."""


@dataclass(frozen=True, slots=True)
class StatusMeaning:
    """One status event code and the DCSA event it becomes."""

    code: str
    name: str
    code_list: str
    event_type: EventType
    dcsa_code: str
    mode: str | None = None
    empty: str | None = None


def _rec24(code: str, name: str, event_type: EventType, dcsa_code: str) -> StatusMeaning:
    return StatusMeaning(code, name, REC_24, event_type, dcsa_code)


def _x12(
    code: str,
    name: str,
    event_type: EventType,
    dcsa_code: str,
    mode: str | None = None,
    empty: str | None = None,
) -> StatusMeaning:
    return StatusMeaning(code, name, X12_315, event_type, dcsa_code, mode, empty)


STATUS_EVENTS: Mapping[str, StatusMeaning] = {
    meaning.code: meaning
    for meaning in (
        _rec24("1", "Arrived", "TRANSPORT", "ARRIVED"),
        _rec24("24", "Departed", "TRANSPORT", "DEPARTED"),
        _rec24("48", "Loaded", "EQUIPMENT", "LOADED"),
        _rec24("29", "Discharged", "EQUIPMENT", "DISCHARGED"),
        _rec24("12", "Cleared by customs", "EQUIPMENT", "CUSTOMS_RELEASED"),
        _rec24("16", "Crossed border", "EQUIPMENT", "CROSSED"),
        _rec24("13", "Collected", "EQUIPMENT", "PICKED_UP"),
        _rec24("28", "Stripped", "EQUIPMENT", "STRIPPED"),
        _rec24("93", "Stuffed", "EQUIPMENT", "STUFFED"),
        _x12("I", "In-gate", "EQUIPMENT", "GATED_IN"),
        _x12("OA", "Out-gate", "EQUIPMENT", "GATED_OUT"),
        _x12("EE", "Empty equipment dispatched", "EQUIPMENT", "GATED_OUT", empty="EMPTY"),
        _x12("RD", "Return container (empty returned)", "EQUIPMENT", "GATED_IN", empty="EMPTY"),
        _x12("AE", "Loaded on vessel", "EQUIPMENT", "LOADED", mode="VESSEL"),
        _x12("UV", "Unloaded from vessel", "EQUIPMENT", "DISCHARGED", mode="VESSEL"),
        _x12("VD", "Vessel departure", "TRANSPORT", "DEPARTED", mode="VESSEL"),
        _x12("VA", "Vessel arrival", "TRANSPORT", "ARRIVED", mode="VESSEL"),
        _x12("AL", "Loaded on rail", "EQUIPMENT", "LOADED", mode="RAIL"),
        _x12("UR", "Unloaded from rail car", "EQUIPMENT", "DISCHARGED", mode="RAIL"),
        _x12("RL", "Rail departure from origin ramp", "TRANSPORT", "DEPARTED", mode="RAIL"),
        _x12("AR", "Rail arrival at destination ramp", "TRANSPORT", "ARRIVED", mode="RAIL"),
        _x12("AM", "Loaded on truck", "EQUIPMENT", "LOADED", mode="TRUCK"),
        _x12("CT", "Customs release", "EQUIPMENT", "CUSTOMS_RELEASED"),
    )
}
"""STS 9011 code to DCSA ``eventType`` and its ``equipmentEventType``/``transportEventType``."""


@dataclass(frozen=True, slots=True)
class DateQualifier:
    """A DTM 2005 qualifier: its name, DCSA ``eventClassifier`` and the movement it is about."""

    code: str
    name: str
    classifier: str
    movement: Movement | None


DATE_QUALIFIERS: Mapping[str, DateQualifier] = {
    qualifier.code: qualifier
    for qualifier in (
        DateQualifier("334", "Status change date/time", "ACTUAL", None),
        DateQualifier("178", "Transport means arrival date/time, actual", "ACTUAL", "ARRIVAL"),
        DateQualifier("186", "Transport means departure date/time, actual", "ACTUAL", "DEPARTURE"),
        DateQualifier("136", "Transport means departure date/time, actual", "ACTUAL", "DEPARTURE"),
        DateQualifier(
            "132", "Transport means arrival date/time, estimated", "ESTIMATED", "ARRIVAL"
        ),
        DateQualifier(
            "133", "Transport means departure date/time, estimated", "ESTIMATED", "DEPARTURE"
        ),
        DateQualifier("232", "Transport means arrival date/time, scheduled", "PLANNED", "ARRIVAL"),
        DateQualifier(
            "189", "Transport means departure date/time, scheduled", "PLANNED", "DEPARTURE"
        ),
    )
}

MESSAGE_DATE_QUALIFIER = "137"
"""DTM 2005 *Document/message date/time* in the message header: ``eventUpdatedDateTime``."""

EVENT_LOCATION_QUALIFIERS: Mapping[str, str] = {
    "5": "Place of departure",
    "7": "Place of delivery",
    "8": "Place of destination",
    "9": "Place/port of loading",
    "10": "Place of acceptance",
    "11": "Place/port of discharge",
    "12": "Port of discharge",
    "13": "Place of transhipment",
    "29": "Railway station",
    "60": "Place of arrival",
    "88": "Place of receipt",
    "175": "Activity location",
}
"""LOC 3227 qualifiers accepted for the place where the status event happened."""

DOCUMENT_REFERENCES: Mapping[str, tuple[str, str]] = {
    "BM": ("Bill of lading number", "TRANSPORT_DOCUMENT"),
    "AAM": ("Waybill number", "TRANSPORT_DOCUMENT"),
    "BN": ("Booking reference number", "BOOKING"),
}
"""RFF 1153 qualifier to (name, DCSA ``DocumentReference.type``)."""

MODES_OF_TRANSPORT: Mapping[str, tuple[str, str | None]] = {
    "1": ("Maritime transport", "VESSEL"),
    "2": ("Rail transport", "RAIL"),
    "3": ("Road transport", "TRUCK"),
    "4": ("Air transport", None),
    "5": ("Mail", None),
    "6": ("Multimodal transport", "MULTIMODAL"),
    "7": ("Fixed transport installation", None),
    "8": ("Inland water transport", "BARGE"),
}
"""TDT 8067 (UN/ECE Rec. 19) to (name, DCSA ``modeOfTransport``; None: DCSA has no such mode)."""

EMPTY_INDICATORS: Mapping[str, str] = {"4": "EMPTY", "5": "LADEN", "7": "LADEN", "8": "LADEN"}
"""EQD 8169 full/empty indicator: 4 Empty; 5 Full; 7 Full, mixed; 8 Full, single consignment."""

TRANSPORT_PHASES: Mapping[str, str] = {"2": "EXPORT", "3": "IMPORT", "6": "TRANSSHIPMENT"}
"""EQD 8249 equipment status: 2 Export, 3 Import, 6 Transhipment."""
