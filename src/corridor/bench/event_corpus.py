"""Tracking events for ``corridor bench events``: many corridor journeys as DCSA TNT 3.0.0 JSON.

The benchmark needs a large body of events that looks like what a corridor's operators send:
DCSA Track & Trace 3.0.0 ``components.schemas.Event`` objects, spelled in the spec's words
(``eventClassification.eventType`` ``EQUIPMENT``/``TRANSPORT``, ``eventClassifier``
``ACTUAL``/``ESTIMATED``, ``equipmentEventType`` ``GATED_IN``/``LOADED``/``DISCHARGED``/
``GATED_OUT``, ``transportEventType`` ``DEPARTED``/``ARRIVED``), as ``services.demo_events`` writes
the demo's, but for tens of thousands of journeys.

Each journey is one transport document (``shipmentDetails.documentReference``, type
``TRANSPORT_DOCUMENT``) carrying 1 to 6 containers (ISO 6346 numbers with valid check digits, of
several owners, drawn from a pool so that each container makes several journeys, as boxes do)
by rail from an inland hub (Chongqing CNCQI, Chengdu CNCTU, Kunming CNKMG) to
Qinzhou (CNQZH), then by sea to a port of South-East Asia (SGSIN, MYPKG, VNSGN, THLCH, IDJKT) on
one of a fleet of vessels (IMO numbers with valid check digits), on a voyage and service. Its
events, in time order:

- per container: gate-in at the hub, loading on the train (EQUIPMENT, ACTUAL);
- the train's departure, the rail operator's estimated arrival, the arrival (TRANSPORT);
- per container: gate-in at Qinzhou, loading on the vessel (EQUIPMENT, with the transport call);
- the vessel's departure, the carrier's ETA, the arrival (TRANSPORT, with IMO, voyage, service
  and a transport call reference);
- per container: discharge and gate-out at destination (EQUIPMENT).

That is ``6 * containers + 6`` events a journey (27 on average); the last journey is cut so that
there are exactly ``count`` events. Every event has a fresh UUID ``eventID`` and the carrier as
its originating party. Everything is a pure function of ``count`` and ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from corridor.domain.equipment import iso6346_check_digit

__all__ = ["DEFAULT_SEED", "FIRST_EVENT", "EventCorpus", "event_corpus", "imo_number"]

DEFAULT_SEED = 6346
_CARRIER = {"partyCode": "WLSM", "codeListProvider": "NMFTA", "codeListName": "SCAC"}
_OWNERS = ("WLMU", "CSQU", "OOLU", "TGHU", "MSKU", "CXDU")
_HUBS = {
    "CNCQI": "Chongqing International Logistics Hub",
    "CNCTU": "Chengdu International Railway Port",
    "CNKMG": "Kunming Wangjiaying Container Terminal",
}
_QINZHOU = ("CNQZH", "Qinzhou Port")
_PORTS = {
    "SGSIN": "Singapore",
    "MYPKG": "Port Klang",
    "VNSGN": "Cat Lai",
    "THLCH": "Laem Chabang",
    "IDJKT": "Tanjung Priok",
}
_VESSEL_NAMES = ("Beibu Gulf", "Qinzhou", "Lion City", "Land-Sea", "Straits", "Xijiang")
_VESSEL_WORDS = ("Pioneer", "Trader", "Express", "Bridge", "Star", "Harmony", "Spirit")
_ISO_CODES = ("45G1", "22G1", "42G1", "45R1")
_START = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
_HOUR = dt.timedelta(hours=1)
_EVENTS_PER_CONTAINER = 30  # containers are reused: each carries about 5 journeys' events
FIRST_EVENT = len(b'{"events":[')


@dataclass(frozen=True)
class EventCorpus:
    """The events as DCSA JSON ``{"events": [...]}`` bytes, and values a query can look for.

    Event ``i`` is ``body[start:ends[i]]``, ``start`` being ``FIRST_EVENT`` for the first event
    and ``ends[i - 1] + 1`` (past the comma) for the others.
    """

    body: bytes
    count: int
    ends: array[int]
    equipment_references: tuple[str, ...]
    transport_document_references: tuple[str, ...]
    locations: tuple[str, ...]
    voyages: tuple[tuple[str, str], ...]  # (vessel IMO number, export voyage number)
    updated: tuple[dt.datetime, ...]  # some events' eventUpdatedDateTime (about 10,000)


def imo_number(serial: int) -> str:
    """A 7-digit IMO ship number from a 6-digit ``serial``, with its check digit."""
    digits = f"{serial:06d}"
    total = sum(int(d) * weight for d, weight in zip(digits, range(7, 1, -1), strict=True))
    return f"{digits}{total % 10}"


def _containers(rng: random.Random, count: int, serials: dict[str, int]) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        owner = rng.choice(_OWNERS)
        serial = serials[owner] = serials[owner] + 1
        prefix = f"{owner}{serial:06d}"
        digit = iso6346_check_digit(prefix)
        if digit != 0:  # remainder 10: BIC does not issue the number (ISO 6346 annex A)
            found.append(f"{prefix}{digit}")
    return found


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Journey:
    reference: str
    containers: list[str]
    hub: str
    port: str
    vessel: tuple[str, str]
    voyage: str
    service: str
    start: dt.datetime
    train: str


class _Writer:
    """Builds the events of one journey."""

    def __init__(self, rng: random.Random, journey: _Journey) -> None:
        self.rng = rng
        self.j = journey

    def event(
        self,
        at: dt.datetime,
        classification: dict[str, str],
        place: tuple[str, str],
        facility: str,
        **parts: Any,
    ) -> dict[str, Any]:
        reported = at + dt.timedelta(minutes=self.rng.randint(2, 45))
        return {
            "eventID": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "eventRouting": {"originatingParties": [_CARRIER]},
            "eventDateTime": _iso(at),
            "eventUpdatedDateTime": _iso(reported),
            "eventLocation": {
                "locationName": place[1],
                "facilityType": facility,
                "UNLocationCode": place[0],
            },
            "eventClassification": classification,
            "shipmentDetails": {
                "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": self.j.reference}
            },
            **parts,
        }

    def equipment(self, container: str, phase: str) -> dict[str, Any]:
        return {
            "equipmentReference": container,
            "ISOEquipmentCode": self.rng.choice(_ISO_CODES),
            "emptyIndicator": "LADEN",
            "transportPhase": phase,
            "seals": [{"number": f"WLS{container[4:10]}", "source": "CARRIER"}],
        }

    def rail_call(self, place: str) -> dict[str, Any]:
        service = f"{self.j.hub}-CNQZH sea-rail shuttle"
        return {
            "transportCall": {
                "transportCallReference": f"{self.j.train}-{self.j.start:%Y%m%d}-{place}",
                "modeOfTransport": "RAIL",
                "railTransport": {"railServiceReference": service},
            }
        }

    def vessel_call(self, port: str) -> dict[str, Any]:
        voyage = {"carrierVoyageNumber": self.j.voyage, "universalVoyageReference": self.j.voyage}
        return {
            "transportCall": {
                "transportCallReference": f"{self.j.voyage}-{port}",
                "modeOfTransport": "VESSEL",
                "serviceCodeOrReference": {"carrierServiceCode": self.j.service},
                "exportVoyageNumberOrReference": voyage,
                "vesselTransport": {
                    "vesselIMONumber": self.j.vessel[0],
                    "vesselName": self.j.vessel[1],
                },
            }
        }


def _equipment_class(subtype: str, classifier: str = "ACTUAL") -> dict[str, str]:
    return {"eventType": "EQUIPMENT", "eventClassifier": classifier, "equipmentEventType": subtype}


def _transport_class(subtype: str, classifier: str = "ACTUAL") -> dict[str, str]:
    return {"eventType": "TRANSPORT", "eventClassifier": classifier, "transportEventType": subtype}


def _journey_events(rng: random.Random, j: _Journey) -> Iterator[dict[str, Any]]:
    w = _Writer(rng, j)
    hub = (j.hub, _HUBS[j.hub])
    port = (j.port, _PORTS[j.port])
    at = j.start
    for box in j.containers:
        at += dt.timedelta(minutes=rng.randint(5, 90))
        yield w.event(
            at,
            _equipment_class("GATED_IN"),
            hub,
            "INLAND_TERMINAL",
            equipmentDetails=w.equipment(box, "EXPORT"),
        )
    for box in j.containers:
        at += dt.timedelta(minutes=rng.randint(5, 30))
        yield w.event(
            at,
            _equipment_class("LOADED"),
            hub,
            "INLAND_TERMINAL",
            equipmentDetails=w.equipment(box, "EXPORT"),
            transportDetails=w.rail_call(j.hub),
        )
    at += dt.timedelta(hours=rng.randint(2, 12))
    departure, arrival = w.rail_call(j.hub), w.rail_call("CNQZH")
    yield w.event(
        at, _transport_class("DEPARTED"), hub, "INLAND_TERMINAL", transportDetails=departure
    )
    yield w.event(
        at + 48 * _HOUR,
        _transport_class("ARRIVED", "ESTIMATED"),
        _QINZHOU,
        "PORT_TERMINAL",
        transportDetails=arrival,
    )
    at += dt.timedelta(hours=rng.lognormvariate(3.87, 0.15))
    yield w.event(
        at, _transport_class("ARRIVED"), _QINZHOU, "PORT_TERMINAL", transportDetails=arrival
    )
    for box in j.containers:
        at += dt.timedelta(minutes=rng.randint(10, 120))
        yield w.event(
            at,
            _equipment_class("GATED_IN"),
            _QINZHOU,
            "PORT_TERMINAL",
            equipmentDetails=w.equipment(box, "EXPORT"),
        )
    at += dt.timedelta(hours=rng.triangular(12, 72, 24))
    for box in j.containers:
        at += dt.timedelta(minutes=rng.randint(3, 20))
        yield w.event(
            at,
            _equipment_class("LOADED"),
            _QINZHOU,
            "PORT_TERMINAL",
            equipmentDetails=w.equipment(box, "EXPORT"),
            transportDetails=w.vessel_call("CNQZH"),
        )
    at += dt.timedelta(hours=rng.randint(2, 10))
    sea = w.vessel_call("CNQZH")
    yield w.event(at, _transport_class("DEPARTED"), _QINZHOU, "PORT_TERMINAL", transportDetails=sea)
    yield w.event(
        at + 144 * _HOUR,
        _transport_class("ARRIVED", "ESTIMATED"),
        port,
        "PORT_TERMINAL",
        transportDetails=w.vessel_call(j.port),
    )
    at += dt.timedelta(hours=rng.lognormvariate(4.97, 0.12))
    yield w.event(
        at,
        _transport_class("ARRIVED"),
        port,
        "PORT_TERMINAL",
        transportDetails=w.vessel_call(j.port),
    )
    for box in j.containers:
        at += dt.timedelta(minutes=rng.randint(10, 90))
        yield w.event(
            at,
            _equipment_class("DISCHARGED"),
            port,
            "PORT_TERMINAL",
            equipmentDetails=w.equipment(box, "IMPORT"),
            transportDetails=w.vessel_call(j.port),
        )
    for box in j.containers:
        at += dt.timedelta(hours=rng.randint(4, 96))
        yield w.event(
            at,
            _equipment_class("GATED_OUT"),
            port,
            "PORT_TERMINAL",
            equipmentDetails=w.equipment(box, "IMPORT"),
        )


def _fleet(rng: random.Random) -> list[tuple[str, str]]:
    names = [f"{a} {b}" for a in _VESSEL_NAMES for b in _VESSEL_WORDS]
    serials = rng.sample(range(100000, 999999), len(names))
    return [(imo_number(s), name) for s, name in zip(serials, names, strict=True)]


@dataclass
class _Builder:
    """The JSON being written and the values gathered for queries."""

    out: bytearray
    ends: array[int]
    containers: set[str]
    documents: list[str]
    voyages: set[tuple[str, str]]
    every: int
    updated: list[dt.datetime]

    def add(self, event: dict[str, Any]) -> None:
        if self.ends:
            self.out += b","
        self.out += orjson.dumps(event)  # orjson's bytes hold ~4 KiB each: copy, do not keep
        if len(self.ends) % self.every == 0:
            self.updated.append(dt.datetime.fromisoformat(event["eventUpdatedDateTime"]))
        self.ends.append(len(self.out))


def event_corpus(count: int, seed: int = DEFAULT_SEED) -> EventCorpus:
    """``count`` events of corridor journeys (module docstring) as DCSA JSON bytes."""
    rng = random.Random(seed)  # noqa: S311 (benchmark data, reproducible)
    fleet = _fleet(rng)
    pool = _containers(rng, max(8, count // _EVENTS_PER_CONTAINER), dict.fromkeys(_OWNERS, 1000))
    every = max(1, count // 10_000)
    built = _Builder(bytearray(b'{"events":['), array("Q"), set(), [], set(), every, [])
    number = 0
    while len(built.ends) < count:
        number += 1
        vessel = rng.choice(fleet)
        journey = _Journey(
            reference=f"WLSM{seed % 100:02d}B{number:08d}",
            containers=rng.sample(pool, rng.choice((1, 2, 2, 3, 3, 4, 4, 5, 6))),
            hub=rng.choice(tuple(_HUBS)),
            port=rng.choice(tuple(_PORTS)),
            vessel=vessel,
            voyage=f"{number // 50 % 100:02d}{fleet.index(vessel):02d}S",
            service=f"NLS{rng.randint(1, 4)}",
            start=_START + dt.timedelta(minutes=7 * number),
            train=f"X{8400 + number % 400}",
        )
        events = list(_journey_events(rng, journey))[: count - len(built.ends)]
        for event in events:
            built.add(event)
        built.documents.append(journey.reference)
        built.containers.update(journey.containers[: len(events)])  # gate-ins come first
        if len(events) == 6 * len(journey.containers) + 6:
            built.voyages.add((vessel[0], journey.voyage))
    built.out += b"]}"
    return EventCorpus(
        body=bytes(built.out),
        count=len(built.ends),
        ends=built.ends,
        equipment_references=tuple(sorted(built.containers)),
        transport_document_references=tuple(built.documents),
        locations=(*_HUBS, _QINZHOU[0], *_PORTS),
        voyages=tuple(sorted(built.voyages)),
        updated=tuple(built.updated),
    )
