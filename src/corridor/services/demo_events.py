"""Demo tracking events: DCSA Track & Trace 3.0.0 events for the demo corridor's documents.

The demo node (``services.demo``: ``DEMO_DOCUMENTS``, ``seed_corridor``) holds five bills of lading
for the Chongqing (CNCQI) -> Qinzhou (CNQZH) -> Singapore (SGSIN) corridor. ``corridor_journeys``
gives each a transport document whose planned dates sit around ``now`` and the events that put its
containers at a different point of the journey:

================  ==============================  ===========================================
document          containers at ``now``           events
================  ==============================  ===========================================
WLSM26CQSG0101    on the train from Chongqing     gate-in, loading, the train's departure,
                                                  the rail operator's estimated arrival
WLSM26CQSG0102    at Qinzhou, loaded; the vessel  ... arrival at Qinzhou, gate-in, loading, and
                  is 36-60 h overdue              the carrier's new departure estimate: the
                                                  demo's one overdue alert
WLSM26CQSG0103    on the vessel                   ... the vessel's departure (reported twice:
                                                  a corrected version), the carrier's ETA
WLSM26CQSG0104    discharged in Singapore         ... the vessel's arrival and the discharge
WLSM26CQSG0105    delivered                       ... and the laden gate-out at Singapore
================  ==============================  ===========================================

``history_journeys`` adds completed journeys of the months before (30 by default), with leg
durations drawn from a seeded generator: rail about 2 days (log-normal, median 48 h, one trip in
seven held 12-48 h more), dwell at Qinzhou 12-72 h (triangular, mode 24 h), sea about 6 days
(log-normal, median 144 h, one in eight delayed 18-60 h by weather). The corridor page draws its
charts from them and the ETA learns from them. Everything is a pure function of ``now`` and
``seed``: the planned dates are dates (the document has no times), the events' times are fixed
times of day on days counted from ``now``'s UTC date, every one of them before that date begins,
so the story is the same at any time of the day.

Each event is spelled as the TNT 3.0.0 schema spells it (``components.schemas.Event``:
``eventClassification.eventType`` ``TRANSPORT``/``EQUIPMENT``, ``eventClassifier`` ``ACTUAL``/
``ESTIMATED``, ``transportEventType`` ``DEPARTED``/``ARRIVED``, ``equipmentEventType``
``GATED_IN``/``LOADED``/``DISCHARGED``/``GATED_OUT``), names its document in
``shipmentDetails.documentReference`` (type ``TRANSPORT_DOCUMENT``) so a store finds a document's
events by reference, its container in ``equipmentDetails`` (ISO 6346, check digit valid), and the
carrier as its originating party. A train or vessel event names its transport call: the train's
departure (``RAIL_TRAIN`` and the date it left Chongqing) or the vessel and voyage, and a
``transportCallReference`` derived from them and the place (``interop.transport_calls``), so TNT
2.2 serves the TRANSPORT events too. Title actions are not generated here: the register reports
them as SHIPMENT events.

Each journey's document is the demo bill (``corridor/demo/chongqing_singapore_td.json``) with its
own reference, planned dates, vessel voyage and containers; a bill whose vessel has not sailed is
a received-for-shipment bill. ``WLSM26CQSG0101`` keeps the demo bill's containers and voyage.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

from corridor.domain.equipment import iso6346_check_digit
from corridor.interop.transport_calls import derived_call_reference

__all__ = [
    "DEFAULT_SEED",
    "HISTORY_SIZE",
    "DemoJourney",
    "all_journeys",
    "container_numbers",
    "corridor_journeys",
    "demo_events",
    "history_journeys",
]

DEFAULT_SEED = 2026
HISTORY_SIZE = 30
OWNER = "WLMU"
CARRIER = {"partyCode": "WLSM", "codeListProvider": "NMFTA", "codeListName": "SCAC"}
RAIL_SERVICE = "CNCQI-CNQZH sea-rail shuttle"
RAIL_TRAIN = "X8083"
VESSELS = ("Beibu Gulf Pioneer", "Beibu Gulf Trader", "Qinzhou Express", "Lion City Bridge")
_PLACES = {
    "CNCQI": ("Chongqing International Logistics Hub", "INLAND_TERMINAL"),
    "CNQZH": ("Qinzhou Port", "PORT_TERMINAL"),
    "SGSIN": ("Singapore", "PORT_TERMINAL"),
}
_DEMO_BOXES = ("WLMU4582011", "WLMU4582177")
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class DemoJourney:
    """One document of the demo: its DCSA eBL 3.0.3 transport document and its TNT 3.0 events."""

    reference: str
    story: str
    document: dict[str, Any]
    events: tuple[dict[str, Any], ...]

    @property
    def containers(self) -> tuple[str, ...]:
        return tuple(
            ute["equipment"]["equipmentReference"]
            for ute in self.document["utilizedTransportEquipments"]
        )


class _Kind(NamedTuple):
    event_type: str
    subtype: str
    place: str
    mode: str | None
    per_container: bool
    phase: str | None = None


_KINDS: Mapping[str, _Kind] = {
    "rail-gate-in": _Kind("EQUIPMENT", "GATED_IN", "CNCQI", None, True, "EXPORT"),
    "rail-load": _Kind("EQUIPMENT", "LOADED", "CNCQI", "RAIL", True, "EXPORT"),
    "rail-departure": _Kind("TRANSPORT", "DEPARTED", "CNCQI", "RAIL", False),
    "rail-arrival": _Kind("TRANSPORT", "ARRIVED", "CNQZH", "RAIL", False),
    "port-gate-in": _Kind("EQUIPMENT", "GATED_IN", "CNQZH", None, True, "EXPORT"),
    "vessel-load": _Kind("EQUIPMENT", "LOADED", "CNQZH", "VESSEL", True, "EXPORT"),
    "vessel-departure": _Kind("TRANSPORT", "DEPARTED", "CNQZH", "VESSEL", False),
    "vessel-arrival": _Kind("TRANSPORT", "ARRIVED", "SGSIN", "VESSEL", False),
    "discharge": _Kind("EQUIPMENT", "DISCHARGED", "SGSIN", "VESSEL", True, "IMPORT"),
    "gate-out": _Kind("EQUIPMENT", "GATED_OUT", "SGSIN", None, True, "IMPORT"),
}
_SUBTYPE_FIELD = {"TRANSPORT": "transportEventType", "EQUIPMENT": "equipmentEventType"}


class _Move(NamedTuple):
    """One reported movement: its kind, when it happened (or is expected) and when reported."""

    kind: str
    at: dt.datetime
    classifier: str = "ACTUAL"
    updated: dt.datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class _Trip:
    reference: str
    story: str
    sea_departure: dt.date
    vessel: str
    voyage: str
    containers: tuple[str, ...]
    moves: tuple[_Move, ...]


def container_numbers(first_serial: int, count: int, owner: str = OWNER) -> tuple[str, ...]:
    """``count`` ISO 6346 numbers of ``owner`` (owner code and category, e.g. ``WLMU``) from
    serial ``first_serial`` on.

    Serials whose check digit is 0 are skipped: that covers the numbers whose remainder is 10,
    which BIC does not issue (ISO 6346 annex A), at the cost of a few valid ones.
    """
    found: list[str] = []
    serial = first_serial
    while len(found) < count:
        prefix = f"{owner}{serial:06d}"
        digit = iso6346_check_digit(prefix)
        if digit != 0:
            found.append(f"{prefix}{digit}")
        serial += 1
    return tuple(found)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _departure(trip: _Trip) -> str:
    """The train's ``departureID``: the shuttle's number and the UTC date it left Chongqing."""
    left = next((m.at for m in trip.moves if m.kind == "rail-departure"), trip.moves[0].at)
    return f"{RAIL_TRAIN}-{left:%Y%m%d}"


def _call(trip: _Trip, kind: _Kind) -> dict[str, Any]:
    call: dict[str, Any]
    if kind.mode == "RAIL":
        rail = {"railServiceReference": RAIL_SERVICE, "departureID": _departure(trip)}
        call = {"modeOfTransport": "RAIL", "railTransport": rail}
    else:
        voyage = {"carrierVoyageNumber": trip.voyage, "universalVoyageReference": trip.voyage}
        call = {
            "modeOfTransport": "VESSEL",
            "exportVoyageNumberOrReference": voyage,
            "vesselTransport": {"vesselName": trip.vessel},
        }
        if kind.place == "SGSIN":
            call["importVoyageNumberOrReference"] = dict(voyage)
    reference = derived_call_reference(call, kind.place)
    return call if reference is None else {"transportCallReference": reference, **call}


def _event(trip: _Trip, move: _Move, container: str | None, index: int) -> dict[str, Any]:
    kind = _KINDS[move.kind]
    at = move.at + dt.timedelta(minutes=17 * index)
    updated = move.updated or at + dt.timedelta(minutes=12)
    name, facility = _PLACES[kind.place]
    subject = container or ("train" if kind.mode == "RAIL" else "vessel")
    event: dict[str, Any] = {
        "eventID": f"{trip.reference}-{move.kind}-{subject}-{move.classifier[:3]}",
        "eventRouting": {"originatingParties": [dict(CARRIER)]},
        "eventDateTime": _iso(at),
        "eventUpdatedDateTime": _iso(updated),
        "eventLocation": {
            "locationName": name,
            "facilityType": facility,
            "UNLocationCode": kind.place,
        },
        "eventClassification": {
            "eventType": kind.event_type,
            "eventClassifier": move.classifier,
            _SUBTYPE_FIELD[kind.event_type]: kind.subtype,
        },
        "shipmentDetails": {
            "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": trip.reference}
        },
    }
    if move.reason is not None:
        event["reason"] = move.reason
    if kind.mode is not None:
        event["transportDetails"] = {"transportCall": _call(trip, kind)}
    if container is not None:
        event["equipmentDetails"] = {
            "equipmentReference": container,
            "ISOEquipmentCode": "45G1",
            "emptyIndicator": "LADEN",
            "transportPhase": kind.phase,
        }
    return event


def _events(trip: _Trip) -> tuple[dict[str, Any], ...]:
    events: list[dict[str, Any]] = []
    for move in trip.moves:
        if _KINDS[move.kind].per_container:
            events += [_event(trip, move, box, i) for i, box in enumerate(trip.containers)]
        else:
            events.append(_event(trip, move, None, 0))
    return tuple(events)


def _base_document() -> dict[str, Any]:
    text = resources.files("corridor.demo").joinpath("chongqing_singapore_td.json").read_text()
    document: dict[str, Any] = json.loads(text)
    return document


def _replace_containers(document: dict[str, Any], boxes: Sequence[str]) -> None:
    renamed = dict(zip(_DEMO_BOXES, boxes, strict=True))
    for ute in document["utilizedTransportEquipments"]:
        old = ute["equipment"]["equipmentReference"]
        ute["equipment"]["equipmentReference"] = renamed[old]
        ute["seals"] = [{"number": f"WLS{renamed[old][4:10]}", "source": "CAR"}]
    for item in document["consignmentItems"]:
        for cargo in item["cargoItems"]:
            cargo["equipmentReference"] = renamed[cargo["equipmentReference"]]


def _document(trip: _Trip, base: Mapping[str, Any], sailed: dt.date | None) -> dict[str, Any]:
    document = copy.deepcopy(dict(base))
    document["transportDocumentReference"] = trip.reference
    transports = document["transports"]
    transports["plannedDepartureDate"] = trip.sea_departure.isoformat()
    transports["plannedArrivalDate"] = (trip.sea_departure + dt.timedelta(days=6)).isoformat()
    transports["vesselVoyages"][0].update(
        vesselName=trip.vessel,
        carrierExportVoyageNumber=trip.voyage,
        universalExportVoyageReference=trip.voyage,
    )
    if tuple(trip.containers) != _DEMO_BOXES:
        _replace_containers(document, trip.containers)
    carrier = "Western Land-Sea Multimodal (Chongqing) Co., Ltd. as Carrier"
    if sailed is not None:
        document.update(isShippedOnBoardType=True, shippedOnBoardDate=sailed.isoformat())
        document["issueDate"] = sailed.isoformat()
        document["displayedShippedOnBoardReceivedForShipment"] = (
            f"Shipped on board {trip.vessel.upper()} {trip.voyage} at Qinzhou "
            f"{sailed:%d-%b-%Y} {carrier}"
        )
        return document
    received = min(m.at for m in trip.moves).date()
    document.pop("shippedOnBoardDate", None)
    document.update(isShippedOnBoardType=False, receivedForShipmentDate=received.isoformat())
    document["issueDate"] = received.isoformat()
    document["displayedShippedOnBoardReceivedForShipment"] = (
        f"Received for shipment at Chongqing {received:%d-%b-%Y} {carrier}"
    )
    return document


def _journey(trip: _Trip, base: Mapping[str, Any]) -> DemoJourney:
    sailed = [
        m.at.date() for m in trip.moves if m.kind == "vessel-departure" and m.classifier == "ACTUAL"
    ]
    return DemoJourney(
        trip.reference, trip.story, _document(trip, base, max(sailed, default=None)), _events(trip)
    )


def _day(now: dt.datetime) -> dt.date:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (with a UTC offset)")
    return now.astimezone(dt.UTC).date()


def _on(day: dt.date, offset: int, hhmm: str) -> dt.datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    moment = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(hours, minutes))
    return moment.replace(tzinfo=dt.UTC)


class _Step(NamedTuple):
    """A move of the corridor's story: kind, day (from ``now``'s date) and time of day."""

    kind: str
    day: int
    time: str
    classifier: str = "ACTUAL"
    reported: tuple[int, str] | None = None
    reason: str | None = None


_STORM = "Vessel held at berth: tropical storm warning in the Beibu Gulf"
_RAIL = ("rail-gate-in", "rail-load", "rail-departure", "rail-arrival")
_PORT = ("port-gate-in", "vessel-load", "vessel-departure", "vessel-arrival", "discharge")


def _steps(kinds: Sequence[str], *times: tuple[int, str]) -> tuple[_Step, ...]:
    return tuple(_Step(kind, day, time) for kind, (day, time) in zip(kinds, times, strict=False))


_CORRIDOR: tuple[tuple[str, str, int, str, str, tuple[_Step, ...]], ...] = (
    (
        "WLSM26CQSG0101",
        "on the train from Chongqing",
        2,
        VESSELS[0],
        "2611S",
        (
            *_steps(_RAIL, (-2, "16:20"), (-1, "09:40"), (-1, "14:10")),
            _Step("rail-arrival", 1, "08:00", "ESTIMATED", (-1, "14:30")),
        ),
    ),
    (
        "WLSM26CQSG0102",
        "at Qinzhou, the vessel overdue",
        -2,
        VESSELS[2],
        "2610S",
        (
            *_steps(_RAIL, (-6, "15:00"), (-5, "09:00"), (-5, "12:40"), (-3, "10:15")),
            *_steps(_PORT, (-3, "13:30"), (-2, "04:50")),
            _Step("vessel-departure", 1, "06:00", "ESTIMATED", (-1, "18:00"), _STORM),
        ),
    ),
    (
        "WLSM26CQSG0103",
        "on the vessel to Singapore",
        -3,
        VESSELS[1],
        "2609S",
        (
            *_steps(_RAIL, (-7, "14:00"), (-6, "10:00"), (-6, "11:30"), (-4, "09:20")),
            *_steps(_PORT, (-4, "11:00"), (-3, "07:40"), (-3, "12:50")),
            # the terminal corrects the departure time: a new version of the same event
            _Step("vessel-departure", -3, "13:05", reported=(-3, "15:00")),
            _Step("vessel-arrival", 3, "16:00", "ESTIMATED", (-1, "08:00")),
        ),
    ),
    (
        "WLSM26CQSG0104",
        "discharged in Singapore",
        -8,
        VESSELS[3],
        "2607S",
        (
            *_steps(_RAIL, (-12, "15:30"), (-11, "09:10"), (-11, "12:30"), (-9, "08:45")),
            *_steps(_PORT, (-9, "11:00"), (-8, "05:30"), (-8, "14:00"), (-2, "07:10")),
            _Step("discharge", -2, "15:30"),
        ),
    ),
    (
        "WLSM26CQSG0105",
        "delivered in Singapore",
        -14,
        VESSELS[0],
        "2606S",
        (
            *_steps(_RAIL, (-18, "14:00"), (-17, "09:30"), (-17, "13:00"), (-15, "14:30")),
            *_steps(_PORT, (-15, "16:00"), (-14, "08:00"), (-14, "18:30"), (-8, "20:00")),
            _Step("discharge", -7, "06:00"),
            _Step("gate-out", -5, "10:00"),
        ),
    ),
)
"""The five demo documents: reference, story, sea departure (days from ``now``), vessel,
voyage, and the moves reported so far (see the module docstring's table)."""


def _move(day: dt.date, step: _Step) -> _Move:
    reported = None if step.reported is None else _on(day, *step.reported)
    return _Move(step.kind, _on(day, step.day, step.time), step.classifier, reported, step.reason)


def _corridor_trips(day: dt.date) -> list[_Trip]:
    boxes = [_DEMO_BOXES, *(container_numbers(458240 + 20 * j, 2) for j in range(4))]
    return [
        _Trip(
            reference,
            story,
            day + dt.timedelta(days=sea),
            vessel,
            voyage,
            containers,
            tuple(_move(day, step) for step in steps),
        )
        for (reference, story, sea, vessel, voyage, steps), containers in zip(
            _CORRIDOR, boxes, strict=True
        )
    ]


def corridor_journeys(now: dt.datetime) -> list[DemoJourney]:
    """The five documents of ``services.demo.DEMO_DOCUMENTS``, each at its point of the journey
    at ``now`` (see the module docstring)."""
    base = _base_document()
    return [_journey(trip, base) for trip in _corridor_trips(_day(now))]


def _hours(value: float) -> dt.timedelta:
    return dt.timedelta(minutes=round(value * 60))


def _history_moves(sea_date: dt.date, rng: random.Random) -> tuple[_Move, ...]:
    planned_rail = _on(sea_date, -3, "12:00")
    rail_departure = planned_rail + _hours(min(max(rng.gauss(1.5, 2.5), -3.0), 10.0))
    rail = 48 * min(max(rng.lognormvariate(0.0, 0.12), 0.8), 1.5)
    if rng.random() < 0.15:
        rail += rng.uniform(12, 48)  # held at a marshalling yard or the border of Guangxi
    rail_arrival = rail_departure + _hours(rail)
    departure = rail_arrival + _hours(rng.triangular(12, 72, 24))
    sea = 144 * min(max(rng.lognormvariate(0.0, 0.06), 0.85), 1.3)
    if rng.random() < 0.125:
        sea += rng.uniform(18, 60)  # weather
    arrival = departure + _hours(sea)
    discharge = arrival + _hours(rng.uniform(4, 16))
    return (
        _Move("rail-gate-in", rail_departure - _hours(rng.uniform(14, 22))),
        _Move("rail-load", rail_departure - _hours(rng.uniform(2, 4))),
        _Move("rail-departure", rail_departure),
        _Move("rail-arrival", rail_arrival),
        _Move("port-gate-in", rail_arrival + _hours(rng.uniform(1, 3))),
        _Move("vessel-load", departure - _hours(rng.uniform(2.5, 7))),
        _Move("vessel-departure", departure),
        _Move("vessel-arrival", arrival),
        _Move("discharge", discharge),
        _Move("gate-out", discharge + _hours(rng.uniform(20, 90))),
    )


def history_journeys(
    now: dt.datetime, count: int = HISTORY_SIZE, seed: int = DEFAULT_SEED
) -> list[DemoJourney]:
    """``count`` completed journeys before ``now``: one sailing every 4 days, the latest planned
    30 days before ``now`` (so even the slowest draw has ended, gate-out included)."""
    if count < 0:
        raise ValueError("the number of past journeys cannot be negative")
    day, rng, base = _day(now), random.Random(seed), _base_document()  # noqa: S311 (demo data)
    journeys = []
    for index in range(count):
        sea_date = day - dt.timedelta(days=30 + 4 * index)
        trip = _Trip(
            reference=f"WLSM{sea_date:%y}CQSGH{index + 1:03d}",
            story="completed journey (history)",
            sea_departure=sea_date,
            vessel=VESSELS[index % len(VESSELS)],
            voyage=f"{sea_date:%y}{sea_date.isocalendar().week:02d}S",
            containers=container_numbers(459000 + 10 * index, 2),
            moves=_history_moves(sea_date, rng),
        )
        journeys.append(_journey(trip, base))
    return journeys


def all_journeys(
    now: dt.datetime, count: int = HISTORY_SIZE, seed: int = DEFAULT_SEED
) -> list[DemoJourney]:
    """The corridor's five documents, then the history."""
    return [*corridor_journeys(now), *history_journeys(now, count, seed)]


def demo_events(
    now: dt.datetime, count: int = HISTORY_SIZE, seed: int = DEFAULT_SEED
) -> Iterator[dict[str, Any]]:
    """Every event of ``all_journeys``, ready for the event store (TNT 3.0.0 ``Event``)."""
    for journey in all_journeys(now, count, seed):
        yield from journey.events
