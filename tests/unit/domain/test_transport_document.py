"""DCSA eBL 3.0.3 TransportDocument: the model and the rules that live in the spec text."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.resources
import json
from pathlib import Path
from typing import Any

import pydantic
import pytest

from corridor.domain.transport_document import Leg, Location, parse_transport_document
from corridor.errors import DocumentRuleError, MalformedInputError

VECTORS = Path(__file__).parents[2] / "vectors" / "dcsa"


def _load_demo() -> dict[str, Any]:
    text = importlib.resources.files("corridor.demo").joinpath("chongqing_singapore_td.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return data


_DEMO = _load_demo()


@pytest.fixture
def demo() -> dict[str, Any]:
    return copy.deepcopy(_DEMO)


def refused(raw: dict[str, Any]) -> DocumentRuleError:
    with pytest.raises(DocumentRuleError) as caught:
        parse_transport_document(raw)
    return caught.value


def make_straight(raw: dict[str, Any]) -> dict[str, Any]:
    parties = raw["documentParties"]
    raw["isToOrder"] = False
    parties["consignee"] = parties.pop("endorsee")
    parties["consignee"]["partyName"] = "Lion City Auto Components Pte. Ltd."
    return raw


# --- the demo document --------------------------------------------------------------------


def test_demo_passes_and_reads_well(demo: dict[str, Any]) -> None:
    td = parse_transport_document(demo)
    assert td.transport_document_reference == "WLSM26CQSG0001"
    assert td.transport_document_type_code == "BOL"
    assert td.is_electronic
    assert td.bill_kind == "to-order"
    assert td.shipper_name == "Chongqing Yuxin Auto Parts Export Co., Ltd."
    assert td.endorsee_name == td.shipper_name
    assert td.consignee_name is None
    assert td.issuing_party_name == "Western Land-Sea Multimodal (Chongqing) Co., Ltd."
    assert td.document_parties.notify_parties[0].party_name == (
        "Lion City Auto Components Pte. Ltd."
    )
    assert td.carrier_code == "WLSM"
    assert td.issue_date == dt.date(2026, 3, 12)
    assert td.equipment_references == ("WLMU4582011", "WLMU4582177")
    assert {u.equipment.iso_equipment_code for u in td.utilized_transport_equipments} == {"45G1"}


def test_demo_legs_are_rail_then_sea(demo: dict[str, Any]) -> None:
    assert parse_transport_document(demo).legs() == (
        Leg("RAIL", "CNCQI", "CNQZH"),
        Leg("VESSEL", "CNQZH", "SGSIN"),
    )


def test_on_carriage_adds_a_leg(demo: dict[str, Any]) -> None:
    transports = demo["transports"]
    del transports["preCarriageBy"]
    transports["onCarriageBy"] = "TRUCK"
    transports["placeOfDelivery"] = {"UNLocationCode": "SGJUR"}
    assert parse_transport_document(demo).legs() == (
        Leg("VESSEL", "CNQZH", "SGSIN"),
        Leg("TRUCK", "SGSIN", "SGJUR"),
    )


def test_nothing_is_lost(demo: dict[str, Any]) -> None:
    td = parse_transport_document(demo)
    assert td.model_dump(mode="json", exclude_unset=True) == demo
    assert td.model_extra is not None
    assert td.model_extra["charges"] == demo["charges"]


def test_document_is_immutable(demo: dict[str, Any]) -> None:
    td = parse_transport_document(demo)
    with pytest.raises(pydantic.ValidationError):
        td.is_to_order = False  # type: ignore[misc]


def test_models_accept_python_names_and_dump_dcsa_names() -> None:
    port = Location.model_validate({"location_name": "Qinzhou Port", "un_location_code": "CNQZH"})
    assert port.model_dump() == {"locationName": "Qinzhou Port", "UNLocationCode": "CNQZH"}


# --- bill kind ----------------------------------------------------------------------------


def test_straight_bill(demo: dict[str, Any]) -> None:
    td = parse_transport_document(make_straight(demo))
    assert td.bill_kind == "straight"
    assert td.consignee_name == "Lion City Auto Components Pte. Ltd."
    assert td.endorsee_name is None


def test_blank_endorsed_bill(demo: dict[str, Any]) -> None:
    del demo["documentParties"]["endorsee"]
    assert parse_transport_document(demo).bill_kind == "blank-endorsed"


def test_straight_sea_waybill_passes(demo: dict[str, Any]) -> None:
    make_straight(demo)
    demo["transportDocumentTypeCode"] = "SWB"
    assert parse_transport_document(demo).bill_kind == "straight"


# --- the rules in the spec text -----------------------------------------------------------


def test_sea_waybill_cannot_be_to_order(demo: dict[str, Any]) -> None:
    demo["transportDocumentTypeCode"] = "SWB"
    error = refused(demo)
    assert error.location == "/isToOrder"
    assert "set isToOrder to false" in error.reason


def test_straight_bill_needs_consignee(demo: dict[str, Any]) -> None:
    demo["isToOrder"] = False
    del demo["documentParties"]["endorsee"]
    error = refused(demo)
    assert error.location == "/documentParties/consignee"
    assert "add documentParties.consignee" in error.reason


def test_endorsee_only_on_to_order_bill(demo: dict[str, Any]) -> None:
    make_straight(demo)
    demo["documentParties"]["endorsee"] = copy.deepcopy(_DEMO["documentParties"]["endorsee"])
    error = refused(demo)
    assert error.location == "/documentParties/endorsee"
    assert "isToOrder" in error.reason


def test_consignee_and_endorsee_are_mutually_exclusive(demo: dict[str, Any]) -> None:
    demo["documentParties"]["consignee"] = copy.deepcopy(demo["documentParties"]["endorsee"])
    error = refused(demo)
    assert error.location == "/documentParties/consignee"
    assert "mutually exclusive" in error.reason


@pytest.mark.parametrize(
    ("with_charges", "without_charges", "location"),
    [
        (1, 1, "/numberOfOriginalsWithoutCharges"),
        (2, 0, "/numberOfOriginalsWithCharges"),
        (0, 3, "/numberOfOriginalsWithoutCharges"),
    ],
)
def test_electronic_bill_has_at_most_one_original(
    demo: dict[str, Any], with_charges: int, without_charges: int, location: str
) -> None:
    demo["numberOfOriginalsWithCharges"] = with_charges
    demo["numberOfOriginalsWithoutCharges"] = without_charges
    error = refused(demo)
    assert error.location == location
    assert "at most 1" in error.reason


@pytest.mark.parametrize(("with_charges", "without_charges"), [(0, 0), (0, 1), (1, 0)])
def test_electronic_bill_with_zero_or_one_original_passes(
    demo: dict[str, Any], with_charges: int, without_charges: int
) -> None:
    demo["numberOfOriginalsWithCharges"] = with_charges
    demo["numberOfOriginalsWithoutCharges"] = without_charges
    parse_transport_document(demo)


def test_paper_bill_may_have_three_originals(demo: dict[str, Any]) -> None:
    demo["isElectronic"] = False
    demo["numberOfOriginalsWithCharges"] = 3
    assert not parse_transport_document(demo).is_electronic


def test_cargo_item_must_reference_utilized_equipment(demo: dict[str, Any]) -> None:
    demo["consignmentItems"][1]["cargoItems"][0]["equipmentReference"] = "CSQU3054383"
    error = refused(demo)
    assert error.location == "/consignmentItems/1/cargoItems/0/equipmentReference"
    assert "CSQU3054383" in error.reason
    assert "WLMU4582011, WLMU4582177" in error.reason


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (("transports", "portOfLoading"), "CNQZ1"),
        (("transports", "placeOfReceipt"), "cncqi"),
        (("invoicePayableAt",), "CN0QZ"),
        (("documentParties", "notifyParties", 0, "address"), "SGSINX"),
        (("placeOfIssue",), 12345),
    ],
)
def test_un_location_codes_match_the_spec_pattern(
    demo: dict[str, Any], path: tuple[str | int, ...], code: object
) -> None:
    node: Any = demo
    for segment in path:
        node = node[segment]
    node["UNLocationCode"] = code
    error = refused(demo)
    assert error.location == "/" + "/".join(map(str, path)) + "/UNLocationCode"
    assert "UN/LOCODE" in error.reason


def test_container_number_check_digit(demo: dict[str, Any]) -> None:
    demo["utilizedTransportEquipments"][1]["equipment"]["equipmentReference"] = "WLMU4582178"
    demo["consignmentItems"][1]["cargoItems"][0]["equipmentReference"] = "WLMU4582178"
    error = refused(demo)
    assert error.location == "/utilizedTransportEquipments/1/equipment/equipmentReference"
    assert "check digit" in error.reason


def test_number_claiming_iso6346_must_have_its_shape(demo: dict[str, Any]) -> None:
    demo["utilizedTransportEquipments"][0]["equipment"]["equipmentReference"] = "WLMX4582011"
    error = refused(demo)
    assert error.location == "/utilizedTransportEquipments/0/equipment/equipmentReference"
    assert "ISO 6346 form" in error.reason


def test_non_iso_equipment_reference_is_allowed(demo: dict[str, Any]) -> None:
    demo["utilizedTransportEquipments"][0]["equipment"]["equipmentReference"] = "SWAP-7731"
    demo["consignmentItems"][0]["cargoItems"][0]["equipmentReference"] = "SWAP-7731"
    assert "SWAP-7731" in parse_transport_document(demo).equipment_references


# --- shape errors from the model ----------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "location", "words"),
    [
        (lambda d: d.update(isToOrder="yes"), "/isToOrder", "boolean"),
        (lambda d: d.update(isElectronic=1), "/isElectronic", "boolean"),
        (lambda d: d.update(transportDocumentTypeCode="HBL"), "/transportDocumentTypeCode", "BOL"),
        (lambda d: d.update(issueDate="12/03/2026"), "/issueDate", "YYYY-MM-DD"),
        (lambda d: d.update(issueDate="2026-02-30"), "/issueDate", "real calendar date"),
        (
            lambda d: d.update(numberOfOriginalsWithCharges=-1),
            "/numberOfOriginalsWithCharges",
            "greater than",
        ),
        (lambda d: d["transports"].pop("portOfLoading"), "/transports/portOfLoading", "required"),
        (lambda d: d["documentParties"].pop("shipper"), "/documentParties/shipper", "required"),
        (
            lambda d: d["utilizedTransportEquipments"][1].update(seals=[]),
            "/utilizedTransportEquipments/1/seals",
            "at least 1",
        ),
        (
            lambda d: d["consignmentItems"][0]["cargoItems"][0]["cargoGrossWeight"].update(
                value="18640.5"
            ),
            "/consignmentItems/0/cargoItems/0/cargoGrossWeight/value",
            "number",
        ),
        (
            lambda d: d["documentParties"]["endorsee"].update(identifyingCodes=[]),
            "/documentParties/endorsee/identifyingCodes",
            "at least 1",
        ),
    ],
)
def test_shape_errors_carry_a_json_pointer(
    demo: dict[str, Any], mutate: Any, location: str, words: str
) -> None:
    mutate(demo)
    error = refused(demo)
    assert error.location == location
    assert words in error.reason
    assert error.location.rsplit("/", 1)[-1] in error.reason


def test_not_an_object_is_malformed() -> None:
    with pytest.raises(MalformedInputError):
        parse_transport_document(["not", "an", "object"])  # type: ignore[arg-type]


# --- vectors from DCSA --------------------------------------------------------------------


def _vector(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


def test_dcsa_issued_example_passes_the_rules() -> None:
    td = parse_transport_document(_vector("ebl303_issued_full_state_transfer_td.json"))
    assert td.bill_kind == "blank-endorsed"
    assert td.legs() == (Leg("VESSEL", "DKAAR", "DEBRV"),)


def test_dcsa_dg_example_has_a_placeholder_container_number() -> None:
    error = refused(_vector("ebl303_get_td_dg_example.json"))
    assert error.location == "/utilizedTransportEquipments/0/equipment/equipmentReference"
    assert "HLXU1234567" in error.reason
