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
- the train's departure, the rail operator's estimated arrival, the arrival (TRANSPORT, with a
  transport call reference of train, day and station, so that TNT 2.2 can render them too);
- per container: gate-in at Qinzhou, loading on the vessel (EQUIPMENT, with the transport call);
- the vessel's departure, the carrier's ETA, the arrival (TRANSPORT, with IMO, voyage, service
  and a transport call reference);
- per container: discharge and gate-out at destination (EQUIPMENT).

That is ``6 * containers + 6`` events a journey (26 on average); the last journey is cut so that
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
_QINZHOU = "CNQZH"
_PORTS = {
    "SGSIN": "Singapore",
    "MYPKG": "Port Klang",
    "VNSGN": "Cat Lai",
    "THLCH": "Laem Chabang",
    "IDJKT": "Tanjung Priok",
}
_PLACES = {
    **{code: (name, "INLAND_TERMINAL") for code, name in _HUBS.items()},
    _QINZHOU: ("Qinzhou Port", "PORT_TERMINAL"),
    **{code: (name, "PORT_TERMINAL") for code, name in _PORTS.items()},
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
        self, at: dt.datetime, classification: dict[str, str], code: str, **parts: Any
    ) -> dict[str, Any]:
        name, facility = _PLACES[code]
        reported = at + dt.timedelta(minutes=self.rng.randint(2, 45))
        return {
            "eventID": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "eventRouting": {"originatingParties": [_CARRIER]},
            "eventDateTime": _iso(at),
            "eventUpdatedDateTime": _iso(reported),
            "eventLocation": {
                "locationName": name,
                "facilityType": facility,
                "UNLocationCode": code,
            },
            "eventClassification": classification,
            "shipmentDetails": {
                "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": self.j.reference}
            },
            **parts,
        }

    def box(
        self,
        at: dt.datetime,
        subtype: str,
        code: str,
        container: str,
        call: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An EQUIPMENT event of ``container`` at ``code`` (ACTUAL)."""
        equipment = {
            "equipmentReference": container,
            "ISOEquipmentCode": self.rng.choice(_ISO_CODES),
            "emptyIndicator": "LADEN",
            "transportPhase": "IMPORT" if code == self.j.port else "EXPORT",
            "seals": [{"number": f"WLS{container[4:10]}", "source": "CARRIER"}],
        }
        classification = {
            "eventType": "EQUIPMENT",
            "eventClassifier": "ACTUAL",
            "equipmentEventType": subtype,
        }
        parts = {"equipmentDetails": equipment} | (
            {} if call is None else {"transportDetails": call}
        )
        return self.event(at, classification, code, **parts)

    def move(
        self, at: dt.datetime, subtype: str, code: str, call: dict[str, Any], classifier: str
    ) -> dict[str, Any]:
        """A TRANSPORT event (the train's or the vessel's) at ``code``."""
        classification = {
            "eventType": "TRANSPORT",
            "eventClassifier": classifier,
            "transportEventType": subtype,
        }
        return self.event(at, classification, code, transportDetails=call)

    def rail(self, code: str) -> dict[str, Any]:
        service = f"{self.j.hub}-CNQZH sea-rail shuttle"
        return {
            "transportCall": {
                "transportCallReference": f"{self.j.train}-{self.j.start:%Y%m%d}-{code}",
                "modeOfTransport": "RAIL",
                "railTransport": {"railServiceReference": service},
            }
        }

    def vessel(self, code: str) -> dict[str, Any]:
        voyage = {"carrierVoyageNumber": self.j.voyage, "universalVoyageReference": self.j.voyage}
        return {
            "transportCall": {
                "transportCallReference": f"{self.j.voyage}-{code}",
                "modeOfTransport": "VESSEL",
                "serviceCodeOrReference": {"carrierServiceCode": self.j.service},
                "exportVoyageNumberOrReference": voyage,
                "vesselTransport": {
                    "vesselIMONumber": self.j.vessel[0],
                    "vesselName": self.j.vessel[1],
                },
            }
        }


def _minutes(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(minutes=rng.randint(low, high))


def _journey_events(rng: random.Random, j: _Journey) -> Iterator[dict[str, Any]]:
    """The journey's events in time order (module docstring)."""
    w = _Writer(rng, j)
    clock = [j.start]
    yield from _rail_leg(w, clock)
    yield from _at_qinzhou(w, clock)
    yield from _sea_leg(w, clock)


def _later(clock: list[dt.datetime], gap: dt.timedelta) -> dt.datetime:
    clock[0] += gap
    return clock[0]


def _rail_leg(w: _Writer, clock: list[dt.datetime]) -> Iterator[dict[str, Any]]:
    j, rng = w.j, w.rng
    for box in j.containers:
        yield w.box(_later(clock, _minutes(rng, 5, 90)), "GATED_IN", j.hub, box)
    for box in j.containers:
        yield w.box(_later(clock, _minutes(rng, 5, 30)), "LOADED", j.hub, box, w.rail(j.hub))
    at = _later(clock, dt.timedelta(hours=rng.randint(2, 12)))
    yield w.move(at, "DEPARTED", j.hub, w.rail(j.hub), "ACTUAL")
    yield w.move(at + 48 * _HOUR, "ARRIVED", _QINZHOU, w.rail(_QINZHOU), "ESTIMATED")
    at = _later(clock, dt.timedelta(hours=rng.lognormvariate(3.87, 0.15)))  # about 48 h
    yield w.move(at, "ARRIVED", _QINZHOU, w.rail(_QINZHOU), "ACTUAL")


def _at_qinzhou(w: _Writer, clock: list[dt.datetime]) -> Iterator[dict[str, Any]]:
    j, rng = w.j, w.rng
    for box in j.containers:
        yield w.box(_later(clock, _minutes(rng, 10, 120)), "GATED_IN", _QINZHOU, box)
    _later(clock, dt.timedelta(hours=rng.triangular(12, 72, 24)))  # the dwell at the port
    for box in j.containers:
        at = _later(clock, _minutes(rng, 3, 20))
        yield w.box(at, "LOADED", _QINZHOU, box, w.vessel(_QINZHOU))


def _sea_leg(w: _Writer, clock: list[dt.datetime]) -> Iterator[dict[str, Any]]:
    j, rng = w.j, w.rng
    at = _later(clock, dt.timedelta(hours=rng.randint(2, 10)))
    yield w.move(at, "DEPARTED", _QINZHOU, w.vessel(_QINZHOU), "ACTUAL")
    yield w.move(at + 144 * _HOUR, "ARRIVED", j.port, w.vessel(j.port), "ESTIMATED")
    at = _later(clock, dt.timedelta(hours=rng.lognormvariate(4.97, 0.12)))  # about 6 days
    yield w.move(at, "ARRIVED", j.port, w.vessel(j.port), "ACTUAL")
    for box in j.containers:
        yield w.box(
            _later(clock, _minutes(rng, 10, 90)), "DISCHARGED", j.port, box, w.vessel(j.port)
        )
    for box in j.containers:
        at = _later(clock, dt.timedelta(hours=rng.randint(4, 96)))
        yield w.box(at, "GATED_OUT", j.port, box)


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
        locations=tuple(_PLACES),
        voyages=tuple(sorted(built.voyages)),
        updated=tuple(built.updated),
    )
