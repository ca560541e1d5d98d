"""The hand-written DCSA JSON equivalents of the IFTSTA and rail CSV vectors are valid TNT 3.0."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.unit.interop.tnt30_check import tnt30_problems

VECTORS = Path(__file__).parents[2] / "vectors"
EQUIVALENTS = [
    VECTORS / "edifact" / "iftsta_d99b_chongqing_singapore.equivalent.json",
    VECTORS / "rail_csv" / "chongqing_qinzhou_rail.equivalent.json",
]


@pytest.mark.parametrize(
    "event",
    [
        event
        for path in EQUIVALENTS
        for event in json.loads(path.read_text(encoding="utf-8"))["events"]
    ],
    ids=lambda event: event["eventID"][:12],
)
def test_every_event_of_each_equivalent_is_valid_dcsa_tnt_3_0(event: dict[str, Any]) -> None:
    assert tnt30_problems(event) == []
