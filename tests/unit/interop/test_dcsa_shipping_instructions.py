"""DCSA eBL 3.0.3 Shipping Instructions: imported without loss, and drafted into a TD.

The vectors are DCSA's ``si-*.json`` examples, vendored in ``tests/vectors/dcsa/examples`` with
their SHA-256 in the README there. The SI examples embedded in the eBL spec are covered in
``tests/integration/test_dcsa_spec_documents.py``.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from corridor.crypto.canonical import canonical_bytes, parse_json
from corridor.errors import DocumentRuleError, MalformedInputError
from corridor.interop.dcsa.document_check import DocumentKind, undeclared_properties
from corridor.interop.dcsa.schema import SPEC_FILE
from corridor.interop.dcsa.schema_loader import component_schemas
from corridor.interop.dcsa.shipping_instructions import (
    CARRIER_FIELDS,
    LEFT_IN_INSTRUCTIONS,
    check_shipping_instructions,
    draft_transport_document,
    import_shipping_instructions,
    shipping_instructions_schema,
)
from corridor.interop.dcsa.transport_document_io import import_transport_document

EXAMPLES = Path(__file__).parents[2] / "vectors" / "dcsa" / "examples"
SHARED = Path("/work/shared/standards/dcsa")
SI_FILES = ("si-dg.json", "si-negotiable-bl.json", "si-straight-bl.json")
BAD_CONTAINERS = {  # file -> (pointer, number): pitfall 9 of docs/design/pint-3.0-notes.md
    "si-dg.json": None,
    "si-negotiable-bl.json": ("/utilizedTransportEquipments/0/equipmentReference", "MAEU6543210"),
    "si-straight-bl.json": ("/utilizedTransportEquipments/0/equipmentReference", "MSCU9988776"),
}
ISSUE_TO_CONTACTS = "/documentParties/issueTo/partyContactDetails"
OUTSIDE = {
    "si-dg.json": ["/NANumber", ISSUE_TO_CONTACTS],
    "si-negotiable-bl.json": [ISSUE_TO_CONTACTS],
    "si-straight-bl.json": [ISSUE_TO_CONTACTS],
}
LEFT = {
    "si-dg.json": [
        "/NANumber",
        "/consignmentItems/0/commoditySubReference",
        "/documentParties/issueTo",
        "/isCargoDeliveredInICS2Zone",
    ],
    "si-negotiable-bl.json": [
        "/consignmentItems/0/commoditySubReference",
        "/documentParties/issueTo",
        "/isCargoDeliveredInICS2Zone",
    ],
    "si-straight-bl.json": [
        "/advanceManifestFilings",
        "/consignmentItems/0/commoditySubReference",
        "/documentParties/issueTo",
        "/isCargoDeliveredInICS2Zone",
        "/isHouseBillOfLadingsIssued",
        "/requestedCarrierClauses",
    ],
}

CARRIER_VALUES: dict[str, Any] = {
    "/transportDocumentReference": "CRDR26SI0001",
    "/transportDocumentStatus": "DRAFT",
    "/termsAndConditions": "Carriage on the carrier's terms, available on request.",
    "/receiptTypeAtOrigin": "CY",
    "/deliveryTypeAtDestination": "CY",
    "/cargoMovementTypeAtOrigin": "FCL",
    "/cargoMovementTypeAtDestination": "FCL",
    "/carrierCode": "WLSM",
    "/carrierCodeListProvider": "SMDG",
    "/transports": {
        "plannedDepartureDate": "2026-03-02",
        "plannedArrivalDate": "2026-03-10",
        "portOfLoading": {"UNLocationCode": "CNQZH"},
        "portOfDischarge": {"UNLocationCode": "SGSIN"},
        "vesselVoyages": [{"vesselName": "CORRIDOR STAR", "carrierExportVoyageNumber": "2603E"}],
    },
    "/documentParties/issuingParty": {
        "partyName": "Western Land-Sea Multimodal (Chongqing) Co., Ltd.",
        "address": {"street": "Yuzui Road", "city": "Chongqing", "countryCode": "CN"},
    },
}
OUTER_PACKAGING = {"numberOfPackages": 20, "description": "Lithium ion battery packs"}


def si(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def si_object(name: str) -> dict[str, Any]:
    value: dict[str, Any] = parse_json(si(name))
    return value


def fill(document: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, last = pointer.split("/")[1:]
    node: Any = document
    for segment in parents:
        node = node[int(segment)] if isinstance(node, list) else node[segment]
    node[last] = copy.deepcopy(value)


# --- the vendored vectors ----------------------------------------------------------------


@pytest.mark.parametrize("name", [*SI_FILES, "LICENSE"])
def test_the_vectors_are_listed_with_their_sha256(name: str) -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((EXAMPLES / name).read_bytes()).hexdigest()
    assert f"| `{name}` | `{digest}` |" in readme


@pytest.mark.parametrize("name", [*SI_FILES, "LICENSE"])
def test_the_vectors_are_dcsas_files_byte_for_byte(name: str) -> None:
    shared = SHARED / name if name == "LICENSE" else SHARED / "examples" / name
    if not shared.is_file():
        pytest.skip(f"{shared} is not here to compare with (the vendored copy is tested above)")
    assert (EXAMPLES / name).read_bytes() == shared.read_bytes()


# --- import ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SI_FILES)
def test_each_si_example_imports_without_loss(name: str) -> None:
    imported, report = import_shipping_instructions(si(name))
    assert imported.canonical == canonical_bytes(si_object(name))
    assert imported.document() == si_object(name)
    assert imported.schema_name == "CreateShippingInstructions"
    assert report.kind is DocumentKind.SHIPPING_INSTRUCTIONS
    assert report.schema == "DCSA eBL 3.0.3 CreateShippingInstructions"
    assert report.checksum == hashlib.sha256(imported.canonical).hexdigest()
    assert [f.pointer for f in report.outside_schema] == OUTSIDE[name]


@pytest.mark.parametrize("name", SI_FILES)
def test_failing_container_numbers_are_warnings_naming_container_and_pointer(name: str) -> None:
    _, report = import_shipping_instructions(si(name))
    expected = BAD_CONTAINERS[name]
    if expected is None:
        assert report.warnings == ()
        return
    pointer, number = expected
    assert [w.pointer for w in report.warnings] == [pointer]
    assert report.warnings[0].message.startswith(
        f"container number {number!r} fails the ISO 6346 check digit: the first ten "
        "characters give 3,"
    )
    assert "kept as given" in report.warnings[0].message


def test_shipper_owned_equipment_is_checked_where_it_is() -> None:
    raw = si_object("si-dg.json")
    raw["utilizedTransportEquipments"][0] = {
        "isShipperOwned": True,
        "equipment": {
            "equipmentReference": "MAEU1234568",
            "ISOEquipmentCode": "22G1",
            "tareWeight": {"value": 2200, "unit": "KGM"},
        },
        "seals": [{"number": "NSL13386"}],
    }
    raw["consignmentItems"][0]["cargoItems"][0]["equipmentReference"] = "MAEU1234568"
    _, report = import_shipping_instructions(raw)
    assert [w.pointer for w in report.warnings] == [
        "/utilizedTransportEquipments/0/equipment/equipmentReference"
    ]


def test_a_cargo_item_in_unknown_equipment_is_a_warning() -> None:
    raw = si_object("si-dg.json")
    raw["consignmentItems"][0]["cargoItems"][0]["equipmentReference"] = "MAEU7654321"
    _, report = import_shipping_instructions(raw)
    assert [(w.pointer, w.message[:60]) for w in report.warnings] == [
        (
            "/consignmentItems/0/cargoItems/0/equipmentReference",
            "cargo item is stuffed in 'MAEU7654321', which is not among u",
        )
    ]


@pytest.mark.parametrize(
    ("extra", "schema"),
    [
        ({}, "CreateShippingInstructions"),
        ({"shippingInstructionsReference": "SI-0001"}, "UpdateShippingInstructions"),
        (
            {"shippingInstructionsReference": "SI-0001", "shippingInstructionsStatus": "RECEIVED"},
            "ShippingInstructions",
        ),
    ],
)
def test_the_schema_is_chosen_by_the_members_present(extra: dict[str, Any], schema: str) -> None:
    raw = si_object("si-dg.json") | extra
    assert shipping_instructions_schema(raw) == schema
    imported, report = import_shipping_instructions(raw)
    assert imported.schema_name == schema
    assert report.schema == f"DCSA eBL 3.0.3 {schema}"


def test_the_carriers_copy_needs_its_status() -> None:
    raw = si_object("si-dg.json")
    assert check_shipping_instructions(raw).errors == ()
    raw["shippingInstructionsStatus"] = "NOT A STATUS THAT IS FAR TOO LONG FOR THE FIFTY CHARACTERS"
    errors = check_shipping_instructions(raw).errors
    assert [e.pointer for e in errors] == ["/shippingInstructionsStatus"]


def test_a_schema_violation_is_refused_with_its_pointer() -> None:
    raw = si_object("si-straight-bl.json")
    del raw["isCargoDeliveredInICS2Zone"]
    with pytest.raises(DocumentRuleError) as caught:
        import_shipping_instructions(raw)
    assert caught.value.location == "/isCargoDeliveredInICS2Zone"
    assert "is required by DCSA eBL 3.0.3" in caught.value.reason


def test_check_lists_every_problem() -> None:
    raw = si_object("si-straight-bl.json")
    del raw["isCargoDeliveredInICS2Zone"]
    raw["invoicePayableAt"]["UNLocationCode"] = "brssz"
    result = check_shipping_instructions(raw)
    assert result.report is None
    assert result.schema == "DCSA eBL 3.0.3 CreateShippingInstructions"
    assert [e.pointer for e in result.errors] == [
        "/invoicePayableAt/UNLocationCode",
        "/isCargoDeliveredInICS2Zone",
    ]


def test_check_reports_a_number_rfc_8785_cannot_write() -> None:
    raw = si_object("si-dg.json")
    raw["consignmentItems"][0]["cargoItems"][0]["cargoGrossWeight"]["value"] = 2**60 + 1
    errors = check_shipping_instructions(raw).errors
    assert len(errors) == 1
    assert errors[0].pointer == ""
    assert "is not an IEEE-754 double" in errors[0].message


def test_check_of_good_instructions_carries_the_report() -> None:
    result = check_shipping_instructions(si("si-negotiable-bl.json"))
    assert result.errors == ()
    assert result.report == import_shipping_instructions(si("si-negotiable-bl.json"))[1]


def test_not_an_object_is_malformed() -> None:
    with pytest.raises(MalformedInputError, match="shipping instructions must be a JSON object"):
        import_shipping_instructions(b"[]")


# --- the draft transport document --------------------------------------------------------


@pytest.mark.parametrize("name", SI_FILES)
def test_the_draft_lists_what_the_carrier_must_fill(name: str) -> None:
    draft = draft_transport_document(import_shipping_instructions(si(name))[0])
    pointers = [f.pointer for f in draft.to_fill]
    assert pointers[: len(CARRIER_FIELDS)] == list(CARRIER_FIELDS)
    extra = ["/consignmentItems/0/cargoItems/0/outerPackaging"] if name == "si-dg.json" else []
    assert pointers[len(CARRIER_FIELDS) :] == extra
    assert [f.pointer for f in draft.left_in_instructions] == LEFT[name]
    assert draft.issue_to == si_object(name)["documentParties"]["issueTo"]


@pytest.mark.parametrize("name", SI_FILES)
def test_a_filled_draft_is_a_transport_document(name: str) -> None:
    draft = draft_transport_document(import_shipping_instructions(si(name))[0])
    document = draft.document
    assert undeclared_properties(SPEC_FILE, "TransportDocument", document) == ()
    for finding in draft.to_fill:
        if finding.pointer in CARRIER_VALUES:
            fill(document, finding.pointer, CARRIER_VALUES[finding.pointer])
        else:
            assert finding.pointer.endswith("/outerPackaging")
            fill(document, finding.pointer, OUTER_PACKAGING)
    imported, report = import_transport_document(document)
    moved = ["/utilizedTransportEquipments/0/equipment/equipmentReference"]
    assert [w.pointer for w in report.warnings] == ([] if BAD_CONTAINERS[name] is None else moved)
    source = si_object(name)
    model = imported.model
    assert model.is_to_order is source["isToOrder"]
    assert model.transport_document_type_code == source["transportDocumentTypeCode"]
    ute = source["utilizedTransportEquipments"][0]
    assert model.equipment_references == (ute["equipmentReference"],)
    assert model.consignment_items[0].hs_codes == tuple(source["consignmentItems"][0]["HSCodes"])
    assert document["partyContactDetails"] == source["partyContactDetails"]
    assert document["documentParties"]["shipper"] == source["documentParties"]["shipper"]


def test_a_carrier_field_the_instructions_give_is_not_asked_for() -> None:
    raw = si_object("si-dg.json") | {
        "transportDocumentReference": "CRDR26SI0002",
        "carrierCode": "WLSM",
        "carrierCodeListProvider": "SMDG",
    }
    draft = draft_transport_document(import_shipping_instructions(raw)[0])
    asked = {f.pointer for f in draft.to_fill}
    assert asked.isdisjoint({"/transportDocumentReference", "/carrierCode"})
    assert "/carrierCodeListProvider" not in asked
    assert draft.document["transportDocumentReference"] == "CRDR26SI0002"


def test_the_draft_does_not_change_the_instructions() -> None:
    imported, _ = import_shipping_instructions(si("si-straight-bl.json"))
    draft_transport_document(imported)
    assert imported.document() == si_object("si-straight-bl.json")


# --- the mapping against the schemas -----------------------------------------------------


def _properties(schema: Mapping[str, Any]) -> Iterator[str]:
    schemas = component_schemas(SPEC_FILE)
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        yield from _properties(schema["items"])
        return
    yield from schema.get("properties", {})
    for combinator in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(combinator, ()):
            yield from _properties(branch)


def _member(schema_name: str, *path: str) -> Mapping[str, Any]:
    """The schema of ``path`` under ``schema_name`` (first declaration found)."""
    schemas = component_schemas(SPEC_FILE)
    schema: Mapping[str, Any] = {"$ref": f"#/components/schemas/{schema_name}"}
    for name in path:
        schema = _declaration(schemas, schema, name)
    return schema


def _declaration(
    schemas: Mapping[str, Any], schema: Mapping[str, Any], name: str
) -> Mapping[str, Any]:
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        return _declaration(schemas, schema["items"], name)
    if name in schema.get("properties", {}):
        found: Mapping[str, Any] = schema["properties"][name]
        return found
    for combinator in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(combinator, ()):
            try:
                return _declaration(schemas, branch, name)
            except KeyError:
                continue
    raise KeyError(name)


LEVELS = [  # (pointer pattern, path from the top)
    ("", ()),
    ("/documentParties", ("documentParties",)),
    ("/utilizedTransportEquipments/*", ("utilizedTransportEquipments",)),
    ("/consignmentItems/*", ("consignmentItems",)),
    ("/consignmentItems/*/cargoItems/*", ("consignmentItems", "cargoItems")),
]
MOVED = {"/utilizedTransportEquipments/*/equipmentReference"}  # into .../equipment


@pytest.mark.parametrize(
    "si_schema",
    ["CreateShippingInstructions", "UpdateShippingInstructions", "ShippingInstructions"],
)
@pytest.mark.parametrize(("pattern", "path"), LEVELS, ids=[p or "/" for p, _ in LEVELS])
def test_every_si_only_member_is_mapped_or_left_with_a_reason(
    si_schema: str, pattern: str, path: tuple[str, ...]
) -> None:
    si_members = set(_properties(_member(si_schema, *path)))
    td_members = set(_properties(_member("TransportDocument", *path)))
    unmapped = {
        f"{pattern}/{name}"
        for name in si_members - td_members
        if f"{pattern}/{name}" not in LEFT_IN_INSTRUCTIONS and f"{pattern}/{name}" not in MOVED
    }
    assert unmapped == set()


def test_every_left_member_exists_in_some_si_schema() -> None:
    for pattern in LEFT_IN_INSTRUCTIONS:
        *parents, name = [s for s in pattern.split("/")[1:] if s != "*"]
        assert any(
            name in set(_properties(_member(schema, *parents)))
            for schema in ("CreateShippingInstructions", "ShippingInstructions")
        ), pattern


def test_the_carrier_fields_are_what_a_td_requires_and_no_si_gives() -> None:
    schemas = component_schemas(SPEC_FILE)
    td_required = {f"/{name}" for name in schemas["TransportDocument"]["required"]}
    td_required |= {f"/documentParties/{n}" for n in schemas["DocumentParties"]["required"]}
    si_members = {f"/{name}" for name in _properties(_member("CreateShippingInstructions"))}
    si_members |= {
        f"/documentParties/{name}"
        for name in _properties(_member("CreateShippingInstructions", "documentParties"))
    }
    optional_in_si = {"/transportDocumentReference", "/carrierCode", "/carrierCodeListProvider"}
    assert set(CARRIER_FIELDS) == (td_required - si_members) | optional_in_si
    assert optional_in_si <= si_members
