"""A schematic map of a journey, drawn from coordinates as inline SVG (no tiles, no network).

**Places.** ``PLACES`` maps UN/LOCODEs to a name and a position written as UN/LOCODE writes it in
its *Coordinates* column (UNECE, UN/LOCODE Manual, section 3.3.10: degrees and minutes,
``DDMMN DDDMME``). Singapore (``SGSIN``) is UN/LOCODE's own entry, ``0117N 10351E``. For the
other places the value is the city's or port's position rounded to the minute in the same
notation, because their UN/LOCODE entries could not be checked offline when this table was
written: good to a few kilometres, which is ample for a schematic. A place not in the table is
not drawn, and the map says so.

**Routes.** A leg is drawn from its origin to its destination through ``ROUTES``' waypoints when
it has some: the sea lane from Qinzhou stays at sea (Gulf of Tonkin, off the coast of Viet Nam,
across the South China Sea into the Singapore Strait) and the railway from Chongqing runs by
Guiyang and Nanning. The waypoints are rough, chosen by hand to keep the line where the cargo
goes; they are not navigation data.

**Projection.** Equirectangular: ``x = (lon - west) * cos(middle latitude)``, ``y = north - lat``,
scaled to ``WIDTH`` units, so distances along a parallel are true at the map's middle latitude.
Rail legs are dashed, sea legs solid; the cargo's current position is a ring on the line,
placed by time (the share of the leg's expected transit that has elapsed), which is an estimate
and is labelled as such.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corridor.domain.journey import LegStatus
from corridor.domain.legs import Place
from corridor.domain.tracking_event import Mode
from corridor.services.journeys import JourneyView

__all__ = ["PLACES", "ROUTES", "CorridorMap", "corridor_map", "parse_coordinates", "where_is"]

PLACES: Mapping[str, tuple[str, str]] = {
    "CNCQI": ("Chongqing", "2934N 10633E"),
    "CNQZH": ("Qinzhou", "2157N 10837E"),
    "SGSIN": ("Singapore", "0117N 10351E"),
    "CNCTU": ("Chengdu", "3040N 10404E"),
    "CNBHY": ("Beihai", "2129N 10907E"),
    "CNSHA": ("Shanghai", "3114N 12129E"),
    "HKHKG": ("Hong Kong", "2218N 11410E"),
    "VNHPH": ("Haiphong", "2052N 10641E"),
    "VNSGN": ("Ho Chi Minh City", "1046N 10642E"),
    "THLCH": ("Laem Chabang", "1305N 10053E"),
    "MYTPP": ("Tanjung Pelepas", "0122N 10333E"),
    "MYPKG": ("Port Klang", "0300N 10124E"),
    "IDJKT": ("Jakarta", "0606S 10653E"),
}
"""UN/LOCODE -> (name, coordinates in UN/LOCODE notation); see the module docstring."""

ROUTES: Mapping[tuple[str, str, Mode], tuple[tuple[float, float], ...]] = {
    ("CNCQI", "CNQZH", Mode.RAIL): ((26.6, 106.7), (22.8, 108.3)),
    ("CNQZH", "SGSIN", Mode.VESSEL): (
        (20.0, 108.0),
        (17.5, 107.8),
        (15.0, 109.6),
        (11.5, 109.8),
        (8.5, 107.0),
        (4.0, 105.0),
    ),
}
"""Waypoints (latitude, longitude) between a leg's ends, to draw it where it runs."""

WIDTH = 640.0
MAX_HEIGHT = 560.0
MARGIN_DEGREES = 1.5
MIN_ASPECT = 0.9
"""The map is at least this wide for its height."""
_COORDINATE = re.compile(r"(\d{2})(\d{2})([NS]) (\d{3})(\d{2})([EW])")


def parse_coordinates(text: str) -> tuple[float, float]:
    """``"0117N 10351E"`` -> ``(1.2833, 103.85)`` (latitude, longitude in decimal degrees)."""
    match = _COORDINATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not UN/LOCODE coordinates (DDMMN DDDMME, e.g. 0117N 10351E)")
    lat = int(match[1]) + int(match[2]) / 60
    lon = int(match[4]) + int(match[5]) / 60
    return (-lat if match[3] == "S" else lat, -lon if match[6] == "W" else lon)


@dataclass(frozen=True)
class MapLine:
    points: str
    mode: str
    dashed: bool
    done: bool
    label: str


@dataclass(frozen=True)
class MapPlace:
    code: str
    name: str
    x: float
    y: float
    anchor: str


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class CorridorMap:
    width: float
    height: float
    lines: tuple[MapLine, ...]
    places: tuple[MapPlace, ...]
    grid: tuple[GridLine, ...]
    marker: Marker | None
    title: str
    description: str
    missing: tuple[str, ...]
    """Places of the journey the map has no coordinates for."""


class _Projection:
    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        self.south, self.north = min(lats) - MARGIN_DEGREES, max(lats) + MARGIN_DEGREES
        self.west, self.east = min(lons) - MARGIN_DEGREES, max(lons) + MARGIN_DEGREES
        self.squeeze = math.cos(math.radians((self.south + self.north) / 2))
        span_y = self.north - self.south
        widen = MIN_ASPECT * span_y / self.squeeze - (self.east - self.west)
        if widen > 0:  # a north-south corridor: show some land and sea either side
            self.west, self.east = self.west - widen / 2, self.east + widen / 2
        span_x = (self.east - self.west) * self.squeeze
        self.scale = min(WIDTH / span_x, MAX_HEIGHT / span_y)
        self.width = round(span_x * self.scale, 1)
        self.height = round(span_y * self.scale, 1)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = (lon - self.west) * self.squeeze * self.scale
        y = (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


def _position(place: Place) -> tuple[float, float] | None:
    known = PLACES.get(place.code or "")
    return None if known is None else parse_coordinates(known[1])


def _path(view: JourneyView, index: int) -> list[tuple[float, float]] | None:
    leg = view.journey.legs[index].leg
    start, end = _position(leg.origin), _position(leg.destination)
    if start is None or end is None:
        return None
    key = (leg.origin.code or "", leg.destination.code or "", leg.mode)
    return [start, *ROUTES.get(key, ()), end]


def _along(path: Sequence[tuple[float, float]], share: float) -> tuple[float, float]:
    """The point ``share`` (0..1) of the way along ``path``, by length in degrees."""
    pieces = list(itertools.pairwise(path))
    lengths = [math.dist(a, b) for a, b in pieces]
    remaining = share * sum(lengths)
    for (a, b), length in zip(pieces, lengths, strict=True):
        if remaining <= length and length > 0:
            t = remaining / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        remaining -= length
    return path[-1]


def _share(view: JourneyView, index: int) -> float:
    progress, estimate = view.journey.legs[index], view.eta.legs[index]
    start = progress.actual_departure or estimate.departure
    total = (estimate.arrival - start).total_seconds()
    if total <= 0:
        return 0.5
    elapsed = (view.as_of - start).total_seconds()
    return min(max(elapsed / total, 0.03), 0.97)


_NOUN = {Mode.RAIL: "on the train", Mode.VESSEL: "on the vessel", Mode.TRUCK: "on the truck"}


def where_is(view: JourneyView) -> tuple[int, float, str]:
    """The leg the cargo is on, how far along it (0..1), and a sentence saying so."""
    current = view.journey.current_leg
    if current is None:
        last = view.journey.legs[-1].leg
        return last.index, 1.0, f"The cargo has arrived at {last.destination.label}."
    leg = current.leg
    if current.status is LegStatus.IN_PROGRESS:
        share = _share(view, leg.index)
        noun = _NOUN.get(leg.mode, f"on the {leg.mode.lower()} leg")
        sentence = (
            f"The cargo is {noun} from {leg.origin.label} to {leg.destination.label}, about "
            f"{round(share * 100)} % of the way by expected transit time (an estimate)."
        )
        return leg.index, share, sentence
    if current.status is LegStatus.DWELLING or leg.index > 0:
        return leg.index, 0.0, f"The cargo is at {leg.origin.label}, waiting to depart."
    return leg.index, 0.0, f"The cargo has not left {leg.origin.label} yet."


def _grid(projection: _Projection) -> tuple[GridLine, ...]:
    lines = []
    for lat in range(math.ceil(projection.south / 5) * 5, math.floor(projection.north) + 1, 5):
        x1, y = projection.xy(lat, projection.west)
        x2, _ = projection.xy(lat, projection.east)
        label = f"{abs(lat)}°{'N' if lat >= 0 else 'S'}"
        lines.append(GridLine(x1, y, x2, y, label))
    for lon in range(math.ceil(projection.west / 5) * 5, math.floor(projection.east) + 1, 5):
        x, y1 = projection.xy(projection.north, lon)
        _, y2 = projection.xy(projection.south, lon)
        room = x < projection.width - 30  # no label cut by the map's edge
        lines.append(GridLine(x, y1, x, y2, f"{lon}°E" if room else ""))
    return tuple(lines)


def _missing(view: JourneyView) -> tuple[str, ...]:
    found: list[str] = []
    for progress in view.journey.legs:
        for place in (progress.leg.origin, progress.leg.destination):
            if _position(place) is None and place.label not in found:
                found.append(place.label)
    return tuple(found)


def _places(view: JourneyView, projection: _Projection) -> tuple[MapPlace, ...]:
    drawn: dict[str, MapPlace] = {}
    for progress in view.journey.legs:
        for place in (progress.leg.origin, progress.leg.destination):
            position = _position(place)
            if position is None or place.code in drawn:
                continue
            x, y = projection.xy(*position)
            anchor = "end" if x > projection.width * 0.6 else "start"
            name = PLACES[place.code or ""][0]
            drawn[place.code or ""] = MapPlace(place.code or "", name, x, y, anchor)
    return tuple(drawn.values())


def _line(
    view: JourneyView, index: int, path: Sequence[tuple[float, float]], p: _Projection
) -> MapLine:
    progress = view.journey.legs[index]
    leg = progress.leg
    points = " ".join(f"{x},{y}" for x, y in (p.xy(*point) for point in path))
    label = f"{leg.mode.title()} {leg.origin.label} to {leg.destination.label}"
    return MapLine(
        points,
        leg.mode.lower(),
        leg.mode is not Mode.VESSEL,
        progress.status is LegStatus.COMPLETED,
        label,
    )


def corridor_map(view: JourneyView) -> CorridorMap | None:
    """The map of ``view``'s journey, or ``None`` if no leg has coordinates at both ends."""
    paths = {i: path for i in range(len(view.journey.legs)) if (path := _path(view, i))}
    if not paths:
        return None
    projection = _Projection([point for path in paths.values() for point in path])
    index, share, sentence = where_is(view)
    marker = None
    if index in paths:
        x, y = projection.xy(*_along(paths[index], share))
        marker = Marker(x, y, sentence)
    legs = "; ".join(
        f"{line.label} ({'dashed' if line.dashed else 'solid'} line)"
        for line in (_line(view, i, path, projection) for i, path in paths.items())
    )
    as_of = view.as_of.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return CorridorMap(
        width=projection.width,
        height=projection.height,
        lines=tuple(_line(view, i, path, projection) for i, path in paths.items()),
        places=_places(view, projection),
        grid=_grid(projection),
        marker=marker,
        title=f"Schematic map of the journey of {view.reference}",
        description=f"{legs}. {sentence} As of {as_of}.",
        missing=_missing(view),
    )
