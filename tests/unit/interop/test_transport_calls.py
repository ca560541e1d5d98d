"""Derived transport call references: the documented formula, and what makes two calls one."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from corridor.interop.transport_calls import CALL_NAMESPACE, derived_call_reference

VESSEL: dict[str, Any] = {
    "modeOfTransport": "VESSEL",
    "vesselTransport": {
        "vesselIMONumber": "9795610",
        "vesselName": "BEIBU GULF STAR",
        "vesselCallSign": "9VBG7",
    },
    "exportVoyageNumberOrReference": {"carrierVoyageNumber": "026S"},
    "importVoyageNumberOrReference": {"carrierVoyageNumber": "025N"},
}
TRAIN: dict[str, Any] = {"modeOfTransport": "RAIL", "railTransport": {"departureID": "X8001"}}


def test_the_namespace_and_formula_are_the_documented_ones() -> None:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "https://corridor.invalid/interop/transport-call")
    assert namespace == CALL_NAMESPACE
    assert derived_call_reference(TRAIN, "CNCQI") == str(
        uuid.uuid5(namespace, "RAIL|departure:X8001||CNCQI|")
    )
    assert derived_call_reference(VESSEL, "SGSIN") == str(
        uuid.uuid5(namespace, "VESSEL|imo:9795610|026S|SGSIN|")
    )


@pytest.mark.parametrize(
    ("vessel", "conveyance"),
    [
        ({"vesselCallSign": "9VBG7", "vesselName": "BEIBU GULF STAR"}, "callsign:9VBG7"),
        ({"vesselName": "BEIBU GULF STAR"}, "name:BEIBU GULF STAR"),
    ],
)
def test_a_vessel_without_imo_number_is_named_by_call_sign_then_name(
    vessel: dict[str, str], conveyance: str
) -> None:
    call = {**VESSEL, "vesselTransport": vessel}
    expected = uuid.uuid5(CALL_NAMESPACE, f"VESSEL|{conveyance}|026S|CNQZH|")
    assert derived_call_reference(call, "CNQZH") == str(expected)


def test_the_import_voyage_stands_in_for_a_missing_export_voyage() -> None:
    call = {k: v for k, v in VESSEL.items() if k != "exportVoyageNumberOrReference"}
    expected = uuid.uuid5(CALL_NAMESPACE, "VESSEL|imo:9795610|025N|CNQZH|")
    assert derived_call_reference(call, "CNQZH") == str(expected)


def test_a_call_sequence_number_tells_two_calls_at_one_place_apart() -> None:
    first = derived_call_reference({**TRAIN, "transportCallSequenceNumber": 1}, "CNCQI")
    second = derived_call_reference({**TRAIN, "transportCallSequenceNumber": 2}, "CNCQI")
    assert first != second
    assert first == str(uuid.uuid5(CALL_NAMESPACE, "RAIL|departure:X8001||CNCQI|1"))


def test_only_what_names_the_call_counts() -> None:
    reference = derived_call_reference(TRAIN, "CNQZH")
    wagon = {**TRAIN, "railTransport": {"departureID": "X8001", "railCarReference": "3456789"}}
    assert derived_call_reference(wagon, "CNQZH") == reference
    assert derived_call_reference({**TRAIN, "transportCallReference": "own"}, "CNQZH") == reference
    assert derived_call_reference(TRAIN, "CNCQI") != reference
    other_train = {**TRAIN, "railTransport": {"departureID": "X8002"}}
    assert derived_call_reference(other_train, "CNQZH") != reference
    assert derived_call_reference({**TRAIN, "modeOfTransport": "TRUCK"}, "CNQZH") != reference


@pytest.mark.parametrize(
    "call",
    [
        {"modeOfTransport": "RAIL"},
        {"modeOfTransport": "RAIL", "railTransport": {"railCarReference": "3456789"}},
        {"modeOfTransport": "VESSEL", "vesselTransport": {"vesselFlag": "SG"}},
        {"modeOfTransport": "TRUCK"},
    ],
)
def test_a_call_naming_neither_conveyance_nor_voyage_gets_no_reference(
    call: dict[str, Any],
) -> None:
    assert derived_call_reference(call, "CNQZH") is None


def test_a_reference_fits_tnt_2_2_whatever_the_inputs_length() -> None:
    long_train = {"modeOfTransport": "RAIL", "railTransport": {"departureID": "X" * 100}}
    reference = derived_call_reference(long_train, "CNCQI")
    assert reference is not None
    assert len(reference) == 36
