"""A DCSA Track & Trace 3.0.0 ``Event``: the rules its text states, and the facts the store keeps.

``check_event(event)`` takes an event that already matches the structure of TNT 3.0.0's
``components.schemas.Event`` (types, lengths, date-time formats and the closed code lists of
``tnt_vocabulary``: ``corridor.interop.dcsa.tnt.validate`` checks those first) and applies the
rules the spec states in prose, then returns the ``EventFacts`` the event store indexes:

1. ``eventID`` is present, not blank, and has no control characters (it is the event's key).
2. ``isRetracted: true`` makes "any event data other than the eventID irrelevant": nothing else
   is required, and the facts only say "retracted".
3. Otherwise ``eventDateTime``, ``eventUpdatedDateTime`` and ``eventClassification`` with its
   ``eventType`` and ``eventClassifier`` are required, and so is the sub-type property of that
   type (``shipmentEventType`` for SHIPMENT, ...); a sub-type of another type is refused.
4. A SHIPMENT event names its document (``shipmentDetails.documentReference``); EQUIPMENT, IOT and
   REEFER events name their container (``equipmentDetails.equipmentReference``).
5. Every ``DocumentReference`` has a ``type`` and a ``reference``; every ``ShipmentReference``
   too; every ``Seal`` has a ``number``.
6. ``UNLocationCode`` (of ``eventLocation``) is a UN/LOCODE: two letters of ISO 3166-1 country
   code and three of location, letters or digits 2-9 (``Location.UNLocationCode``).
7. ``equipmentDetails.equipmentReference`` is an ISO 6346 container number with a correct check
   digit (``domain.equipment``). The spec allows non-ISO references "where" a container has
   none; Corridor's corridor moves ISO containers, so it refuses them.
8. ``Address.countryCode`` and ``VesselTransport.vesselFlag`` are two capital letters.

Identity (``Event.eventID``): "each event is uniquely identified ... by a composite key
including the partyCode, codeListProvider and codeListName of all eventRouting.originatingParties
(if present) and the eventID". ``EventFacts.origin`` is that first part ('' without originating
parties, else a SHA-256 over the sorted triples), so two producers' ``evt-1`` are two events.

Versions (``decide``): "an event overrides any other event that has the same eventID and an
earlier eventUpdatedDateTime", and a retraction means "the data in this and all previously
transmitted events with the same eventID must be discarded". The table is in ``decide``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NamedTuple

from corridor.domain.equipment import iso6346_check_digit
from corridor.domain.tnt_vocabulary import SUBTYPE_PROPERTY
from corridor.errors import InputError

__all__ = [
    "MAX_INDEXED_LENGTH",
    "Decision",
    "EventFacts",
    "EventRuleError",
    "Version",
    "check_event",
    "decide",
    "origin_of",
    "parse_date_time",
]

MAX_INDEXED_LENGTH = 100
"""Longest transport call reference, voyage or service code the store indexes (TNT 2.2's
``transportCallID`` limit; TNT 3.0 sets none)."""

_UN_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_CONTAINER = re.compile(r"[A-Z]{3}[UJZ][0-9]{7}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EQUIPMENT_TYPES = frozenset({"EQUIPMENT", "IOT", "REEFER"})
_NO_CALL = (None, None, None, None, None)
_PARTY_KEY = ("codeListProvider", "codeListName", "partyCode")
_BLANK = "is required and must not be blank"
_from_iso = dt.datetime.fromisoformat


class EventRuleError(InputError):
    """A tracking event breaks a rule of DCSA Track & Trace; nothing of it was stored.

    ``field`` is the dotted path of the failing property (``eventClassification.eventType``,
    ``shipmentDetails.additionalDocumentReferences[1].reference``), '' for the event as a whole.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


class EventFacts(NamedTuple):
    """What the event store indexes about one event (TNT 3.0.0 words throughout)."""

    event_id: str
    origin: str
    retracted: bool
    updated_at: dt.datetime | None
    event_type: str | None = None
    classifier: str | None = None
    subtype: str | None = None
    event_at: dt.datetime | None = None
    un_location: str | None = None
    equipment_reference: str | None = None
    documents: tuple[tuple[str, str], ...] = ()
    transport_call_reference: str | None = None
    vessel_imo: str | None = None
    voyage: str | None = None
    service_code: str | None = None
    mode_of_transport: str | None = None

    @property
    def shipment_document_type(self) -> str | None:
        """A SHIPMENT event's primary document type (TNT 2.2 ``documentTypeCode``), else None."""
        if self.event_type != "SHIPMENT" or not self.documents:
            return None
        return self.documents[0][0]


_EMPTY: dict[str, Any] = {}
_facts = EventFacts._make


def _object(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (the schema has vouched for types)."""
    return value if type(value) is dict else _EMPTY


def parse_date_time(text: str, field: str) -> dt.datetime:
    """An RFC 3339 date-time as an aware ``datetime`` (the schema has checked its shape)."""
    try:
        moment = _from_iso(text)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        except ValueError:
            raise EventRuleError(field, f"{text!r} is not an RFC 3339 date-time") from None
    if moment.tzinfo is None:
        raise EventRuleError(field, f"{text!r} has no UTC offset; add Z or +hh:mm")
    return moment


def origin_of(event: Mapping[str, Any]) -> str:
    """The originating-parties part of the event's key: '' or a SHA-256 hex digest."""
    parties = _object(event.get("eventRouting")).get("originatingParties")
    if not parties:
        return ""
    if len(parties) == 1 and type(party := parties[0]) is dict:  # the common case, cached
        return _party_origin(
            party.get("codeListProvider"), party.get("codeListName"), party.get("partyCode")
        )
    triples = sorted(
        "\x1f".join(str(p.get(k) or "") for k in _PARTY_KEY) if type(p) is dict else str(p)
        for p in parties
    )
    return _origin_digest("\x1e".join(triples))


def _origin_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=4096)
def _party_origin(provider: object, name: object, code: object) -> str:
    # Cached: a producer names the same originating party in every event it sends.
    return _origin_digest("\x1f".join(str(v or "") for v in (provider, name, code)))


def check_event(event: Mapping[str, Any]) -> EventFacts:
    """Apply the rules of the module docstring; raise ``EventRuleError`` naming the field."""
    event_id = event.get("eventID")
    if not isinstance(event_id, str) or not event_id or event_id.isspace():
        raise EventRuleError("eventID", "is required: the producer's id of the event")
    if _CONTROL.search(event_id):
        raise EventRuleError("eventID", "must not contain control characters")
    updated_text = event.get("eventUpdatedDateTime")
    if event.get("isRetracted") is True:
        updated = (
            None if updated_text is None else parse_date_time(updated_text, "eventUpdatedDateTime")
        )
        return EventFacts(event_id, origin_of(event), True, updated)
    if updated_text is None:
        raise EventRuleError(
            "eventUpdatedDateTime", "is required: it decides which version of the event wins"
        )
    happened = event.get("eventDateTime")
    if happened is None:
        raise EventRuleError("eventDateTime", "is required: when the event happened or will")
    event_type, classifier, subtype = _classification(event.get("eventClassification"))
    documents = _documents(_object(event.get("shipmentDetails")), event_type)
    equipment = _equipment(_object(event.get("equipmentDetails")), event_type)
    location = _object(event.get("eventLocation"))
    if location:
        _check_location(location)
    transport = event.get("transportDetails")
    call = _object(transport.get("transportCall")) if type(transport) is dict else _EMPTY
    return _facts(
        (
            event_id,
            origin_of(event),
            False,
            parse_date_time(updated_text, "eventUpdatedDateTime"),
            event_type,
            classifier,
            subtype,
            parse_date_time(happened, "eventDateTime"),
            location.get("UNLocationCode"),
            equipment,
            documents,
            *(_transport_call(call) if call else _NO_CALL),
        )
    )


def _classification(classification: Any) -> tuple[str, str, str]:
    where = "eventClassification"
    if type(classification) is not dict:
        raise EventRuleError(where, "is required: eventType, eventClassifier and the sub-type")
    event_type = classification.get("eventType")
    if event_type is None:
        raise EventRuleError(f"{where}.eventType", "is required (SHIPMENT, TRANSPORT, ...)")
    classifier = classification.get("eventClassifier")
    if classifier is None:
        raise EventRuleError(f"{where}.eventClassifier", "is required (ACTUAL, ESTIMATED, PLANNED)")
    wanted = SUBTYPE_PROPERTY[event_type]
    if len(classification) > 3:
        for other_type, other in SUBTYPE_PROPERTY.items():
            if other != wanted and classification.get(other) is not None:
                raise EventRuleError(
                    f"{where}.{other}",
                    f"belongs to {other_type} events; this event is {event_type}",
                )
    subtype = classification.get(wanted)
    if subtype is None:
        raise EventRuleError(f"{where}.{wanted}", f"is required for a {event_type} event")
    return event_type, classifier, subtype


def _documents(details: dict[str, Any], event_type: str) -> tuple[tuple[str, str], ...]:
    primary = details.get("documentReference")
    if primary is None and event_type == "SHIPMENT":
        raise EventRuleError(
            "shipmentDetails.documentReference", "is required for a SHIPMENT event"
        )
    if not details:
        return ()
    found = [] if primary is None else [_typed_reference(primary, "documentReference")]
    if len(details) == 1 and primary is not None:
        return (found[0],)  # the common shape: the primary document alone
    for index, item in enumerate(details.get("additionalDocumentReferences") or ()):
        pair = _typed_reference(item, "additionalDocumentReferences", index)
        if pair not in found:
            found.append(pair)
    for index, replacement in enumerate(details.get("documentReferenceReplacements") or ()):
        for side in ("oldReferences", "newReferences"):
            for n, item in enumerate(replacement.get(side) or ()):
                _typed_reference(item, f"documentReferenceReplacements[{index}].{side}", n)
    for index, item in enumerate(details.get("shipmentReferences") or ()):
        _typed_reference(item, "shipmentReferences", index)
    return tuple(found)


def _typed_reference(item: Mapping[str, Any], name: str, index: int = -1) -> tuple[str, str]:
    """``(type, reference)`` of ``shipmentDetails.<name>[index]`` (no index: not a list)."""
    kind: str | None = item.get("type")
    reference: str | None = item.get("reference")
    problem: str | None
    if kind is None:
        problem = "type"
    elif not reference:
        problem = _BLANK
    else:
        problem = _reference_problem(reference)
        if problem is None:
            return kind, reference
    where = f"shipmentDetails.{name}" + ("" if index < 0 else f"[{index}]")
    if problem == "type":
        raise EventRuleError(f"{where}.type", "is required: what kind of reference this is")
    raise EventRuleError(f"{where}.reference", problem)


@functools.lru_cache(maxsize=65536)
def _reference_problem(reference: str) -> str | None:
    """Why a document or shipment reference cannot be indexed, or None (cached: a document's
    reference recurs in all its events)."""
    if reference.isspace():
        return _BLANK
    if _CONTROL.search(reference):
        return "must not contain control characters"
    return None


def _equipment(details: dict[str, Any], event_type: str) -> str | None:
    reference = details.get("equipmentReference")
    if reference is None:
        if event_type in _EQUIPMENT_TYPES:
            raise EventRuleError(
                "equipmentDetails.equipmentReference", f"is required for a {event_type} event"
            )
        return None
    problem = _container_problem(reference)
    if problem is not None:
        raise EventRuleError("equipmentDetails.equipmentReference", problem)
    seals = details.get("seals")
    if seals:
        for index, seal in enumerate(seals):
            number = seal.get("number")
            if not number or number.isspace():
                raise EventRuleError(f"equipmentDetails.seals[{index}].number", "is required")
    return str(reference)


@functools.lru_cache(maxsize=65536)
def _container_problem(reference: str) -> str | None:
    """Why ``reference`` is not an ISO 6346 container number, or None (cached: containers
    recur in many events)."""
    if _CONTAINER.fullmatch(reference) is None:
        return (
            f"{reference!r} is not an ISO 6346 container number: three letters of owner code, "
            "the category letter U, J or Z, six digits of serial number and a check digit "
            "(e.g. CSQU3054383)"
        )
    expected = iso6346_check_digit(reference[:10])
    if int(reference[10]) != expected:
        return (
            f"{reference!r} fails the ISO 6346 check digit: the first ten characters give "
            f"{expected}, not {reference[10]}; re-read the number from the container"
        )
    return None


@functools.lru_cache(maxsize=4096)
def _is_un_locode(value: str) -> bool:
    return _UN_LOCODE.fullmatch(value) is not None


@functools.lru_cache(maxsize=512)
def _is_country(value: str) -> bool:
    return _COUNTRY.fullmatch(value) is not None


def _check_location(location: dict[str, Any]) -> None:
    code = location.get("UNLocationCode")
    if code is not None and not _is_un_locode(code):
        raise EventRuleError(
            "eventLocation.UNLocationCode",
            f"{code!r} is not a UN/LOCODE: two capital letters of country code and three "
            "capital letters or digits 2-9 (e.g. CNQZH)",
        )
    address = location.get("address")
    country = address.get("countryCode") if type(address) is dict else None
    if country is not None and not _is_country(country):
        raise EventRuleError(
            "eventLocation.address.countryCode",
            f"{country!r} is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. SG)",
        )


def _transport_call(
    call: dict[str, Any],
) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    where = "transportDetails.transportCall"
    vessel = _object(call.get("vesselTransport"))
    flag = vessel.get("vesselFlag")
    if flag is not None and not _is_country(flag):
        raise EventRuleError(
            f"{where}.vesselTransport.vesselFlag",
            f"{flag!r} is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. SG)",
        )
    reference = call.get("transportCallReference")
    voyage = _object(call.get("exportVoyageNumberOrReference")).get("carrierVoyageNumber")
    service = _object(call.get("serviceCodeOrReference")).get("carrierServiceCode")
    for name, value in (
        ("transportCallReference", reference),
        ("exportVoyageNumberOrReference.carrierVoyageNumber", voyage),
        ("serviceCodeOrReference.carrierServiceCode", service),
    ):
        if value is not None and len(value) > MAX_INDEXED_LENGTH:
            raise EventRuleError(
                f"{where}.{name}",
                f"is {len(value)} characters long; Corridor keeps at most {MAX_INDEXED_LENGTH}",
            )
    return reference, vessel.get("vesselIMONumber"), voyage, service, call.get("modeOfTransport")


class Decision(StrEnum):
    """What the store does with an incoming version of an event it may already hold."""

    STORE = "stored"  # a new event
    UPDATE = "updated"  # a newer version replaces the stored one (or revives a retracted one)
    RETRACT = "retracted"  # the stored version is replaced by a retraction marker
    DUPLICATE = "duplicate"  # the same content again, or a retraction of a retracted event
    SUPERSEDED = "superseded"  # older than what is stored: ignored, as the spec says
    CONFLICT = "conflict"  # other content under the same eventUpdatedDateTime: refused


class Version(NamedTuple):
    """One version of an event: retracted or not, its eventUpdatedDateTime, its content hash."""

    retracted: bool
    updated_at: dt.datetime | None
    content_hash: bytes


def decide(stored: Version | None, incoming: Version) -> Decision:
    """Which version wins (module docstring). Every case::

    stored      incoming            decision
    none        any                 STORE
    live        same content        DUPLICATE
    live        live, newer         UPDATE
    live        live, older         SUPERSEDED
    live        live, same time     CONFLICT (different content)
    live        retraction, no time or not older        RETRACT
    live        retraction, older   SUPERSEDED
    retracted   retraction          DUPLICATE
    retracted   live, newer than the retracted version  UPDATE
    retracted   live, otherwise (or retraction had no time and retracted nothing) SUPERSEDED
    """
    if stored is None:
        return Decision.STORE
    if stored.content_hash == incoming.content_hash:
        return Decision.DUPLICATE
    if stored.retracted:
        if incoming.retracted:
            return Decision.DUPLICATE
        return _newer(incoming, stored, tie=Decision.SUPERSEDED)
    if incoming.retracted:
        if incoming.updated_at is None:
            return Decision.RETRACT
        return _newer(incoming, stored, tie=Decision.RETRACT, win=Decision.RETRACT)
    return _newer(incoming, stored, tie=Decision.CONFLICT)


def _newer(
    incoming: Version, stored: Version, *, tie: Decision, win: Decision = Decision.UPDATE
) -> Decision:
    if stored.updated_at is None or incoming.updated_at is None:
        return Decision.SUPERSEDED
    if incoming.updated_at > stored.updated_at:
        return win
    if incoming.updated_at == stored.updated_at:
        return tie
    return Decision.SUPERSEDED
