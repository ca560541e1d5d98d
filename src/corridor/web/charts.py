"""The corridor page's charts as geometry for inline SVG (no script, no library, no network).

Three charts over the corridor statistics (``corridor.domain.corridor_stats``, via
``services.journeys.corridor_summary``):

* **transit time per leg**: for each leg (from, to, mode) a bar from the 10th to the 90th
  percentile of the actual transit, a tick at the median, whiskers to the minimum and maximum,
  on an axis in days;
* **on-time share per leg**: a bar of the share of trips that arrived no more than 24 h after
  plan, on a 0-100 % axis;
* **dwell at Qinzhou**: the histogram of waits at the port (12 h bins), on an axis of trips.

Every chart also has a title, a one-sentence description (``<desc>``) and a table of the same
figures on the page, so nothing is only in the picture.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corridor.domain.corridor_stats import DwellDistribution, OnTimeShare
from corridor.domain.durations import DurationSummary
from corridor.domain.legs import KNOWN_PLACES, LegKey

__all__ = [
    "BarChart",
    "Histogram",
    "RangeChart",
    "duration_text",
    "dwell_histogram",
    "leg_name",
    "on_time_chart",
    "transit_chart",
]

WIDTH = 640.0
LABEL_WIDTH = 190.0
RIGHT = 28.0
ROW = 44.0
TOP = 12.0
AXIS = 34.0
HISTOGRAM_HEIGHT = 220.0
DAY = dt.timedelta(days=1)


def leg_name(key: LegKey) -> str:
    """``Rail Chongqing → Qinzhou`` (names of known places, else the UN/LOCODEs)."""
    origin = KNOWN_PLACES.get(key.origin, key.origin)
    destination = KNOWN_PLACES.get(key.destination, key.destination)
    mode = "Sea" if key.mode == "VESSEL" else str(key.mode).title()
    return f"{mode} {origin} → {destination}"


def duration_text(delta: dt.timedelta) -> str:
    """``14 h``, ``47 h``, ``2 d``, ``6 d 3 h`` (to the nearest hour)."""
    hours = round(delta.total_seconds() / 3600)
    if abs(hours) < 48:
        return f"{hours} h"
    days, rest = divmod(hours, 24)
    return f"{days} d {rest} h" if rest else f"{days} d"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class RangeRow:
    label: str
    y: float
    low: float
    high: float
    median: float
    minimum: float
    maximum: float
    text: str


@dataclass(frozen=True)
class RangeChart:
    width: float
    height: float
    plot_left: float
    plot_right: float
    axis_y: float
    rows: tuple[RangeRow, ...]
    ticks: tuple[Tick, ...]
    title: str
    description: str


def _scale(
    value: float, top: float, left: float = LABEL_WIDTH, right: float = WIDTH - RIGHT
) -> float:
    return round(left + (right - left) * (value / top if top > 0 else 0.0), 1)


def transit_chart(transit: Mapping[LegKey, DurationSummary]) -> RangeChart:
    """The transit time per leg: p10-p90 bars, median ticks, min-max whiskers, in days."""
    keys = sorted(transit, key=lambda k: transit[k].median)
    top_days = max(1, math.ceil(max((transit[k].maximum / DAY for k in keys), default=1.0)))
    rows = []
    for number, key in enumerate(keys):
        s = transit[key]
        rows.append(
            RangeRow(
                label=leg_name(key),
                y=TOP + number * ROW,
                low=_scale(s.p10 / DAY, top_days),
                high=_scale(s.p90 / DAY, top_days),
                median=_scale(s.median / DAY, top_days),
                minimum=_scale(s.minimum / DAY, top_days),
                maximum=_scale(s.maximum / DAY, top_days),
                text=f"median {duration_text(s.median)}",
            )
        )
    axis_y = TOP + len(keys) * ROW
    step = 1 if top_days <= 10 else 2
    ticks = tuple(Tick(_scale(d, top_days), f"{d} d") for d in range(0, top_days + 1, step))
    description = "; ".join(
        f"{leg_name(k)}: median {duration_text(transit[k].median)}, 80 % of trips between "
        f"{duration_text(transit[k].p10)} and {duration_text(transit[k].p90)}"
        for k in keys
    )
    return RangeChart(
        WIDTH,
        axis_y + AXIS,
        LABEL_WIDTH,
        WIDTH - RIGHT,
        axis_y,
        tuple(rows),
        ticks,
        "Transit time per leg",
        description + ".",
    )


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float
    end: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    plot_left: float
    plot_right: float
    axis_y: float
    rows: tuple[BarRow, ...]
    ticks: tuple[Tick, ...]
    title: str
    description: str


def on_time_chart(on_time: Mapping[LegKey, OnTimeShare]) -> BarChart:
    """The share of trips per leg that arrived no more than the tolerance after plan."""
    keys = sorted(on_time, key=leg_name)
    rows = tuple(
        BarRow(
            label=leg_name(key),
            y=TOP + number * ROW,
            end=_scale(on_time[key].share, 1.0),
            text=f"{round(on_time[key].share * 100)} % of {on_time[key].legs}",
        )
        for number, key in enumerate(keys)
    )
    axis_y = TOP + len(keys) * ROW
    ticks = tuple(Tick(_scale(p / 100, 1.0), f"{p} %") for p in range(0, 101, 25))
    description = "; ".join(f"{row.label}: {row.text} trips on time" for row in rows)
    return BarChart(
        WIDTH,
        axis_y + AXIS,
        LABEL_WIDTH,
        WIDTH - RIGHT,
        axis_y,
        rows,
        ticks,
        "On-time share per leg",
        description + ".",
    )


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str


@dataclass(frozen=True)
class Histogram:
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_bottom: float
    columns: tuple[Column, ...]
    ticks: tuple[tuple[float, str], ...]
    title: str
    description: str


def _bin_label(start: dt.timedelta, end: dt.timedelta) -> str:
    return f"{round(start / dt.timedelta(hours=1))}-{round(end / dt.timedelta(hours=1))} h"


def dwell_histogram(dwell: DwellDistribution, port_name: str) -> Histogram:
    """The histogram of waits at the port: one column per bin, height by trips."""
    left, bottom, right = 40.0, HISTOGRAM_HEIGHT - AXIS, WIDTH - RIGHT
    bins: Sequence[tuple[dt.timedelta, dt.timedelta, int]] = [
        (b.start, b.end, b.count) for b in dwell.bins
    ]
    highest = max((count for _, _, count in bins), default=0) or 1
    step = max(1, math.ceil(highest / 5))
    top = step * math.ceil(highest / step)  # the axis ends on a labelled tick
    width = (right - left) / max(len(bins), 1)
    columns = tuple(
        Column(
            x=round(left + i * width + 2, 1),
            y=round(bottom - (bottom - TOP) * count / top, 1),
            width=round(width - 4, 1),
            height=round((bottom - TOP) * count / top, 1),
            count=count,
            label=_bin_label(start, end),
        )
        for i, (start, end, count) in enumerate(bins)
    )
    ticks = tuple(
        (round(bottom - (bottom - TOP) * n / top, 1), str(n)) for n in range(0, top + 1, step)
    )
    summary = dwell.summary
    description = f"Wait at {port_name} before the vessel's departure, trips per 12-hour bin"
    if summary is not None:
        description += (
            f": {summary.count} trips, median {duration_text(summary.median)}, 80 % between "
            f"{duration_text(summary.p10)} and {duration_text(summary.p90)}"
        )
    return Histogram(
        WIDTH,
        HISTOGRAM_HEIGHT,
        left,
        right,
        bottom,
        columns,
        ticks,
        f"Dwell at {port_name}",
        description + ".",
    )
