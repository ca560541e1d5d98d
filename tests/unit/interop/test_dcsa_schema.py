"""The vendored DCSA eBL 3.0.3 TransportDocument schema, validated as OpenAPI 3.0 means it."""

from __future__ import annotations

import copy
import hashlib
import importlib.resources
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from corridor.errors import DocumentRuleError, MalformedInputError
from corridor.interop.dcsa.schema import (
    SPEC_FILE,
    load_ebl_spec,
    validate_transport_document_schema,
)

VECTORS = Path(__file__).parents[2] / "vectors" / "dcsa"
SPEC_DIR = importlib.resources.files("corridor.interop.dcsa").joinpath("spec")


def _demo() -> dict[str, Any]:
    text = importlib.resources.files("corridor.demo").joinpath("chongqing_singapore_td.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return data


_DEMO = _demo()


@pytest.fixture
def demo() -> dict[str, Any]:
    return copy.deepcopy(_DEMO)


def refused(raw: dict[str, Any]) -> DocumentRuleError:
    with pytest.raises(DocumentRuleError) as caught:
        validate_transport_document_schema(raw)
    return caught.value


def _spec_examples() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every TransportDocument example in the transport-document paths of the spec."""

    def walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            if "transportDocumentReference" in node and "utilizedTransportEquipments" in node:
                yield path, node
                return
            for key, value in node.items():
                yield from walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{path}/{index}")

    for path, item in load_ebl_spec()["paths"].items():
        if path.startswith("/v3/transport-document"):
            yield from walk(item, path)


# --- the vendored files -------------------------------------------------------------------


def test_spec_is_vendored_with_licence_and_checksum() -> None:
    spec_bytes = SPEC_DIR.joinpath(SPEC_FILE).read_bytes()
    readme = SPEC_DIR.joinpath("README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(spec_bytes).hexdigest() in readme
    assert "Apache License" in SPEC_DIR.joinpath("LICENSE").read_text(encoding="utf-8")
    assert (VECTORS / "LICENSE").is_file()


def test_spec_is_loaded_once() -> None:
    assert load_ebl_spec() is load_ebl_spec()
    assert load_ebl_spec()["info"]["version"] == "3.0.3"


def test_transport_document_component_is_a_valid_draft4_schema() -> None:
    Draft4Validator.check_schema(load_ebl_spec()["components"]["schemas"]["TransportDocument"])


# --- documents that pass ------------------------------------------------------------------


def test_demo_passes(demo: dict[str, Any]) -> None:
    validate_transport_document_schema(demo)


@pytest.mark.parametrize(
    "name", ["ebl303_issued_full_state_transfer_td.json", "ebl303_get_td_dg_example.json"]
)
def test_dcsa_vectors_pass(name: str) -> None:
    validate_transport_document_schema(json.loads((VECTORS / name).read_text(encoding="utf-8")))


def test_every_transport_document_example_in_the_spec_passes() -> None:
    examples = list(_spec_examples())
    assert len(examples) >= 5
    for _path, example in examples:
        validate_transport_document_schema(example)


def test_openapi_keywords_are_not_enforced(demo: dict[str, Any]) -> None:
    # ``example`` values in the spec are never compared with the document.
    demo["carrierCode"] = "ZZZZ"
    validate_transport_document_schema(demo)


def test_exclusive_minimum_has_its_draft4_meaning(demo: dict[str, Any]) -> None:
    # ``exclusiveMinimum: true`` with ``minimum: 0``: 0.5 kg passes (2020-12 would demand > 1).
    demo["consignmentItems"][0]["cargoItems"][0]["cargoGrossWeight"]["value"] = 0.5
    validate_transport_document_schema(demo)
    demo["consignmentItems"][0]["cargoItems"][0]["cargoGrossWeight"]["value"] = 0
    error = refused(demo)
    assert error.location == "/consignmentItems/0/cargoItems/0/cargoGrossWeight/value"
    assert "greater than 0" in error.reason


# --- documents that are refused -----------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "location", "words"),
    [
        (lambda d: d.update(isToOrder="yes"), "/isToOrder", "must be a boolean"),
        (lambda d: d.update(isElectronic=1), "/isElectronic", "must be a boolean"),
        (lambda d: d.update(numberOfOriginalsWithCharges=1.5), "/number", "must be an integer"),
        (lambda d: d.pop("transportDocumentStatus"), "/transportDocumentStatus", "required"),
        (lambda d: d.pop("transports"), "/transports", "required"),
        (
            lambda d: d["transports"]["vesselVoyages"][0].pop("vesselName"),
            "/transports/vesselVoyages/0/vesselName",
            "required",
        ),
        (lambda d: d.update(transportDocumentTypeCode="HBL"), "/transportDocumentTypeCode", "BOL"),
        (lambda d: d.update(transportDocumentReference="W" * 21), "/transportDocumentRef", "20"),
        (
            lambda d: d.update(transportDocumentReference=" WLSM"),
            "/transportDocumentRef",
            "pattern",
        ),
        (
            lambda d: d["transports"]["portOfLoading"].update(UNLocationCode="CNQZ1"),
            "/transports/portOfLoading/UNLocationCode",
            "pattern",
        ),
        (lambda d: d.update(issueDate="2026-02-30"), "/issueDate", "YYYY-MM-DD"),
        (lambda d: d.update(issueDate="2026-3-12"), "/issueDate", "not a valid date"),
        (lambda d: d.update(numberOfRiderPages=2**31), "/numberOfRiderPages", "32-bit"),
        (lambda d: d.update(invoicePayableAt={}), "/invoicePayableAt", "matches none"),
        (
            lambda d: d["invoicePayableAt"].update(freeText="Chongqing"),
            "/invoicePayableAt",
            "more than one",
        ),
        (
            lambda d: d.update(partyContactDetails=[{"name": "Desk"}]),
            "/partyContactDetails/0",
            "Phone required, Email required",
        ),
        (lambda d: d.update(utilizedTransportEquipments=[]), "/utilizedTransport", "at least 1"),
        (
            lambda d: d["documentParties"]["endorsee"].pop("identifyingCodes"),
            "/documentParties/endorsee/identifyingCodes",
            "required",
        ),
    ],
)
def test_refusals_name_the_field_and_why(
    demo: dict[str, Any], mutate: Any, location: str, words: str
) -> None:
    mutate(demo)
    error = refused(demo)
    assert error.location.startswith(location)
    assert words in error.reason
    field = error.location.rsplit("/", 1)[-1]
    assert field in error.reason or re.search(rf"\[{field}\]", error.reason)
    assert str(error) == f"{error.location}: {error.reason}"


def test_wrong_type_message_reads_as_a_sentence(demo: dict[str, Any]) -> None:
    demo["isToOrder"] = "yes"
    assert refused(demo).reason == "isToOrder must be a boolean (true or false), not a string"


def test_missing_field_message_reads_as_a_sentence(demo: dict[str, Any]) -> None:
    del demo["carrierCode"]
    error = refused(demo)
    assert error.location == "/carrierCode"
    assert error.reason == "carrierCode is required by DCSA eBL 3.0.3 but is missing; add it"


def test_not_an_object_is_malformed() -> None:
    with pytest.raises(MalformedInputError, match="JSON object"):
        validate_transport_document_schema([1, 2])  # type: ignore[arg-type]
