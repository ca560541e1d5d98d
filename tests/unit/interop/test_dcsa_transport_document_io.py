"""Importing and exporting DCSA eBL 3.0.3 TransportDocument JSON: nothing lost, errors located.

The DCSA spec examples themselves are imported, stored and exported in
``tests/integration/test_dcsa_spec_documents.py``; here each behaviour is pinned on the demo
document with one change at a time.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from corridor.crypto.canonical import canonical_bytes, checksum, parse_json
from corridor.errors import DocumentRuleError, MalformedInputError, NodeError
from corridor.interop.dcsa.document_check import DocumentKind
from corridor.interop.dcsa.transport_document_io import (
    SCHEMA,
    check_transport_document,
    export_transport_document,
    import_transport_document,
    transport_document_json,
)
from corridor.services.demo import demo_document

UTE0 = "/utilizedTransportEquipments/0/equipment/equipmentReference"
BAD_CONTAINER = "WLMU4582012"  # WLMU4582011 with the wrong check digit


@pytest.fixture
def td() -> dict[str, Any]:
    return demo_document()


def refused(raw: Any) -> DocumentRuleError:
    with pytest.raises(DocumentRuleError) as caught:
        import_transport_document(raw)
    return caught.value


def _rename_container(td: dict[str, Any], old: str, new: str) -> None:
    for ute in td["utilizedTransportEquipments"]:
        if ute["equipment"]["equipmentReference"] == old:
            ute["equipment"]["equipmentReference"] = new
    for item in td["consignmentItems"]:
        for cargo in item["cargoItems"]:
            if cargo["equipmentReference"] == old:
                cargo["equipmentReference"] = new


# --- import ------------------------------------------------------------------------------


def test_import_keeps_the_document_as_its_canonical_bytes(td: dict[str, Any]) -> None:
    imported, report = import_transport_document(td)
    assert imported.canonical == canonical_bytes(td)
    assert imported.checksum == report.checksum == checksum(td)
    assert imported.reference == td["transportDocumentReference"] == "WLSM26CQSG0001"
    assert imported.document() == td
    assert imported.document() is not imported.document()
    assert report.kind is DocumentKind.TRANSPORT_DOCUMENT
    assert report.schema == SCHEMA == "DCSA eBL 3.0.3 TransportDocument"
    assert report.warnings == ()
    assert report.outside_schema == ()


def test_json_text_and_parsed_objects_import_alike(td: dict[str, Any]) -> None:
    text = json.dumps(td, indent=4, ensure_ascii=False)
    from_dict = import_transport_document(td)[0].canonical
    assert import_transport_document(text)[0].canonical == from_dict
    assert import_transport_document(text.encode("utf-8"))[0].canonical == from_dict


def test_members_nobody_defines_survive_byte_for_byte(td: dict[str, Any]) -> None:
    td["xCorridorNote"] = {"nested": [1, 2.5, 1e-7, "Chongqing 重庆", None, True]}
    td["transports"]["vesselVoyages"][0]["xVoyageRemark"] = "slot 12"
    td["documentParties"]["endorsee"]["address"]["xDistrict"] = "Shapingba"
    imported, report = import_transport_document(td)
    assert imported.canonical == canonical_bytes(td)
    assert parse_json(imported.canonical)["xCorridorNote"]["nested"][2] == 1e-7
    assert [f.pointer for f in report.outside_schema] == [
        "/transports/vesselVoyages/0/xVoyageRemark",
        "/documentParties/endorsee/address/xDistrict",
        "/xCorridorNote",
    ]
    assert all("not defined by DCSA eBL 3.0.3" in f.message for f in report.outside_schema)
    for finding in report.outside_schema:
        assert finding.pointer in report.not_interpreted


def test_the_report_names_what_corridor_keeps_without_reading(td: dict[str, Any]) -> None:
    _, report = import_transport_document(td)
    # Defined by DCSA, not modelled by corridor.domain.transport_document: kept, listed.
    assert "/charges" in report.not_interpreted
    assert "/consignmentItems/0/cargoItems/0/cargoGrossVolume" in report.not_interpreted
    assert "/documentParties/shipper/typeOfPerson" in report.not_interpreted
    # Modelled members are not listed.
    assert "/transportDocumentReference" not in report.not_interpreted
    assert "/transports" not in report.not_interpreted
    assert list(report.not_interpreted) == sorted(report.not_interpreted)


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (
            lambda d: d["transports"]["portOfLoading"].update(UNLocationCode="cnqzh"),
            "/transports/portOfLoading/UNLocationCode",
            "does not match the pattern",
        ),
        (lambda d: d.pop("termsAndConditions"), "/termsAndConditions", "is required"),
        (lambda d: d.update(isToOrder="yes"), "/isToOrder", "must be a boolean"),
        (
            lambda d: d.update(transportDocumentTypeCode="SWB"),
            "/isToOrder",
            "sea waybill (SWB) is never negotiable",
        ),
        (
            lambda d: (
                d["consignmentItems"][0]["cargoItems"][0].update(equipmentReference="WLMU4582177")
                or d["utilizedTransportEquipments"].pop(1)
            ),
            "/consignmentItems/0/cargoItems/0/equipmentReference",
            "not among utilizedTransportEquipments",
        ),
    ],
    ids=["schema-pattern", "schema-required", "schema-type", "rule-swb", "rule-cargo"],
)
def test_a_refusal_names_the_json_pointer(
    td: dict[str, Any], change: Any, pointer: str, words: str
) -> None:
    change(td)
    error = refused(td)
    assert error.location == pointer
    assert words in error.reason
    assert str(error).startswith(pointer + ": ")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"{not json", "invalid JSON at line 1 column 2"),
        (b'{"a": 1, "a": 2}', "duplicate member name"),
        (b"[1, 2]", "must be a JSON object, not an array"),
        ("3", "must be a JSON object, not a number"),
    ],
)
def test_text_that_is_not_a_json_object_is_malformed(raw: bytes | str, words: str) -> None:
    with pytest.raises(MalformedInputError) as caught:
        import_transport_document(raw)
    assert words in caught.value.message


def test_a_failing_container_number_is_a_warning_and_kept(td: dict[str, Any]) -> None:
    _rename_container(td, "WLMU4582011", BAD_CONTAINER)
    imported, report = import_transport_document(td)
    assert imported.canonical == canonical_bytes(td)
    assert imported.model.equipment_references[0] == BAD_CONTAINER
    assert [w.pointer for w in report.warnings] == [UTE0]
    assert f"container number {BAD_CONTAINER!r} fails the ISO 6346 check digit" in (
        report.warnings[0].message
    )
    assert "'corridor ebl issue' refuses it" in report.warnings[0].message


def test_other_rules_still_hold_when_a_container_number_fails(td: dict[str, Any]) -> None:
    _rename_container(td, "WLMU4582011", BAD_CONTAINER)
    td["consignmentItems"][1]["cargoItems"][0]["equipmentReference"] = "WLMU4582193"
    error = refused(td)
    assert error.location == "/consignmentItems/1/cargoItems/0/equipmentReference"
    # The number the rule reports is the one in the document, not the one it was checked as.
    assert f"({BAD_CONTAINER}, WLMU4582177)" in error.reason
    td["consignmentItems"][1]["cargoItems"][0]["equipmentReference"] = "WLMU4582177"
    td["transportDocumentTypeCode"] = "SWB"
    assert refused(td).location == "/isToOrder"


def test_non_iso_references_are_left_alone(td: dict[str, Any]) -> None:
    _rename_container(td, "WLMU4582011", "FLAT-RACK-7")  # SMDG Recommendation #2 style
    assert import_transport_document(td)[1].warnings == ()


def test_pint_fields_are_accepted_checked_and_kept(td: dict[str, Any]) -> None:
    td["extendedContractQuotationReference"] = "CQSG-2026-FRAME-CONTRACT-0001"
    td["documentParties"]["endorsee"]["isNotifyParty"] = True
    imported, report = import_transport_document(td)
    assert imported.canonical == canonical_bytes(td)
    assert report.schema == "DCSA eBL 3.0.3 TransportDocument (with DCSA eBL PINT 3.0.0 fields)"
    assert {f.pointer: f.message for f in report.outside_schema} == {
        "/extendedContractQuotationReference": "defined by DCSA eBL PINT 3.0.0, "
        "not by DCSA eBL 3.0.3",
        "/documentParties/endorsee/isNotifyParty": "defined by DCSA eBL PINT 3.0.0, "
        "not by DCSA eBL 3.0.3",
    }
    td["documentParties"]["endorsee"]["isNotifyParty"] = "yes"
    error = refused(td)
    assert error.location == "/documentParties/endorsee/isNotifyParty"
    assert "must be a boolean" in error.reason


def test_an_unknown_member_beside_pint_fields_is_reported_as_unknown(td: dict[str, Any]) -> None:
    td["extendedContractQuotationReference"] = "Q-1"
    td["xOwn"] = 1
    messages = {f.pointer: f.message for f in import_transport_document(td)[1].outside_schema}
    assert messages["/xOwn"] == "xOwn is not defined by DCSA eBL 3.0.3; kept as given"


# --- check: every problem at once --------------------------------------------------------


def test_check_lists_every_schema_problem(td: dict[str, Any]) -> None:
    del td["termsAndConditions"]
    td["isElectronic"] = "true"
    result = check_transport_document(td)
    assert result.report is None
    assert result.schema == SCHEMA
    assert [str(e) for e in result.errors] == [
        "/isElectronic: isElectronic must be a boolean (true or false), not a string",
        "/termsAndConditions: termsAndConditions is required by DCSA eBL 3.0.3 but is missing; "
        "add it",
    ]


def test_check_reports_the_first_broken_rule(td: dict[str, Any]) -> None:
    td["transportDocumentTypeCode"] = "SWB"
    result = check_transport_document(td)
    assert [e.pointer for e in result.errors] == ["/isToOrder"]


def test_check_reports_pint_schema_problems(td: dict[str, Any]) -> None:
    td["extendedContractQuotationReference"] = 42
    result = check_transport_document(td)
    assert [e.pointer for e in result.errors] == ["/extendedContractQuotationReference"]


def test_check_reports_a_number_rfc_8785_cannot_write(td: dict[str, Any]) -> None:
    td["consignmentItems"][0]["cargoItems"][0]["cargoGrossWeight"]["value"] = 2**60 + 1
    result = check_transport_document(td)
    assert len(result.errors) == 1
    assert "is not an IEEE-754 double" in result.errors[0].message
    assert str(result.errors[0]).startswith("/: ")


def test_check_of_a_good_document_carries_the_import_report(td: dict[str, Any]) -> None:
    result = check_transport_document(json.dumps(td))
    assert result.errors == ()
    assert result.report == import_transport_document(td)[1]


# --- export ------------------------------------------------------------------------------


def test_export_returns_the_stored_bytes_unchanged(td: dict[str, Any]) -> None:
    stored = canonical_bytes(td)
    assert transport_document_json(stored, canonical_form=True) == stored
    assert export_transport_document(stored, expected_checksum=checksum(td)) == td


def test_the_indented_form_is_the_same_json_value(td: dict[str, Any]) -> None:
    td["xTiny"] = [1e-7, 12.5, 1e21, -0.0, 2**53 - 1]
    td["xName"] = "重庆"
    stored = canonical_bytes(td)
    text = transport_document_json(stored)
    assert text.endswith(b"}\n")
    assert b'\n  "cargoMovementTypeAtDestination": ' in text
    assert '"xName": "重庆"'.encode() in text  # UTF-8, not \u escapes
    assert canonical_bytes(parse_json(text)) == stored
    assert list(parse_json(text)) == sorted(td)  # members in canonical order


def test_export_refuses_bytes_that_do_not_match_the_register(td: dict[str, Any]) -> None:
    stored = canonical_bytes(td)
    with pytest.raises(NodeError) as caught:
        transport_document_json(stored, expected_checksum="0" * 64)
    assert f"hashes to {checksum(td)}, but the register records {'0' * 64}" in (
        caught.value.message
    )


@pytest.mark.parametrize(
    ("stored", "words"),
    [
        (b'{"b": 1, "a": 2}', "not an RFC 8785 canonical object"),
        (b"[1]", "not an RFC 8785 canonical object"),
        (b"\xff", "not JSON"),
    ],
)
def test_export_refuses_damaged_bytes(stored: bytes, words: str) -> None:
    with pytest.raises(NodeError) as caught:
        export_transport_document(stored)
    assert words in caught.value.message
    assert "corridor log audit" in caught.value.message
