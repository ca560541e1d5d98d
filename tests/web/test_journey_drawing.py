"""The drawings behind the journey section and the corridor page: map geometry, charts, words."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from corridor.domain.corridor_stats import DwellDistribution, HistogramBin
from corridor.domain.durations import summarise
from corridor.services.demo_events import corridor_journeys, history_journeys
from corridor.services.journeys import (
    JourneyRecord,
    JourneySources,
    JourneyView,
    corridor_summary,
    journey_view,
    learn_history,
)
from corridor.web.charts import (
    duration_text,
    dwell_histogram,
    leg_name,
    on_time_chart,
    transit_chart,
)
from corridor.web.corridor_map import PLACES, corridor_map, parse_coordinates, where_is
from corridor.web.journey_view import build_section, delay_text

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
JOURNEYS = {j.reference: j for j in corridor_journeys(NOW)}
HOUR = dt.timedelta(hours=1)


def _view(reference: str, document: dict[str, object] | None = None) -> JourneyView:
    journey = JOURNEYS[reference]
    durations = learn_history(JourneySources(), NOW).durations
    return journey_view(document or journey.document, journey.events, durations, NOW)


def test_coordinates_are_read_in_un_locode_notation() -> None:
    assert parse_coordinates("0117N 10351E") == pytest.approx((1 + 17 / 60, 103 + 51 / 60))
    assert parse_coordinates("0606S 07030W") == pytest.approx((-6.1, -70.5))
    with pytest.raises(ValueError, match="DDMMN DDDMME"):
        parse_coordinates("1.28N 103.85E")
    for code, (_name, text) in PLACES.items():
        lat, lon = parse_coordinates(text)
        assert -90 <= lat <= 90, code
        assert -180 <= lon <= 180, code


def test_the_marker_sits_where_the_cargo_is() -> None:
    on_train = corridor_map(_view("WLSM26CQSG0101"))
    at_qinzhou = corridor_map(_view("WLSM26CQSG0102"))
    arrived = corridor_map(_view("WLSM26CQSG0105"))
    assert on_train is not None
    assert at_qinzhou is not None
    assert arrived is not None
    places = {p.code: (p.x, p.y) for p in at_qinzhou.places}
    assert at_qinzhou.marker is not None
    assert (at_qinzhou.marker.x, at_qinzhou.marker.y) == pytest.approx(places["CNQZH"], abs=0.2)
    end = {p.code: (p.x, p.y) for p in arrived.places}["SGSIN"]
    assert arrived.marker is not None
    assert (arrived.marker.x, arrived.marker.y) == pytest.approx(end, abs=0.2)
    start = {p.code: (p.x, p.y) for p in on_train.places}
    assert on_train.marker is not None
    assert start["CNCQI"][1] < on_train.marker.y < start["CNQZH"][1]  # between them, north-south
    index, share, sentence = where_is(_view("WLSM26CQSG0101"))
    assert index == 0
    assert 0.03 <= share <= 0.97
    assert sentence.startswith("The cargo is on the train from Chongqing (CNCQI)")


def test_the_map_is_a_projection_of_the_coordinates() -> None:
    drawn = corridor_map(_view("WLSM26CQSG0103"))
    assert drawn is not None
    assert 0 < drawn.width <= 640
    assert 0 < drawn.height <= 560
    assert drawn.width >= 0.85 * drawn.height  # widened: a north-south corridor
    for place in drawn.places:
        assert 0 <= place.x <= drawn.width
        assert 0 <= place.y <= drawn.height
    ys = {p.code: p.y for p in drawn.places}
    assert ys["CNCQI"] < ys["CNQZH"] < ys["SGSIN"]  # north is up
    sea = drawn.lines[1]
    assert sea.points.count(" ") == 7  # Qinzhou, six waypoints at sea, Singapore
    assert not sea.dashed
    assert drawn.lines[0].dashed
    assert drawn.missing == ()


def test_places_without_coordinates_are_named_not_drawn() -> None:
    document = copy.deepcopy(JOURNEYS["WLSM26CQSG0104"].document)
    document["transports"]["onCarriageBy"] = "TRUCK"
    document["transports"]["placeOfDelivery"] = {"UNLocationCode": "SGJUR", "locationName": "J"}
    drawn = corridor_map(_view("WLSM26CQSG0104", document))
    assert drawn is not None
    assert len(drawn.lines) == 2
    assert drawn.missing == ("J (SGJUR)",)


def test_section_words() -> None:
    assert delay_text(dt.timedelta(minutes=20)) == "on time"
    assert delay_text(3 * HOUR) == "3 h late"
    assert delay_text(-50 * HOUR, expected=True) == "expected 2 d 2 h early"
    assert delay_text(None) == ""
    assert duration_text(47 * HOUR) == "47 h"
    assert duration_text(48 * HOUR) == "2 d"
    assert duration_text(147 * HOUR) == "6 d 3 h"
    section = build_section(_view("WLSM26CQSG0102"))
    kinds = [item.kind for item in section.timeline]
    assert kinds.count("now") == 1
    assert [i.state for i in section.timeline if i.state == "overdue"] == ["overdue"]
    assert section.plan_note.startswith("* The document gives dates for the sea leg only")


def test_the_charts_scale_to_their_figures() -> None:
    records = [JourneyRecord(j.document, j.events) for j in history_journeys(NOW)]
    summary = corridor_summary(
        learn_history(JourneySources(history=lambda: records), NOW).journeys, NOW
    )
    transit = transit_chart(summary.transit)
    assert [row.label for row in transit.rows] == [
        "Rail Chongqing → Qinzhou",
        "Sea Qinzhou → Singapore",
    ]
    for row in transit.rows:
        assert transit.plot_left <= row.minimum <= row.low <= row.median <= row.high
        assert row.high <= row.maximum <= transit.plot_right
    on_time = on_time_chart(summary.on_time)
    span = on_time.plot_right - on_time.plot_left
    shares = {leg_name(key): share.share for key, share in summary.on_time.items()}
    assert [row.label for row in on_time.rows] == sorted(shares)
    for row in on_time.rows:
        assert row.end - on_time.plot_left == pytest.approx(span * shares[row.label], abs=0.1)


def test_the_histogram_axis_ends_on_a_tick_above_the_highest_bin() -> None:
    counts = [0, 4, 7, 11, 8]
    bins = tuple(HistogramBin(12 * HOUR * i, 12 * HOUR * (i + 1), n) for i, n in enumerate(counts))
    dwell = DwellDistribution("CNQZH", summarise([13 * HOUR, 30 * HOUR]), bins)
    chart = dwell_histogram(dwell, "Qinzhou")
    labels = [label for _, label in chart.ticks]
    assert labels == ["0", "3", "6", "9", "12"]
    tallest = max(chart.columns, key=lambda c: c.count)
    top_tick_y = chart.ticks[-1][0]
    assert tallest.y > top_tick_y  # 11 of 12: below the top tick
    assert [c.label for c in chart.columns][:2] == ["0-12 h", "12-24 h"]
    assert chart.columns[0].height == 0
    assert "2 trips, median 22 h" in chart.description
