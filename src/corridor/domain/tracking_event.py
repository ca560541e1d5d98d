"""DCSA Track & Trace 3.0 events, read for the journey model.

The journey model needs only a few fields of a TNT 3.0.0 ``Event`` (``components.schemas.Event``
of ``TNT_v3.0.0.yaml``); this module reads them into a ``TrackingEvent``:

=================================  ==============================================================
TNT 3.0 field                      use
=================================  ==============================================================
``eventID``                        versions of one event share it (``Event.eventID``)
``isRetracted``                    "this and all previously transmitted events with the same
                                   ``eventID`` must be discarded"
``eventDateTime``                  when the real-world event happened or will happen
``eventUpdatedDateTime``           when it was last updated: the latest version wins, and an
                                   event is known from this time on
``eventClassification``            ``eventType`` + ``eventClassifier`` + ``transportEventType`` /
                                   ``equipmentEventType`` (see below)
``eventLocation.UNLocationCode``   where (``Location.UNLocationCode``)
``transportDetails.transportCall`` ``modeOfTransport`` (``VESSEL``, ``RAIL``, ``TRUCK``,
                                   ``BARGE``, ``MULTIMODAL``) and the export/import
                                   ``VoyageNumberOrReference``
``equipmentDetails``               ``equipmentReference`` (ISO 6346) and ``emptyIndicator``
=================================  ==============================================================

Two vocabularies. The TNT 3.0.0 schema spells the classification ``eventType: TRANSPORT``,
``eventClassifier: ACTUAL``, ``transportEventType: DEPARTED``, ``equipmentEventType: LOADED``;
DCSA's published 3.0 example payloads (``tnt300-*.json``) and TNT 2.2 use ``eventTypeCode``,
``eventClassifierCode: ACT``, ``transportEventTypeCode: DEPA``, ``equipmentEventTypeCode: LOAD``.
Both are read. The milestones the journey tracks are:

=============  =========================  ==========================
milestone      transport event type       equipment event type
=============  =========================  ==========================
GATE_IN                                   ``GATED_IN`` / ``GTIN``
LOAD                                      ``LOADED`` / ``LOAD``
DEPARTURE      ``DEPARTED`` / ``DEPA``
ARRIVAL        ``ARRIVED`` / ``ARRI``
DISCHARGE                                 ``DISCHARGED`` / ``DISC``
=============  =========================  ==========================

Any other event (shipment, IoT, reefer, gate-out, ...) is read with ``milestone`` ``None``: it
belongs on a timeline but moves no leg. An equipment event for an ``EMPTY`` container is not
cargo moving and has no milestone either.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from corridor.errors import MalformedInputError

__all__ = [
    "Classifier",
    "IgnoredEvent",
    "MilestoneKind",
    "Mode",
    "TrackingEvent",
    "current_events",
    "parse_timestamp",
    "read_tracking_event",
]


class Mode(StrEnum):
    """DCSA ``modeOfTransport`` (TNT 3.0 ``TransportCall``; eBL 3.0.3 ``preCarriageBy``)."""

    VESSEL = "VESSEL"
    RAIL = "RAIL"
    TRUCK = "TRUCK"
    BARGE = "BARGE"
    MULTIMODAL = "MULTIMODAL"


class Classifier(StrEnum):
    """TNT 3.0 ``eventClassifier``: planned, estimated or actual."""

    PLANNED = "PLANNED"
    ESTIMATED = "ESTIMATED"
    ACTUAL = "ACTUAL"


class MilestoneKind(IntEnum):
    """The milestones of one leg, in the order they happen (the order matters: see journey)."""

    GATE_IN = 1
    LOAD = 2
    DEPARTURE = 3
    ARRIVAL = 4
    DISCHARGE = 5

    @property
    def at_origin(self) -> bool:
        """Gate-in, load and departure happen at the leg's origin; the others at its end."""
        return self <= MilestoneKind.DEPARTURE


_CLASSIFIERS = {
    "ACT": Classifier.ACTUAL,
    "ACTUAL": Classifier.ACTUAL,
    "EST": Classifier.ESTIMATED,
    "ESTIMATED": Classifier.ESTIMATED,
    "PLN": Classifier.PLANNED,
    "PLANNED": Classifier.PLANNED,
}
_TRANSPORT_MILESTONES = {
    "DEPARTED": MilestoneKind.DEPARTURE,
    "DEPA": MilestoneKind.DEPARTURE,
    "ARRIVED": MilestoneKind.ARRIVAL,
    "ARRI": MilestoneKind.ARRIVAL,
}
_EQUIPMENT_MILESTONES = {
    "GATED_IN": MilestoneKind.GATE_IN,
    "GTIN": MilestoneKind.GATE_IN,
    "LOADED": MilestoneKind.LOAD,
    "LOAD": MilestoneKind.LOAD,
    "DISCHARGED": MilestoneKind.DISCHARGE,
    "DISC": MilestoneKind.DISCHARGE,
}


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """What the journey model reads from one TNT 3.0 ``Event``."""

    event_id: str | None
    event_type: str | None
    classifier: Classifier | None
    milestone: MilestoneKind | None
    event_time: dt.datetime | None
    updated_time: dt.datetime | None
    location: str | None
    mode: Mode | None
    equipment_reference: str | None
    voyages: frozenset[str]
    retracted: bool
    raw: Mapping[str, Any]

    @property
    def known_since(self) -> dt.datetime | None:
        """From when this version was known: ``eventUpdatedDateTime``, else ``eventDateTime``
        for an actual event (it cannot be reported before it happened), else always."""
        if self.updated_time is not None:
            return self.updated_time
        return self.event_time if self.classifier is Classifier.ACTUAL else None

    def recency(self) -> tuple[dt.datetime, dt.datetime, int, str, str]:
        """Sort key of "the latest version wins": update time, then event time.

        Exact ties (same times) are broken by classifier (actual over estimated over planned),
        then ``eventID``, then the content, so the winner never depends on arrival order.
        """
        floor = dt.datetime.min.replace(tzinfo=dt.UTC)
        event_time = self.event_time or floor
        certainty = list(Classifier).index(self.classifier) if self.classifier else -1
        content = json.dumps(self.raw, sort_keys=True, default=str)
        return (
            self.updated_time or event_time,
            event_time,
            certainty,
            self.event_id or "",
            content,
        )


@dataclass(frozen=True, slots=True)
class IgnoredEvent:
    """An event the journey does not use, and why (for the timeline's footnote)."""

    event_id: str | None
    reason: str


def parse_timestamp(value: object, where: str) -> dt.datetime:
    """An RFC 3339 ``date-time`` with its offset, as an aware ``datetime`` (else an error)."""
    if not isinstance(value, str):
        raise MalformedInputError(f"{where}: expected an RFC 3339 date-time string")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise MalformedInputError(
            f"{where}: {value!r} is not an RFC 3339 date-time (e.g. 2026-03-12T08:00:00Z)"
        ) from None
    if parsed.tzinfo is None:
        raise MalformedInputError(f"{where}: {value!r} has no UTC offset (add Z or +08:00)")
    return parsed


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _first(mapping: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        text = _text(mapping.get(name))
        if text is not None:
            return text.upper()
    return None


def _transport_call(event: Mapping[str, Any]) -> Mapping[str, Any]:
    call = _dict(_dict(event.get("transportDetails")).get("transportCall"))
    return call or _dict(event.get("transportCall"))


def _voyages(call: Mapping[str, Any]) -> frozenset[str]:
    found = set()
    for side in ("exportVoyageNumberOrReference", "importVoyageNumberOrReference"):
        voyage = _dict(call.get(side))
        for name in ("carrierVoyageNumber", "universalVoyageReference"):
            text = _text(voyage.get(name))
            if text is not None:
                found.add(text)
    return frozenset(found)


def _milestone(event_type: str | None, classification: Mapping[str, Any]) -> MilestoneKind | None:
    if event_type == "TRANSPORT":
        code = _first(classification, "transportEventType", "transportEventTypeCode")
        return _TRANSPORT_MILESTONES.get(code or "")
    if event_type == "EQUIPMENT":
        code = _first(classification, "equipmentEventType", "equipmentEventTypeCode")
        return _EQUIPMENT_MILESTONES.get(code or "")
    return None


def _mode(call: Mapping[str, Any], where: str) -> Mode | None:
    text = _first(call, "modeOfTransport")
    if text is None:
        return None
    try:
        return Mode(text)
    except ValueError:
        raise MalformedInputError(
            f"{where}/transportDetails/transportCall/modeOfTransport: {text!r} is not a DCSA "
            f"mode of transport ({', '.join(Mode)})"
        ) from None


def _optional_time(event: Mapping[str, Any], name: str, where: str) -> dt.datetime | None:
    value = event.get(name)
    return None if value is None else parse_timestamp(value, f"{where}/{name}")


def read_tracking_event(event: Mapping[str, Any], where: str = "event") -> TrackingEvent:
    """Read one TNT 3.0 ``Event``; raise ``MalformedInputError`` naming the field otherwise.

    A retracted event needs only its ``eventID`` (TNT 3.0: "any event data other than the
    ``eventID`` is irrelevant").
    """
    if not isinstance(event, Mapping):
        raise MalformedInputError(f"{where}: a TNT event must be a JSON object")
    event_id = _text(event.get("eventID"))
    if event.get("isRetracted") is True:
        updated = _optional_time(event, "eventUpdatedDateTime", where)
        return TrackingEvent(
            event_id, None, None, None, None, updated, None, None, None, frozenset(), True, event
        )
    classification = _dict(event.get("eventClassification"))
    event_type = _first(classification, "eventType", "eventTypeCode")
    classifier = _CLASSIFIERS.get(
        _first(classification, "eventClassifier", "eventClassifierCode") or ""
    )
    equipment = _dict(event.get("equipmentDetails"))
    empty = _first(equipment, "emptyIndicator", "emptyIndicatorCode") == "EMPTY"
    call = _transport_call(event)
    location = _first(_dict(event.get("eventLocation")), "UNLocationCode") or _first(
        _dict(call.get("location")), "UNLocationCode"
    )
    return TrackingEvent(
        event_id=event_id,
        event_type=event_type,
        classifier=classifier,
        milestone=None if empty else _milestone(event_type, classification),
        event_time=parse_timestamp(event.get("eventDateTime"), f"{where}/eventDateTime"),
        updated_time=_optional_time(event, "eventUpdatedDateTime", where),
        location=location,
        mode=_mode(call, where),
        equipment_reference=_first(equipment, "equipmentReference")
        or _first(event, "equipmentReference"),
        voyages=_voyages(call),
        retracted=False,
        raw=event,
    )


class _Rank(IntEnum):
    # A retraction without a time beats every version of its event.
    DATED = 0
    UNDATED_RETRACTION = 1


def _identity(event: TrackingEvent, index: int) -> tuple[str, ...]:
    """TNT 3.0 ``eventID``: unique per producer, so the originating parties join the key."""
    if event.event_id is None:
        return ("#", str(index))
    parties = _dict(event.raw.get("eventRouting")).get("originatingParties")
    codes = sorted(
        "/".join(
            str(_dict(p).get(k, "")) for k in ("codeListProvider", "codeListName", "partyCode")
        )
        for p in (parties if isinstance(parties, list) else [])
    )
    return (event.event_id, *codes)


def current_events(
    events: Iterable[Mapping[str, Any] | TrackingEvent],
) -> tuple[list[TrackingEvent], list[IgnoredEvent]]:
    """The current version of every event, without retracted ones, plus what was left out.

    Versions with the same ``eventID`` (and originating parties) collapse to the one with the
    latest ``eventUpdatedDateTime``; if that one is retracted the event is dropped. Unreadable
    events are left out with the reason.
    """
    latest: dict[tuple[str, ...], tuple[tuple[Any, ...], TrackingEvent]] = {}
    ignored: list[IgnoredEvent] = []
    for index, item in enumerate(events):
        try:
            event = item if isinstance(item, TrackingEvent) else read_tracking_event(item)
        except MalformedInputError as exc:
            raw_id = item.get("eventID") if isinstance(item, Mapping) else None
            ignored.append(IgnoredEvent(_text(raw_id), exc.message))
            continue
        undated = event.retracted and event.updated_time is None
        rank = _Rank.UNDATED_RETRACTION if undated else _Rank.DATED
        recency = event.recency()
        # On the same eventUpdatedDateTime a retraction wins (as the event store decides).
        key = (int(rank), recency[0], int(event.retracted), *recency[1:])
        identity = _identity(event, index)
        if identity not in latest or key >= latest[identity][0]:
            latest[identity] = (key, event)
    current = []
    for _, event in sorted(latest.values(), key=lambda pair: pair[0]):
        if event.retracted:
            ignored.append(IgnoredEvent(event.event_id, "retracted by its producer"))
        else:
            current.append(event)
    return current, ignored
