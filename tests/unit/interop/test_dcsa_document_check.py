"""Telling a TD from shipping instructions, and finding members a DCSA schema does not define."""

from __future__ import annotations

from typing import Any

import pytest

from corridor.errors import MalformedInputError
from corridor.interop.dcsa.document_check import (
    DocumentKind,
    Finding,
    as_json_object,
    container_number_warning,
    document_kind,
    json_pointer,
    schema_problems,
    undeclared_properties,
)
from corridor.interop.dcsa.schema import SPEC_FILE
from corridor.services.demo import demo_document

TD = DocumentKind.TRANSPORT_DOCUMENT
SI = DocumentKind.SHIPPING_INSTRUCTIONS


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"transportDocumentStatus": "DRAFT"}, TD),
        ({"transports": {}}, TD),
        ({"isCargoDeliveredInICS2Zone": False}, SI),
        ({"shippingInstructionsReference": "SI-1"}, SI),
        ({"shippingInstructionsStatus": "RECEIVED"}, SI),
        ({"documentParties": {"issueTo": {}}}, SI),
        ({"documentParties": []}, TD),
        ({}, TD),
        # A TD that names its SI is still a TD.
        ({"transports": {}, "shippingInstructionsReference": "SI-1"}, TD),
    ],
)
def test_document_kind(raw: dict[str, Any], kind: DocumentKind) -> None:
    assert document_kind(raw) is kind


def test_the_demo_is_a_transport_document() -> None:
    assert document_kind(demo_document()) is TD


def test_json_pointer_escapes_per_rfc_6901() -> None:
    assert json_pointer(("a/b", "c~d", 0)) == "/a~1b/c~0d/0"
    assert json_pointer(()) == ""


def test_a_finding_reads_as_pointer_then_message() -> None:
    assert str(Finding("/isToOrder", "must be false")) == "/isToOrder: must be false"
    assert str(Finding("", "not an object")) == "/: not an object"


def test_as_json_object_copies_a_mapping_and_refuses_other_values() -> None:
    original = {"a": 1}
    copied = as_json_object(original, "x")
    assert copied == original
    assert copied is not original
    for text, words in (
        ("null", "null"),
        ("true", "a boolean"),
        ("3.5", "a number"),
        ('"x"', "a string"),
        ("[]", "an array"),
    ):
        with pytest.raises(MalformedInputError) as caught:
            as_json_object(text, "a thing")
        assert caught.value.message == f"a thing must be a JSON object, not {words}"


def test_container_number_warning() -> None:
    assert container_number_warning("WLMU4582011", "/p") is None
    assert container_number_warning("FLAT-RACK-7", "/p") is None  # not an ISO 6346 claim
    assert container_number_warning(None, "/p") is None
    warning = container_number_warning("WLMU4582012", "/p")
    assert warning is not None
    assert warning.pointer == "/p"
    assert "fails the ISO 6346 check digit: the first ten characters give 1, not 2" in (
        warning.message
    )
    shape = container_number_warning("WLMU45820", "/p")
    assert shape is not None
    assert "is not in ISO 6346 form" in shape.message


def test_undeclared_members_at_every_depth() -> None:
    td = demo_document()
    td["xTop"] = 1
    td["invoicePayableAt"]["xInside"] = {"deep": 1}  # under a oneOf: neither branch has it
    td["utilizedTransportEquipments"][1]["seals"][0]["xSeal"] = "tamper-evident"
    found = undeclared_properties(SPEC_FILE, "TransportDocument", td)
    assert [f.pointer for f in found] == [
        "/invoicePayableAt/xInside",
        "/utilizedTransportEquipments/1/seals/0/xSeal",
        "/xTop",
    ]
    assert found[0].message == "xInside is not defined by DCSA eBL 3.0.3; kept as given"


def test_a_member_of_any_branch_of_a_one_of_is_declared() -> None:
    td = demo_document()
    td["invoicePayableAt"] = {"freeText": "Chongqing"}  # the second branch of InvoicePayableAt
    assert undeclared_properties(SPEC_FILE, "TransportDocument", td) == ()


def test_schema_problems_are_findings() -> None:
    td = demo_document()
    td["isElectronic"] = 1
    assert schema_problems(SPEC_FILE, "TransportDocument", td) == (
        Finding("/isElectronic", "isElectronic must be a boolean (true or false), not an integer"),
    )
