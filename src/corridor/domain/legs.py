"""The planned legs of a transport document's journey.

Read from DCSA eBL 3.0.3 ``TransportDocument.transports`` (``components.schemas.Transports``):

* **pre-carriage** by ``preCarriageBy`` from ``placeOfReceipt`` to ``portOfLoading``, only when
  ``preCarriageBy`` is given ("when transport to the port of loading is organized by the
  carrier");
* the **sea leg** by ``VESSEL`` from ``portOfLoading`` to ``portOfDischarge``, on the
  ``vesselVoyages`` (vessel name, ``carrierExportVoyageNumber``,
  ``universalExportVoyageReference``);
* **on-carriage** by ``onCarriageBy`` from ``portOfDischarge`` to ``placeOfDelivery``, only when
  ``onCarriageBy`` is given.

Planned times. The document carries dates only: ``plannedDepartureDate`` and
``plannedArrivalDate``. Corridor reads them as the sea leg's dates (vessel departure from the port
of loading, arrival at the port of discharge): the spec requires them on every document, with or
without pre- or on-carriage, and a shipped-on-board date is the vessel's. A date becomes a time at
``PlanningDefaults.time_of_day`` (12:00 UTC, the middle of the day, so a plan is at most half a day
off in either direction). What the document does not say comes from a table of typical durations:

* transit: the corridor's own legs (``CORRIDOR_TRANSIT``: rail Chongqing CNCQI → Qinzhou CNQZH 2
  days, sea Qinzhou → Singapore SGSIN 6 days, as in ARCHITECTURE.md section 1), else a rough
  figure per mode (``MODE_TRANSIT``);
* dwell: the wait between arriving at a port and the next leg's departure (``DWELL``: 24 h at
  Qinzhou; ``default_dwell`` 24 h elsewhere);
* a missing sea date is the other one minus/plus the sea transit.

Pre-carriage is planned backwards from the sea departure (arrive a dwell before it, leave a
transit before that); on-carriage forwards from the sea arrival. Each leg says where its times
came from (``PlanSource``) so a page can mark planned times that are only typical.

Expected milestones (the ones overdue alerts watch): every leg expects its departure from the
origin and its arrival at the destination; the sea leg also expects gate-in and loading at the
port of loading (planned a dwell and ``load_lead`` before departure) and discharge at the port of
discharge (``discharge_lag`` after arrival). Every container of the document
(``utilizedTransportEquipments``) is expected on every leg: a vehicle that departs without one of
them leaves it behind (``corridor.domain.left_behind``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from corridor.domain.tracking_event import MilestoneKind, Mode
from corridor.domain.transport_document import TransportDocument
from corridor.errors import DocumentRuleError

__all__ = [
    "CORRIDOR_TRANSIT",
    "DWELL",
    "KNOWN_PLACES",
    "MODE_TRANSIT",
    "JourneyPlan",
    "LegKey",
    "Place",
    "PlanSource",
    "PlannedLeg",
    "PlannedMilestone",
    "PlanningDefaults",
    "plan_journey",
    "plan_legs",
]

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


class LegKey(NamedTuple):
    """A leg as history knows it: from, to (UN/LOCODEs) and mode."""

    origin: str
    destination: str
    mode: Mode


CORRIDOR_TRANSIT: Mapping[LegKey, dt.timedelta] = {
    LegKey("CNCQI", "CNQZH", Mode.RAIL): 2 * DAY,
    LegKey("CNQZH", "SGSIN", Mode.VESSEL): 6 * DAY,
}
"""Typical transit of the corridor's legs (ARCHITECTURE.md section 1)."""

MODE_TRANSIT: Mapping[Mode, dt.timedelta] = {
    Mode.RAIL: 2 * DAY,
    Mode.TRUCK: 1 * DAY,
    Mode.BARGE: 3 * DAY,
    Mode.VESSEL: 6 * DAY,
    Mode.MULTIMODAL: 3 * DAY,
}
"""A rough transit per mode, for legs off the corridor; such plans say ``MODE_DEFAULT``."""

DWELL: Mapping[str, dt.timedelta] = {"CNQZH": 24 * HOUR}
"""Typical wait at a port between arriving and the next leg's departure."""

KNOWN_PLACES: Mapping[str, str] = {
    "CNCQI": "Chongqing",
    "CNQZH": "Qinzhou",
    "SGSIN": "Singapore",
}
"""Short names of the corridor's places, for sentences ("Qinzhou (CNQZH)")."""


class PlanSource(StrEnum):
    DOCUMENT = "DOCUMENT"
    """The time is the transport document's own planned date."""
    CORRIDOR_DEFAULT = "CORRIDOR_DEFAULT"
    """Derived with the corridor's typical durations."""
    MODE_DEFAULT = "MODE_DEFAULT"
    """Derived with a rough duration for the mode: treat as a guess."""


@dataclass(frozen=True)
class PlanningDefaults:
    """The typical durations used where the document is silent (see the module docstring)."""

    transit: Mapping[LegKey, dt.timedelta] = field(default_factory=lambda: dict(CORRIDOR_TRANSIT))
    transit_by_mode: Mapping[Mode, dt.timedelta] = field(default_factory=lambda: dict(MODE_TRANSIT))
    dwell: Mapping[str, dt.timedelta] = field(default_factory=lambda: dict(DWELL))
    default_dwell: dt.timedelta = 24 * HOUR
    time_of_day: dt.time = dt.time(12, 0, tzinfo=dt.UTC)
    load_lead: dt.timedelta = 6 * HOUR
    discharge_lag: dt.timedelta = 12 * HOUR

    def transit_for(
        self, origin: Place, destination: Place, mode: Mode
    ) -> tuple[dt.timedelta, PlanSource]:
        if origin.code is not None and destination.code is not None:
            typical = self.transit.get(LegKey(origin.code, destination.code, mode))
            if typical is not None:
                return typical, PlanSource.CORRIDOR_DEFAULT
        return self.transit_by_mode[mode], PlanSource.MODE_DEFAULT

    def dwell_at(self, place: Place) -> dt.timedelta:
        return self.dwell.get(place.code or "", self.default_dwell)


@dataclass(frozen=True)
class Place:
    """A place of the journey: its UN/LOCODE (if the document gives one) and a name."""

    code: str | None
    name: str | None = None

    @property
    def label(self) -> str:
        """How a sentence names it: ``Qinzhou (CNQZH)``, ``CNQZH`` or the document's name."""
        name = KNOWN_PLACES.get(self.code or "") or self.name
        if self.code is None:
            return name or "an unnamed place"
        return f"{name} ({self.code})" if name else self.code


@dataclass(frozen=True)
class PlannedMilestone:
    kind: MilestoneKind
    place: Place
    planned: dt.datetime


@dataclass(frozen=True)
class PlannedLeg:
    """One leg: from, to, mode, planned times, vessel voyages, expected milestones."""

    index: int
    role: str
    """``PRE_CARRIAGE``, ``SEA`` or ``ON_CARRIAGE``."""
    origin: Place
    destination: Place
    mode: Mode
    planned_departure: dt.datetime
    planned_arrival: dt.datetime
    plan_source: PlanSource
    milestones: tuple[PlannedMilestone, ...]
    voyages: frozenset[str] = frozenset()
    vessel_names: tuple[str, ...] = ()

    @property
    def key(self) -> LegKey | None:
        """The leg as history knows it, when both ends have a UN/LOCODE."""
        if self.origin.code is None or self.destination.code is None:
            return None
        return LegKey(self.origin.code, self.destination.code, self.mode)

    @property
    def planned_transit(self) -> dt.timedelta:
        return self.planned_arrival - self.planned_departure

    def milestone(self, kind: MilestoneKind) -> PlannedMilestone | None:
        return next((m for m in self.milestones if m.kind is kind), None)


@dataclass(frozen=True)
class JourneyPlan:
    """The planned journey of one transport document."""

    document_reference: str
    equipment_references: tuple[str, ...]
    legs: tuple[PlannedLeg, ...]

    @property
    def destination(self) -> Place:
        return self.legs[-1].destination


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _place(transports: Mapping[str, Any], name: str) -> Place:
    raw = _mapping(transports.get(name))
    code = raw.get("UNLocationCode")
    label = raw.get("locationName") or raw.get("facilityName")
    return Place(
        code.upper() if isinstance(code, str) and code else None,
        label if isinstance(label, str) else None,
    )


def _mode(transports: Mapping[str, Any], name: str) -> Mode | None:
    value = transports.get(name)
    if value is None:
        return None
    try:
        return Mode(str(value).upper())
    except ValueError:
        raise DocumentRuleError(
            f"/transports/{name}",
            f"{value!r} is not a DCSA mode of transport ({', '.join(Mode)})",
        ) from None


def _date(transports: Mapping[str, Any], name: str) -> dt.date | None:
    value = transports.get(name)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DocumentRuleError(
            f"/transports/{name}", f"{value!r} is not a date (YYYY-MM-DD)"
        ) from None


def _voyages(transports: Mapping[str, Any]) -> tuple[frozenset[str], tuple[str, ...]]:
    raw = transports.get("vesselVoyages")
    voyages: set[str] = set()
    names: list[str] = []
    for voyage in raw if isinstance(raw, list) else []:
        voyage_map = _mapping(voyage)
        for key in ("carrierExportVoyageNumber", "universalExportVoyageReference"):
            if isinstance(voyage_map.get(key), str):
                voyages.add(voyage_map[key])
        if isinstance(voyage_map.get("vesselName"), str):
            names.append(voyage_map["vesselName"])
    return frozenset(voyages), tuple(names)


def _equipment(document: Mapping[str, Any]) -> tuple[str, ...]:
    raw = document.get("utilizedTransportEquipments")
    found: list[str] = []
    for ute in raw if isinstance(raw, list) else []:
        reference = _mapping(_mapping(ute).get("equipment")).get("equipmentReference")
        if isinstance(reference, str) and reference and reference.upper() not in found:
            found.append(reference.upper())
    return tuple(found)


def _at(day: dt.date, defaults: PlanningDefaults) -> dt.datetime:
    moment = dt.datetime.combine(day, defaults.time_of_day)
    if moment.tzinfo is None:  # a time of day without an offset is UTC, never the host's zone
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _sea_times(
    transports: Mapping[str, Any], origin: Place, destination: Place, defaults: PlanningDefaults
) -> tuple[dt.datetime, dt.datetime, PlanSource]:
    departure_date = _date(transports, "plannedDepartureDate")
    arrival_date = _date(transports, "plannedArrivalDate")
    transit, source = defaults.transit_for(origin, destination, Mode.VESSEL)
    if departure_date is None and arrival_date is None:
        raise DocumentRuleError(
            "/transports/plannedDepartureDate",
            "the document has neither plannedDepartureDate nor plannedArrivalDate, so its "
            "journey cannot be planned; both are required by DCSA eBL 3.0.3",
        )
    if departure_date is None:
        assert arrival_date is not None
        arrival = _at(arrival_date, defaults)
        return arrival - transit, arrival, source
    departure = _at(departure_date, defaults)
    if arrival_date is None or arrival_date < departure_date:
        return departure, departure + transit, source
    return departure, _at(arrival_date, defaults), PlanSource.DOCUMENT


class _Draft(NamedTuple):
    role: str
    origin: Place
    destination: Place
    mode: Mode
    departure: dt.datetime
    arrival: dt.datetime
    source: PlanSource


def _milestones(draft: _Draft, defaults: PlanningDefaults) -> tuple[PlannedMilestone, ...]:
    core = (
        PlannedMilestone(MilestoneKind.DEPARTURE, draft.origin, draft.departure),
        PlannedMilestone(MilestoneKind.ARRIVAL, draft.destination, draft.arrival),
    )
    if draft.role != "SEA":
        return core
    gate_in = draft.departure - defaults.dwell_at(draft.origin)
    return (
        PlannedMilestone(MilestoneKind.GATE_IN, draft.origin, gate_in),
        PlannedMilestone(MilestoneKind.LOAD, draft.origin, draft.departure - defaults.load_lead),
        *core,
        PlannedMilestone(
            MilestoneKind.DISCHARGE, draft.destination, draft.arrival + defaults.discharge_lag
        ),
    )


def _drafts(transports: Mapping[str, Any], defaults: PlanningDefaults) -> list[_Draft]:
    loading, discharge = _place(transports, "portOfLoading"), _place(transports, "portOfDischarge")
    departure, arrival, source = _sea_times(transports, loading, discharge, defaults)
    drafts = [_Draft("SEA", loading, discharge, Mode.VESSEL, departure, arrival, source)]
    pre_mode = _mode(transports, "preCarriageBy")
    if pre_mode is not None:
        receipt = _place(transports, "placeOfReceipt")
        transit, pre_source = defaults.transit_for(receipt, loading, pre_mode)
        pre_arrival = departure - defaults.dwell_at(loading)
        drafts.insert(
            0,
            _Draft(
                "PRE_CARRIAGE",
                receipt,
                loading,
                pre_mode,
                pre_arrival - transit,
                pre_arrival,
                pre_source,
            ),
        )
    on_mode = _mode(transports, "onCarriageBy")
    if on_mode is not None:
        delivery = _place(transports, "placeOfDelivery")
        transit, on_source = defaults.transit_for(discharge, delivery, on_mode)
        on_departure = arrival + defaults.dwell_at(discharge)
        drafts.append(
            _Draft(
                "ON_CARRIAGE",
                discharge,
                delivery,
                on_mode,
                on_departure,
                on_departure + transit,
                on_source,
            )
        )
    return drafts


def plan_journey(
    document: Mapping[str, Any] | TransportDocument, defaults: PlanningDefaults | None = None
) -> JourneyPlan:
    """Plan the legs of a DCSA eBL 3.0.3 ``TransportDocument`` (JSON or parsed).

    Raises ``DocumentRuleError`` (with the field's location) when the document has no
    ``transports``, gives no planned date at all or names an unknown mode of transport.
    """
    defaults = defaults or PlanningDefaults()
    raw = (
        document.model_dump(mode="json", by_alias=True)
        if isinstance(document, TransportDocument)
        else document
    )
    if not isinstance(raw, Mapping):
        raise DocumentRuleError("/", "a transport document must be a JSON object")
    transports = _mapping(raw.get("transports"))
    if not transports:
        raise DocumentRuleError("/transports", "the document has no transports to plan from")
    voyages, vessels = _voyages(transports)
    legs = tuple(
        PlannedLeg(
            index=index,
            role=draft.role,
            origin=draft.origin,
            destination=draft.destination,
            mode=draft.mode,
            planned_departure=draft.departure,
            planned_arrival=draft.arrival,
            plan_source=draft.source,
            milestones=_milestones(draft, defaults),
            voyages=voyages if draft.role == "SEA" else frozenset(),
            vessel_names=vessels if draft.role == "SEA" else (),
        )
        for index, draft in enumerate(_drafts(transports, defaults))
    )
    reference = raw.get("transportDocumentReference")
    return JourneyPlan(reference if isinstance(reference, str) else "", _equipment(raw), legs)


def plan_legs(
    document: Mapping[str, Any] | TransportDocument, defaults: PlanningDefaults | None = None
) -> list[PlannedLeg]:
    """The planned legs of a transport document, in order (see ``plan_journey``)."""
    return list(plan_journey(document, defaults).legs)
