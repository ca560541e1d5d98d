"""Read UN/EDIFACT IFTSTA status reports (directory D.99B) as DCSA TNT 3.0 events.

``read_iftsta(text)`` yields one ``ParsedEvent`` per status event and container, or one
``RejectedRecord`` naming the message and segment it could not read; reading goes on after it.
Only a text that is not an EDIFACT interchange at all raises (``MalformedInputError``).

How a status group (SG5, see ``status_groups``) becomes DCSA TNT 3.0 ``Event`` data
(``components.schemas.Event`` of ``TNT_v3.0.0.yaml``; the full table is ``docs/iftsta-mapping.md``):

- STS 9011 picks the event: ``eventType`` EQUIPMENT or TRANSPORT and its
  ``equipmentEventType``/``transportEventType`` (``codes.STATUS_EVENTS``); an unknown code is
  refused;
- the first DTM with a known 2005 qualifier gives ``eventDateTime`` and ``eventClassifier``
  (ACTUAL, ESTIMATED, PLANNED); an arrival qualifier is not used for a departure, nor the reverse;
- the LOC right after STS gives ``eventLocation.UNLocationCode`` (and ``locationName``);
- the first TDT gives ``transportDetails.transportCall``: ``modeOfTransport``, the vessel (IMO
  number with its check digit validated, name, flag) and voyage, or the train's departure, and a
  ``transportCallReference`` derived from them and the event's UN/LOCODE
  (``interop.transport_calls``: one reference for all the statuses of one call);
- each EQD gives ``equipmentDetails`` for one container, its ISO 6346 check digit validated; an
  equipment status yields one event per container, a transport status one per container named (or
  one if none is);
- RFF BM/AAM (transport document) and BN (booking), in the status group or the message header,
  give ``shipmentDetails`` document references;
- DTM 137 in the message header gives ``eventUpdatedDateTime`` (the date and time of UNB when the
  message has none: the event store needs it to order versions of an event).

``eventID`` is a UUID 5 of the sender, interchange and message references, the status group's
index and the container, so reading the same interchange again gives the same events.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from stdnum import imo

from corridor.domain.equipment import validate_container_number
from corridor.domain.transport_document import UN_LOCODE_PATTERN
from corridor.errors import DocumentRuleError
from corridor.interop.edifact.codes import (
    CONTAINER_QUALIFIER,
    DATE_QUALIFIERS,
    DOCUMENT_REFERENCES,
    EMPTY_INDICATORS,
    EVENT_LOCATION_QUALIFIERS,
    MESSAGE_DATE_QUALIFIER,
    MODES_OF_TRANSPORT,
    READ_RELEASES,
    STATUS_EVENTS,
    TRANSPORT_PHASES,
    StatusMeaning,
)
from corridor.interop.edifact.datetimes import DateTimeError, parse_dtm
from corridor.interop.edifact.interchange import (
    InterchangeHeader,
    Message,
    Segment,
    SegmentError,
    open_interchange,
)
from corridor.interop.edifact.status_groups import MessageHeader, StatusGroup, read_groups
from corridor.interop.event_records import ParsedEvent, ParsedRecord, RejectedRecord
from corridor.interop.transport_calls import derived_call_reference

__all__ = ["EVENT_ID_NAMESPACE", "read_iftsta"]

EVENT_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://corridor.invalid/interop/iftsta")
"""UUID 5 namespace of the event ids derived from an interchange."""

_CANCELLING_FUNCTIONS = {"1": "cancellation", "3": "deletion"}
_ISO_SIZE_TYPE_LENGTH = 4
_SHORT_DATE_LENGTH = 6
_MOVEMENT_OF = {"ARRIVED": "ARRIVAL", "DEPARTED": "DEPARTURE"}


def read_iftsta(text: str) -> Iterator[ParsedRecord]:
    """Read every status report in the IFTSTA interchange ``text``.

    Raises ``MalformedInputError`` only if ``text`` is not a UN/EDIFACT interchange.
    """
    header, items = open_interchange(text)
    for item in items:
        if isinstance(item, RejectedRecord):
            yield item
        else:
            yield from _read_message(header, item)


@dataclass(frozen=True, slots=True)
class _Place:
    locode: str
    name: str

    @property
    def country(self) -> str:
        return self.locode[:2]

    def location(self) -> dict[str, Any]:
        location: dict[str, Any] = {"UNLocationCode": self.locode}
        if self.name:
            location["locationName"] = self.name[:100]
        return location


@dataclass(frozen=True, slots=True)
class _Context:
    interchange: InterchangeHeader
    message: Message
    header: MessageHeader

    def event_id(self, group: StatusGroup, container: str) -> str:
        name = "|".join(
            (
                self.interchange.sender,
                self.interchange.control_reference,
                self.message.reference,
                str(group.index),
                container,
            )
        )
        return str(uuid.uuid5(EVENT_ID_NAMESPACE, name))


def _read_message(interchange: InterchangeHeader, message: Message) -> Iterator[ParsedRecord]:
    problem = _message_problem(message)
    if problem:
        yield RejectedRecord(message.label, problem)
        return
    try:
        header, groups = read_groups(message)
    except SegmentError as error:
        yield RejectedRecord(message.where(error.segment), error.reason)
        return
    context = _Context(interchange, message, header)
    for group in groups:
        yield from _read_status(context, group)


def _message_problem(message: Message) -> str | None:
    if message.message_type != "IFTSTA":
        return f"message type {message.message_type!r} is not IFTSTA; it was skipped"
    if message.version != "D" or message.release not in READ_RELEASES:
        return (
            f"IFTSTA {message.version}:{message.release} is not a directory Corridor reads; "
            f"send D.99B (or {', '.join(sorted(READ_RELEASES - {'99B'}))})"
        )
    bgm = next((segment for segment in message.segments if segment.tag == "BGM"), None)
    function = bgm.value(2) if bgm else ""
    if function in _CANCELLING_FUNCTIONS:
        return (
            f"BGM message function {function} ({_CANCELLING_FUNCTIONS[function]}) cannot be tied "
            "to the events it withdraws; send the corrected statuses as an original (9)"
        )
    return None


def _read_status(context: _Context, group: StatusGroup) -> Iterator[ParsedRecord]:
    message = context.message
    try:
        _check_characters(group.segments(), context.header.references, context.header.dates)
        status = _status(group.sts)
        place = _place(group)
        moment, classifier = _moment(group, status, place.country)
        common = _common(context, group, status, place, moment, classifier)
    except SegmentError as error:
        yield RejectedRecord(message.where(error.segment or group.sts), error.reason)
        return
    if status.event_type == "EQUIPMENT" and not group.equipment:
        reason = f"equipment status {status.code} ({status.name}) names no container (EQD)"
        yield RejectedRecord(message.where(group.sts), reason)
        return
    containers: list[Segment | None] = [*group.equipment] or [None]
    for eqd in containers:
        try:
            if eqd is not None:
                _check_characters([eqd])
            equipment = _equipment(eqd, status) if eqd is not None else None
        except SegmentError as error:
            yield RejectedRecord(message.where(error.segment), error.reason)
            continue
        container = equipment["equipmentReference"] if equipment else ""
        event = {"eventID": context.event_id(group, container), **common}
        if equipment:
            event["equipmentDetails"] = equipment
        yield ParsedEvent(message.where(eqd or group.sts), event)


def _common(
    context: _Context,
    group: StatusGroup,
    status: StatusMeaning,
    place: _Place,
    moment: dt.datetime,
    classifier: str,
) -> dict[str, Any]:
    """Everything an event of ``group`` holds but its id and container."""
    type_key = "equipmentEventType" if status.event_type == "EQUIPMENT" else "transportEventType"
    event: dict[str, Any] = {"eventDateTime": moment.isoformat()}
    event["eventUpdatedDateTime"] = _updated(context, place.country)
    event["eventLocation"] = place.location()
    event["eventClassification"] = {
        "eventType": status.event_type,
        "eventClassifier": classifier,
        type_key: status.dcsa_code,
    }
    call = _transport_call(group, status, place.locode)
    if call:
        event["transportDetails"] = {"transportCall": call}
    shipment = _shipment(group.references + context.header.references)
    if shipment:
        event["shipmentDetails"] = shipment
    return event


def _check_characters(*groups: Iterable[Segment]) -> None:
    """EDIFACT's character repertoires (UNOA ... UNOC) have no control characters in data."""
    for segment in (segment for group in groups for segment in group):
        for part in (part for element in segment.elements for part in element):
            bad = next((char for char in part if unicodedata.category(char) == "Cc"), None)
            if bad is not None:
                raise SegmentError(
                    segment, f"contains the control character U+{ord(bad):04X} inside its data"
                )


def _status(sts: Segment) -> StatusMeaning:
    code = sts.value(1, 0)
    meaning = STATUS_EVENTS.get(code)
    if meaning is None:
        raise SegmentError(
            sts,
            f"status event code {code or '(empty)'!r} (STS 9011) is not one Corridor maps to a "
            "DCSA event; docs/iftsta-mapping.md lists the UN/ECE Rec. 24 and carrier codes read",
        )
    return meaning


def _place(group: StatusGroup) -> _Place:
    if not group.locations:
        raise SegmentError(
            group.sts, "the status has no LOC giving the place of the event (before its TDT)"
        )
    if len(group.locations) > 1:
        raise SegmentError(group.locations[1], "a status group has one place of event (LOC)")
    loc = group.locations[0]
    qualifier, code = loc.value(0), loc.value(1, 0)
    if qualifier not in EVENT_LOCATION_QUALIFIERS:
        raise SegmentError(
            loc,
            f"LOC qualifier {qualifier!r} (3227) is not a place of a status event; use one of "
            f"{', '.join(EVENT_LOCATION_QUALIFIERS)} (175 activity location)",
        )
    if UN_LOCODE_PATTERN.fullmatch(code) is None:
        raise SegmentError(
            loc,
            f"{code or '(empty)'!r} is not a UN/LOCODE: two letters of country code and three "
            "letters or digits 2-9 (e.g. CNQZH for Qinzhou)",
        )
    return _Place(code, loc.value(1, 3))


def _moment(group: StatusGroup, status: StatusMeaning, country: str) -> tuple[dt.datetime, str]:
    unwanted = {"ARRIVAL": "DEPARTURE", "DEPARTURE": "ARRIVAL"}.get(
        _MOVEMENT_OF.get(status.dcsa_code, "") if status.event_type == "TRANSPORT" else ""
    )
    for dtm in group.dates:
        qualifier = DATE_QUALIFIERS.get(dtm.value(0, 0))
        if qualifier is None or (unwanted and qualifier.movement == unwanted):
            continue
        try:
            return parse_dtm(dtm.value(0, 1), dtm.value(0, 2), country), qualifier.classifier
        except DateTimeError as error:
            raise SegmentError(dtm, str(error)) from None
    raise SegmentError(
        group.sts,
        "the status has no DTM with its date and time (2005 qualifier "
        f"{', '.join(DATE_QUALIFIERS)}); the event cannot be placed in time",
    )


def _updated(context: _Context, country: str) -> str:
    """``eventUpdatedDateTime``: the message's DTM 137, else the date and time of UNB."""
    for dtm in context.header.dates:
        if dtm.value(0, 0) == MESSAGE_DATE_QUALIFIER:
            try:
                return parse_dtm(dtm.value(0, 1), dtm.value(0, 2), country).isoformat()
            except DateTimeError as error:
                raise SegmentError(dtm, f"message date/time: {error}") from None
    date, _, time = context.interchange.prepared.partition(":")
    century = "20" if len(date) == _SHORT_DATE_LENGTH else ""
    try:
        return parse_dtm(f"{century}{date}{time}", "203", country).isoformat()
    except DateTimeError as error:
        raise SegmentError(
            None, f"the message has no DTM 137 and the UNB date/time cannot stand in: {error}"
        ) from None


def _transport_call(
    group: StatusGroup, status: StatusMeaning, un_location: str
) -> dict[str, Any] | None:
    tdt = group.transports[0].tdt if group.transports else None
    mode = _mode(tdt, status)
    if mode is None:
        if status.event_type == "TRANSPORT":
            raise SegmentError(group.sts, "a transport status needs a TDT naming the conveyance")
        return None
    call: dict[str, Any] = {"modeOfTransport": mode}
    conveyance = tdt.value(1) if tdt else ""
    if tdt is not None and mode in {"VESSEL", "BARGE"}:
        vessel = _vessel(tdt)
        if vessel:
            call["vesselTransport"] = vessel
    if conveyance and mode in {"VESSEL", "BARGE"}:
        call["exportVoyageNumberOrReference"] = {"carrierVoyageNumber": conveyance}
        call["importVoyageNumberOrReference"] = {"carrierVoyageNumber": conveyance}
    elif conveyance and mode == "RAIL":
        call["railTransport"] = {"departureID": conveyance[:100]}
    reference = derived_call_reference(call, un_location)
    if reference is not None:
        call = {"transportCallReference": reference, **call}
    return call


def _mode(tdt: Segment | None, status: StatusMeaning) -> str | None:
    code = tdt.value(2, 0) if tdt is not None else ""
    if not code:
        return status.mode
    if code not in MODES_OF_TRANSPORT:
        raise SegmentError(tdt, f"mode of transport {code!r} (TDT 8067) is not a Rec. 19 code")
    name, mode = MODES_OF_TRANSPORT[code]
    if mode is None:
        raise SegmentError(tdt, f"mode {code} ({name}) has no DCSA TNT modeOfTransport")
    if status.mode and status.mode != mode:
        raise SegmentError(
            tdt, f"status {status.code} ({status.name}) is {status.mode} but TDT says {mode}"
        )
    return mode


def _vessel(tdt: Segment) -> dict[str, str]:
    identifier, name, flag = tdt.value(7, 0), tdt.value(7, 3), tdt.value(7, 4)
    vessel: dict[str, str] = {}
    if identifier.isascii() and identifier.isdigit() and len(identifier) == 7:
        if not imo.is_valid(identifier):
            raise SegmentError(
                tdt,
                f"vessel IMO number {identifier} fails its check digit (the first six digits "
                f"give {imo.calc_check_digit(identifier[:6])}); check the number",
            )
        vessel["vesselIMONumber"] = identifier
    elif identifier:
        if len(identifier) > 10 or not (identifier.isascii() and identifier.isalnum()):
            raise SegmentError(
                tdt, f"vessel identifier {identifier!r} is neither IMO nor call sign"
            )
        vessel["vesselCallSign"] = identifier
    if name:
        vessel["vesselName"] = name[:50]
    if flag:
        if len(flag) != 2 or not (flag.isascii() and flag.isalpha()):  # not 'é'
            raise SegmentError(tdt, f"vessel nationality {flag!r} is not an ISO 3166 code")
        vessel["vesselFlag"] = flag.upper()
    return vessel


def _equipment(eqd: Segment, status: StatusMeaning) -> dict[str, Any]:
    if eqd.value(0) != CONTAINER_QUALIFIER:
        raise SegmentError(
            eqd, f"equipment qualifier {eqd.value(0)!r} (8053) is not CN; only containers are read"
        )
    number = eqd.value(1, 0).replace(" ", "").upper()
    try:
        validate_container_number(number, "EQD")
    except DocumentRuleError as error:
        raise SegmentError(eqd, error.reason) from None
    details: dict[str, Any] = {"equipmentReference": number}
    size_type = eqd.value(2, 0)
    if size_type:
        if len(size_type) != _ISO_SIZE_TYPE_LENGTH or not size_type.isalnum():
            raise SegmentError(eqd, f"size and type {size_type!r} is not an ISO 6346 code (22G1)")
        details["ISOEquipmentCode"] = size_type.upper()
    empty = EMPTY_INDICATORS.get(eqd.value(5))
    if status.empty and empty and empty != status.empty:
        raise SegmentError(eqd, f"status {status.code} is about an empty container, EQD says full")
    if empty or status.empty:
        details["emptyIndicator"] = empty or status.empty
    phase = TRANSPORT_PHASES.get(eqd.value(4))
    if phase:
        details["transportPhase"] = phase
    return details


def _shipment(references: list[Segment]) -> dict[str, Any] | None:
    found: list[dict[str, str]] = []
    for rff in references:
        qualifier, value = rff.value(0, 0), rff.value(0, 1)
        if qualifier not in DOCUMENT_REFERENCES:
            continue
        if not value or len(value) > 100:
            raise SegmentError(rff, f"RFF {qualifier} needs a reference of 1 to 100 characters")
        entry = {"type": DOCUMENT_REFERENCES[qualifier][1], "reference": value}
        if entry not in found:
            found.append(entry)
    if not found:
        return None
    found.sort(key=lambda entry: entry["type"] != "TRANSPORT_DOCUMENT")
    details: dict[str, Any] = {"documentReference": found[0]}
    if len(found) > 1:
        details["additionalDocumentReferences"] = found[1:]
    return details
